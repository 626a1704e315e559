from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from generator.model.entries import Ritual
from generator.model.occurrences import is_occurrence_day, next_occurrences

PARIS = ZoneInfo("Europe/Paris")


def ritual(**kw: object) -> Ritual:
    base: dict[str, object] = dict(slug="r", source="content/rituals/r.md", title="R",
                                   starts=dt.datetime(2026, 3, 5, 18, 30, tzinfo=PARIS),
                                   duration=dt.timedelta(minutes=90),
                                   repeat="FREQ=WEEKLY;BYDAY=TH", timezone="Europe/Paris")
    base.update(kw)
    return Ritual(**base)  # type: ignore[arg-type]


def test_weekly_stays_at_local_time_across_dst() -> None:
    now = dt.datetime(2026, 3, 20, tzinfo=PARIS)
    dates = next_occurrences(ritual(), now, 3)
    assert [d.start.strftime("%Y-%m-%d %H:%M %z") for d in dates] == [
        "2026-03-26 18:30 +0100", "2026-04-02 18:30 +0200", "2026-04-09 18:30 +0200"]
    assert dates[0].end - dates[0].start == dt.timedelta(minutes=90)


def test_except_dates_are_skipped() -> None:
    now = dt.datetime(2026, 3, 20, tzinfo=PARIS)
    dates = next_occurrences(ritual(except_dates=(dt.date(2026, 4, 2),)), now, 2)
    assert [d.start.date() for d in dates] == [dt.date(2026, 3, 26), dt.date(2026, 4, 9)]


def test_until_ends_the_ritual() -> None:
    now = dt.datetime(2026, 3, 20, tzinfo=PARIS)
    dates = next_occurrences(ritual(until=dt.date(2026, 4, 2)), now, 5)
    assert [d.start.date() for d in dates] == [dt.date(2026, 3, 26), dt.date(2026, 4, 2)]


def test_paused_has_no_next_dates() -> None:
    assert next_occurrences(ritual(status="paused"), dt.datetime(2026, 3, 1, tzinfo=PARIS)) == ()


def test_one_off() -> None:
    r = ritual(repeat=None)
    assert len(next_occurrences(r, dt.datetime(2026, 3, 1, tzinfo=PARIS))) == 1
    assert next_occurrences(r, dt.datetime(2026, 3, 6, tzinfo=PARIS)) == ()


def test_monthly_first_tuesday_other_zone() -> None:
    montreal = ZoneInfo("America/Montreal")
    r = ritual(starts=dt.datetime(2026, 1, 6, 19, 0, tzinfo=montreal), repeat="FREQ=MONTHLY;BYDAY=1TU",
               timezone="America/Montreal")
    dates = next_occurrences(r, dt.datetime(2026, 2, 1, tzinfo=dt.UTC), 3)
    assert [d.start.strftime("%Y-%m-%d %H:%M") for d in dates] == [
        "2026-02-03 19:00", "2026-03-03 19:00", "2026-04-07 19:00"]
    assert is_occurrence_day(r, dt.date(2026, 4, 7))
    assert not is_occurrence_day(r, dt.date(2026, 4, 8))


def test_now_in_another_zone() -> None:
    # 17:00 UTC is 18:00 in Paris (winter): the 18:30 occurrence that day is still ahead.
    now = dt.datetime(2026, 3, 12, 17, 0, tzinfo=dt.UTC)
    assert next_occurrences(ritual(), now, 1)[0].start.date() == dt.date(2026, 3, 12)
