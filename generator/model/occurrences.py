"""When rituals happen: the one computation behind ritual pages, the home page and the .ics.

Rules are expanded on the ritual's local wall-clock time, then placed in its zone, so a weekly
18:30 Europe/Paris ritual stays at 18:30 across daylight-saving changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from dateutil import rrule as du_rrule

from generator.model.entries import Ritual
from generator.model.identity import ByIdentity


@dataclass(frozen=True)
class Occurrence:
    ritual: str  # slug
    start: dt.datetime  # aware, in the ritual's zone
    end: dt.datetime


def local_start(ritual: Ritual) -> dt.datetime:
    """The first occurrence as a naive wall-clock time in the ritual's zone."""
    return ritual.starts.astimezone(ZoneInfo(ritual.timezone)).replace(tzinfo=None)


def rule_of(ritual: Ritual) -> du_rrule.rrule | None:
    """The expanded rule on naive local times, `until` applied; None for a one-off."""
    if not ritual.repeat:
        return None
    rule = du_rrule.rrulestr(ritual.repeat, dtstart=local_start(ritual))
    assert isinstance(rule, du_rrule.rrule)
    if ritual.until is not None:
        rule = rule.replace(until=dt.datetime.combine(ritual.until, dt.time.max))
    return rule


def _local_times(ritual: Ritual, after: dt.datetime) -> Iterator[dt.datetime]:
    first = local_start(ritual)
    rule = rule_of(ritual)
    if rule is None:
        if first >= after:
            yield first
        return
    yield from rule.xafter(after, inc=True)


def iter_occurrences(ritual: Ritual, after: dt.datetime) -> Iterator[Occurrence]:
    """Occurrences starting at or after `after` (aware), cancelled dates skipped."""
    zone = ZoneInfo(ritual.timezone)
    cancelled = set(ritual.except_dates)
    after_local = after.astimezone(zone).replace(tzinfo=None)
    for local in _local_times(ritual, after_local):
        if local.date() in cancelled:
            continue
        start = local.replace(tzinfo=zone)
        yield Occurrence(ritual.slug, start, start + ritual.duration)


_MEMO: ByIdentity[Any] = ByIdentity(50_000)  # `foyer serve` keeps unchanged rituals


def next_occurrences(ritual: Ritual, now: dt.datetime, count: int = 5) -> tuple[Occurrence, ...]:
    """The next `count` dates of an active ritual; none for a paused or ended one."""
    return _MEMO.get((ritual,), lambda: _next_occurrences(ritual, now, count),  # type: ignore[no-any-return]
                     "next", now, count)


def _next_occurrences(ritual: Ritual, now: dt.datetime, count: int) -> tuple[Occurrence, ...]:
    if not ritual.active:
        return ()
    result = []
    for occurrence in iter_occurrences(ritual, now):
        result.append(occurrence)
        if len(result) == count:
            break
    return tuple(result)


def occurrences_between(ritual: Ritual, start: dt.datetime,
                        end: dt.datetime) -> list[Occurrence]:
    return list(_MEMO.get((ritual,), lambda: tuple(_occurrences_between(ritual, start, end)),
                          "between", start, end))


def _occurrences_between(ritual: Ritual, start: dt.datetime,
                         end: dt.datetime) -> list[Occurrence]:
    result = []
    for occurrence in iter_occurrences(ritual, start):
        if occurrence.start >= end:
            break
        result.append(occurrence)
    return result


def is_occurrence_day(ritual: Ritual, day: dt.date) -> bool:
    """Whether the rule (ignoring cancellations) has an occurrence on this local day."""
    rule = rule_of(ritual)
    if rule is None:
        return local_start(ritual).date() == day
    start = dt.datetime.combine(day, dt.time.min)
    return bool(rule.between(start, start + dt.timedelta(days=1), inc=True))
