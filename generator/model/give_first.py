"""The give-first content calendar: every dated piece in order, and the rule that at least
`give_first.gives_per_ask` gives stand before the first ask and between two asks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from generator.model import occurrences
from generator.model.entries import DRAFT, SCHEDULED, Newsletter, Piece, Resource, Ritual, Story
from generator.model.hub import Hub
from generator.model.identity import ByIdentity
from generator.problems import Problem

HORIZON_WEEKS = 12
CHANNELS = {"stories": "story", "newsletters": "newsletter", "resources": "resource",
            "rituals": "ritual"}


@dataclass(frozen=True)
class Row:
    date: dt.date
    title: str
    intent: str  # give | ask
    channel: str
    status: str  # published | scheduled | idea | draft | planned
    source: str
    line: int
    url: str | None = None  # for published pieces
    key: str = ""  # stable identity for calendars

    @property
    def is_ask(self) -> bool:
        return self.intent == "ask"


@dataclass(frozen=True)
class Breach:
    row: Row
    gives: int
    needed: int
    fine_after: dt.date | None

    def problem(self) -> Problem:
        hint = (f"move it after {self.fine_after.isoformat()}, or plan another give before it"
                if self.fine_after else "plan another give before it")
        return Problem(self.row.source, self.row.line,
                       f'ask "{self.row.title}" on {self.row.date.isoformat()} comes after '
                       f"{self.gives} give{'s' if self.gives != 1 else ''}; {self.needed} "
                       f"{'are' if self.needed != 1 else 'is'} needed", hint)


@dataclass(frozen=True)
class Plan:
    rows: tuple[Row, ...]  # in calendar order
    balance: tuple[int, ...]  # gives since the last ask, after each row (None outside window)
    breaches: tuple[Breach, ...]
    gives_per_ask: int
    since: dt.date | None
    next_ask: dt.date | None  # the earliest date on or after today an ask would be fine

    @property
    def ok(self) -> bool:
        return not self.breaches


_ROWS: ByIdentity[Row | None] = ByIdentity()  # `foyer serve` keeps unchanged pieces


def _piece_row(piece: Piece, hub: Hub, zone: ZoneInfo) -> Row | None:
    return _ROWS.get((piece,), lambda: _make_row(piece, hub, zone), str(zone),
                     piece.key in hub.by_key)


def _make_row(piece: Piece, hub: Hub, zone: ZoneInfo) -> Row | None:
    when = piece.sort_date
    if when is None or piece.state == DRAFT or piece.translation_of:
        return None
    if not isinstance(piece, Story | Newsletter | Resource):
        return None
    status = "scheduled" if piece.state == SCHEDULED else "published"
    return Row(date=when.astimezone(zone).date(), title=getattr(piece, "title", piece.slug),
               intent=getattr(piece, "intent", "give"), channel=CHANNELS[piece.section],
               status=status, source=piece.source,
               line=piece.line("intent") if ("intent",) in piece.lines
               else piece.line("title"),
               url=piece.url if status == "published" and piece.key in hub.by_key else None,
               key=piece.key)


def rows_of(hub: Hub, horizon: dt.date | None = None) -> list[Row]:
    zone = ZoneInfo(hub.config.timezone)
    rows: list[Row] = []
    for piece in (*hub.stories, *hub.newsletters, *hub.resources, *hub.hidden):
        row = _piece_row(piece, hub, zone)
        if row is not None:
            rows.append(row)
    for item in hub.planned:
        rows.append(Row(date=item.date, title=item.title, intent=item.intent,
                        channel=item.channel or "planned",
                        status=item.status if item.status in ("idea", "draft") else "planned",
                        source=item.source, line=item.line,
                        key=f"planned/{item.date.isoformat()}/{item.line}"))
    today = hub.now.astimezone(zone).date()
    last = max((r.date for r in rows), default=today)
    end = max(horizon or today + dt.timedelta(weeks=HORIZON_WEEKS), last)
    for ritual in hub.rituals:
        if not isinstance(ritual, Ritual) or not ritual.active or ritual.translation_of:
            continue
        seen_weeks: set[tuple[int, int]] = set()
        stop = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        for occurrence in occurrences.occurrences_between(ritual, hub.now, stop):
            day = occurrence.start.date()
            week = day.isocalendar()[:2]
            if week in seen_weeks:
                continue
            seen_weeks.add(week)
            rows.append(Row(date=day, title=ritual.title, intent=ritual.intent,
                            channel="ritual", status="scheduled", source=ritual.source,
                            line=ritual.line("intent") if ("intent",) in ritual.lines
                            else ritual.line("title"),
                            url=ritual.url, key=f"{ritual.key}/{day.isoformat()}"))
    # Same day: gives first, so "give, then ask" in one day is fine.
    rows.sort(key=lambda r: (r.date, r.is_ask, r.channel, r.title, r.key))
    return rows


_LAST: list[tuple[Hub, Plan]] = []  # the plan of the last hub asked: check, then the page


def plan(hub: Hub, horizon: dt.date | None = None) -> Plan:
    if horizon is None and _LAST and _LAST[0][0] is hub:
        return _LAST[0][1]
    found = _plan(hub, horizon)
    if horizon is None:
        _LAST[:] = [(hub, found)]
    return found


def carry(old: Hub, new: Hub, pairs: list[tuple[Piece, Piece]]) -> bool:
    """`new` is `old` with `pairs` swapped (Hub.swapped): when the swapped pieces give the same
    rows, old's plan is new's, without gathering and ordering every row again."""
    if not (_LAST and _LAST[0][0] is old):
        return False
    zone = ZoneInfo(old.config.timezone)
    if any(_piece_row(o, old, zone) != _piece_row(n, new, zone) for o, n in pairs):
        return False
    _LAST[:] = [(new, _LAST[0][1])]
    return True


def _plan(hub: Hub, horizon: dt.date | None) -> Plan:
    needed = hub.config.gives_per_ask
    since = hub.config.give_first_since
    rows = rows_of(hub, horizon)
    breaches: list[Breach] = []
    balance: list[int] = []
    gives = 0
    for index, row in enumerate(rows):
        if since is not None and row.date < since:
            balance.append(0)
            continue
        if row.is_ask:
            if gives < needed:
                breaches.append(Breach(row, gives, needed,
                                       _fine_after(rows, index, needed - gives, since)))
            gives = 0
        else:
            gives += 1
        balance.append(gives)
    zone = ZoneInfo(hub.config.timezone)
    today = hub.now.astimezone(zone).date()
    return Plan(tuple(rows), tuple(balance), tuple(breaches), needed, since,
                _next_ask(rows, needed, today, since))


def _fine_after(rows: list[Row], index: int, missing: int, since: dt.date | None) -> dt.date | None:
    """The date of the give that would make the ask at `index` fine, counting only the gives
    planned after it and before the next ask."""
    for row in rows[index + 1:]:
        if row.is_ask:
            return None
        missing -= 1
        if missing == 0:
            return row.date
    return None


def _next_ask(rows: list[Row], needed: int, today: dt.date,
              since: dt.date | None) -> dt.date | None:
    """The first day from today on which an ask would be fine without breaking a later ask."""
    counted = [r for r in rows if since is None or r.date >= since]
    for day in sorted({today} | {r.date for r in counted if r.date >= today}):
        gives = 0
        for row in counted:
            if row.date > day:
                break
            gives = 0 if row.is_ask else gives + 1
        if gives < needed:
            continue
        after = 0
        for row in counted:
            if row.date <= day:
                continue
            if row.is_ask:
                break
            after += 1
        else:
            return day
        if after >= needed:
            return day
    return None


def check(hub: Hub) -> list[Problem]:
    return [breach.problem() for breach in plan(hub).breaches]
