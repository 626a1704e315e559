"""iCalendar subscriptions: /rituals.ics (every active ritual) and /rituals/<slug>.ics.

Each ritual is one VEVENT with its rule, so calendar apps expand it themselves: DTSTART in the
ritual's zone (TZID + VTIMEZONE), RRULE with UNTIL from `until`, EXDATE for cancelled dates, at
the same local time, as model/occurrences.py computes them for the ritual pages.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar

from generator.model.entries import Ritual
from generator.model.occurrences import local_start
from generator.render.outputs import Output, Site

PRODID = "-//foyer//community hub//EN"


def ics_path(ritual: Ritual) -> str:
    return f"rituals/{ritual.slug}.ics"


def _calendar(site: Site, name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", site.hub.config.timezone)
    return cal


def event(site: Site, ritual: Ritual) -> icalendar.Event:
    hub = site.hub
    zone = ZoneInfo(ritual.timezone)
    start = local_start(ritual).replace(tzinfo=zone)
    host = urlsplit(hub.config.base_url).hostname or "localhost"
    ev = icalendar.Event()
    ev.add("uid", f"{ritual.slug}@{host}")
    ev.add("dtstamp", hub.now.astimezone(dt.UTC))
    ev.add("dtstart", start)
    ev.add("duration", ritual.duration)
    ev.add("summary", ritual.title)
    if ritual.repeat:
        rule = icalendar.vRecur.from_ical(ritual.repeat)
        if ritual.until is not None:
            last = dt.datetime.combine(ritual.until, dt.time(23, 59, 59), tzinfo=zone)
            rule["UNTIL"] = [last.astimezone(dt.UTC)]
        ev.add("rrule", rule)
        if ritual.except_dates:
            ev.add("exdate", [dt.datetime.combine(day, start.time(), tzinfo=zone)
                              for day in sorted(ritual.except_dates)])
    body = site.bodies.get(ritual.key)
    description = "\n\n".join(t for t in (ritual.summary, body.excerpt if body else "") if t)
    url = site.theme.absolute(ritual.url)
    ev.add("description", (description + "\n\n" if description else "") + url)
    ev.add("url", url)
    if ritual.where.place or ritual.where.online:
        ev.add("location", ritual.where.place or ritual.where.online)
    if ritual.where.online and ritual.where.place:
        ev.add("x-online-url", ritual.where.online)
    hosts = [m for m in (hub.member(s) for s in ritual.hosts) if m is not None]
    if hosts:
        ev.add("organizer", site.theme.absolute(hosts[0].url), parameters={"CN": hosts[0].name})
        for other in hosts[1:]:
            ev.add("contact", other.name)
    ev.add("categories", list(getattr(ritual, "tags", ())) or [ritual.title])
    ev.add("status", "CONFIRMED")
    return ev


def _bytes(cal: icalendar.Calendar) -> bytes:
    """The calendar with one VTIMEZONE per zone in use, written explicitly (icalendar's
    add_missing_timezones() depends on process-wide caches, which made output vary), before
    the events: the bytes of the calendar with the timezones as its first components."""
    zones = sorted({str(ev["DTSTART"].params["TZID"]) for ev in cal.walk("VEVENT")
                    if "TZID" in ev["DTSTART"].params})
    data = bytes(cal.to_ical())
    if not zones:
        return data
    first = data.index(b"\r\nBEGIN:VEVENT\r\n") + 2  # a component starts its own line
    return data[:first] + b"".join(_vtimezone(zone) for zone in zones) + data[first:]


@functools.cache
def _vtimezone(zone: str) -> bytes:
    """A zone's VTIMEZONE, written once per process (most of a ritual's .ics was building it:
    the zone's transitions from 1970 to 2038, for each of the hundred calendars of a hub)."""
    return bytes(icalendar.Timezone.from_tzid(zone).to_ical())


def render(site: Site) -> Iterator[Output]:
    hub = site.hub
    rituals = [r for r in hub.listed(hub.rituals) if isinstance(r, Ritual)]
    active = [r for r in rituals if r.active]
    for ritual in active:
        def own(_: object, ritual: Ritual = ritual) -> bytes:
            calendar = _calendar(site, f"{ritual.title} · {hub.config.title}")
            calendar.add_component(event(site, ritual))
            return _bytes(calendar)

        yield site.output(ics_path(ritual), ("ics", ritual, hub.now), own)

    def everything(_: object) -> bytes:
        calendar = _calendar(site, hub.config.title)
        for ritual in active:
            calendar.add_component(event(site, ritual))
        return _bytes(calendar)

    yield site.output("rituals.ics", ("ics", active, hub.now), everything)
