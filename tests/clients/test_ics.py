"""Ritual calendars through icalendar and recurring-ical-events: the same dates as the pages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from generator.build import build, load

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=PARIS)


@pytest.fixture
def hub(make_hub) -> Path:
    return make_hub({
        "content/members/ana.md": "---\nname: Ana Lopez\n---\nAna.\n",
        "content/rituals/jeudi.md":
            "---\ntitle: Jeudi\nstarts: 2026-03-05T18:30:00\nduration: 1h30\n"
            "repeat: FREQ=WEEKLY;BYDAY=TH\nexcept: [2026-04-09]\nuntil: 2026-06-30\n"
            "hosts: [ana]\nwhere:\n  place: Le local\n  online: https://visio.example/j\n"
            "summary: Coder ensemble.\n---\nVenez !\n",
        "content/rituals/montreal.md":
            "---\ntitle: Montréal\nstarts: 2026-01-21T19:00:00\nduration: 90m\n"
            "repeat: FREQ=MONTHLY;BYDAY=3WE\ntimezone: America/Montreal\nhosts: [ana]\n---\nx\n",
        "content/rituals/pause.md":
            "---\ntitle: En pause\nstarts: 2026-01-01T10:00:00\nduration: 1h\n"
            "repeat: FREQ=WEEKLY\nstatus: paused\nhosts: [ana]\n---\nx\n",
    })


def occurrences(path: Path, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    found = recurring_ical_events.of(cal).between(start, end)
    return sorted(o["DTSTART"].dt for o in found)


def test_ics_agrees_with_the_model_across_dst_and_except(hub: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=NOW, out=out)
    model, _ = load(hub, now=NOW)
    assert model is not None
    for slug in ("jeudi", "montreal"):
        expected = [o.start for o in model.next_dates[slug]]
        got = occurrences(out / f"rituals/{slug}.ics", NOW, expected[-1] + dt.timedelta(minutes=1))
        assert got == expected, slug
        both = occurrences(out / "rituals.ics", NOW, expected[-1] + dt.timedelta(minutes=1))
        assert set(expected) <= set(both)
    jeudi = [o.start for o in model.next_dates["jeudi"]]
    # 18:30 local before and after the change to summer time (29 March 2026); 9 April cancelled
    assert [d.strftime("%m-%d %H:%M%z") for d in jeudi] == [
        "03-12 18:30+0100", "03-19 18:30+0100", "03-26 18:30+0100", "04-02 18:30+0200",
        "04-16 18:30+0200"]


def test_ics_until_ends_and_pages_show_the_same_dates(hub: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=NOW, out=out)
    late = occurrences(out / "rituals/jeudi.ics", dt.datetime(2026, 6, 20, tzinfo=PARIS),
                       dt.datetime(2026, 8, 1, tzinfo=PARIS))
    assert [d.date() for d in late] == [dt.date(2026, 6, 25)]
    page = (out / "rituals/jeudi/index.html").read_text("utf-8")
    datetimes = re.findall(r'<li><time datetime="([^"]+)"', page)
    model, _ = load(hub, now=NOW)
    assert datetimes == [o.start.isoformat() for o in model.next_dates["jeudi"]]


def test_ics_properties(hub: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=NOW, out=out)
    cal = icalendar.Calendar.from_ical((out / "rituals/jeudi.ics").read_bytes())
    assert str(cal["PRODID"]).startswith("-//foyer//")
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]
    event = cal.walk("VEVENT")[0]
    assert event["UID"] == "jeudi@hub.example"
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DURATION") == dt.timedelta(minutes=90)
    assert event["RRULE"]["UNTIL"][0] == dt.datetime(2026, 6, 30, 21, 59, 59, tzinfo=dt.UTC)
    assert event["URL"] == "https://hub.example/rituals/jeudi/"
    assert event["LOCATION"] == "Le local"
    assert event["ORGANIZER"].params["CN"] == "Ana Lopez"
    assert "Coder ensemble." in event["DESCRIPTION"]
    assert "<" not in event["DESCRIPTION"]


def test_paused_ritual_leaves_the_subscriptions(hub: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=NOW, out=out)
    assert not (out / "rituals/pause.ics").exists()
    assert "En pause" not in (out / "rituals.ics").read_text("utf-8")
    page = (out / "rituals/pause/index.html").read_text("utf-8")
    assert ".ics" not in page.split("<main", 1)[1].split("</main>", 1)[0]
    jeudi = (out / "rituals/jeudi/index.html").read_text("utf-8")
    assert 'href="/rituals/jeudi.ics"' in jeudi
    assert 'href="webcal://hub.example/rituals/jeudi.ics"' in jeudi


def test_example_hub_calendars_parse(built_example: Path) -> None:
    files = sorted(built_example.rglob("*.ics"))
    assert len(files) >= 6
    for path in files:
        cal = icalendar.Calendar.from_ical(path.read_bytes())
        assert cal.walk("VEVENT"), path


def test_a_description_from_a_wrapped_body_keeps_its_words_apart(make_hub, tmp_path: Path
                                                                ) -> None:
    hub = make_hub({
        "content/members/ana.md": "---\nname: Ana Lopez\n---\nAna.\n",
        "content/rituals/jeudi.md":
            "---\ntitle: Jeudi\nstarts: 2026-03-05T18:30:00\nduration: 1h\n"
            "repeat: FREQ=WEEKLY;BYDAY=TH\nhosts: [ana]\n---\n"
            "Apportez un objet\nen panne ou une idée.\n"})
    out = tmp_path / "site"
    build(hub, now=NOW, out=out, link_check=False)
    cal = icalendar.Calendar.from_ical((out / "rituals/jeudi.ics").read_bytes())
    event = next(iter(cal.walk("VEVENT")))
    assert str(event["DESCRIPTION"]).startswith("Apportez un objet en panne ou une idée.")
