"""/calendar/ (the give-first plan, month by month), /calendar.ics (one all-day event per
row, for the team) and .foyer/schedule.json (when scheduled pieces go live)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import icalendar

from generator.model import give_first
from generator.model.entries import SCHEDULED
from generator.render import pages
from generator.render.outputs import Output, Site

PAST_MONTHS = 3


@dataclass(frozen=True)
class Status:
    """What the page says of the whole plan (its rows are shown month by month)."""

    gives_per_ask: int
    ok: bool
    breaches: tuple[give_first.Breach, ...]
    next_ask: dt.date | None


def render(site: Site) -> Iterator[Output]:
    hub = site.hub
    plan = give_first.plan(hub)
    today = hub.now.astimezone(hub.config.tz).date()
    months_back = today.year * 12 + today.month - 1 - (PAST_MONTHS - 1)
    first = dt.date(months_back // 12, months_back % 12 + 1, 1)
    breached = {id(b.row) for b in plan.breaches}
    months: dict[tuple[int, int], dict[str, object]] = {}
    for row, balance in zip(plan.rows, plan.balance, strict=True):
        if row.date < first:
            continue
        month = months.setdefault((row.date.year, row.date.month), {
            "date": row.date.replace(day=1), "rows": [], "gives": 0, "asks": 0})
        month["rows"].append({"row": row, "balance": balance,  # type: ignore[attr-defined]
                              "breach": id(row) in breached})
        month["asks" if row.is_ask else "gives"] += 1  # type: ignore[operator]
    status = Status(plan.gives_per_ask, plan.ok, plan.breaches, plan.next_ask)
    yield pages._page(site, "calendar.html", "calendar/index.html", title_key="calendar",
                      aggregate=True, basis=(plan,),
                      section="calendar", url=hub.config.base_path + "calendar/", plan=status,
                      months=[months[k] for k in sorted(months)], today=today)
    window = [(row, balance) for row, balance in zip(plan.rows, plan.balance, strict=True)
              if row.date >= first]
    yield site.output("calendar.ics", ("calendar.ics", window, hub.now),
                      lambda _: _ics(site, plan, first), aggregate=True, basis=(plan,))
    scheduled = [p for p in hub.hidden if p.state == SCHEDULED]
    yield site.output(".foyer/schedule.json", ("schedule", scheduled, hub.now),
                      lambda _: _schedule(site))


def _ics(site: Site, plan: give_first.Plan, first: dt.date) -> bytes:
    """The same window as the page: a team subscribes to what is coming, not to years past."""
    hub = site.hub
    host = urlsplit(hub.config.base_url).hostname or "localhost"
    cal = icalendar.Calendar()
    cal.add("prodid", "-//foyer//give-first calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{hub.config.title} · plan")
    stamp = hub.now.astimezone(dt.UTC)
    for row in plan.rows:
        if row.date < first:
            continue
        event = icalendar.Event()
        event.add("uid", f"{row.key.replace('/', '-')}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", row.date)
        event.add("dtend", row.date + dt.timedelta(days=1))
        marker = "ASK" if row.is_ask else "GIVE"
        event.add("summary", f"[{marker}] {row.title}")
        event.add("categories", [row.intent, row.channel, row.status])
        event.add("description", f"{row.intent} · {row.channel} · {row.status} · "
                                 f"{row.source}:{row.line}")
        event.add("transp", "TRANSPARENT")
        if row.url:
            event.add("url", site.theme.absolute(row.url))
        cal.add_component(event)
    return bytes(cal.to_ical())


def _schedule(site: Site) -> bytes:
    hub = site.hub
    upcoming = sorted((p for p in hub.hidden if p.state == SCHEDULED and p.sort_date),
                      key=lambda p: (p.sort_date, p.key))
    data = {
        "generated_at": hub.now.isoformat(),
        "next_build": upcoming[0].sort_date.isoformat() if upcoming else None,  # type: ignore[union-attr]
        "scheduled": [{"source": p.source, "url": site.theme.absolute(p.url),
                       "publish_at": p.sort_date.isoformat()} for p in upcoming],  # type: ignore[union-attr]
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
