"""Publishing on time: a piece dated tomorrow is absent today and present once its date comes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from generator.build import build
from generator.cli import main
from generator.scaffold import init_hub

from .conftest import PARIS

TODAY = dt.datetime(2026, 3, 10, 12, 0, tzinfo=PARIS)


@pytest.fixture
def hub(make_hub) -> Path:
    return make_hub({
        "content/members/ana.md": "---\nname: Ana\n---\nAna.\n",
        "content/stories/today.md": "---\ntitle: Today\ndate: 2026-03-10\nmembers: [ana]\n---\nx\n",
        "content/stories/tomorrow.md":
            "---\ntitle: Tomorrow story\ndate: 2026-03-11T08:00:00\nmembers: [ana]\n---\nx\n",
    })


def visible_everywhere(site: Path) -> dict[str, bool]:
    return {
        "page": (site / "stories/tomorrow/index.html").exists(),
        "list": "Tomorrow story" in (site / "stories/index.html").read_text("utf-8"),
        "feed": "Tomorrow story" in (site / "feed.xml").read_text("utf-8"),
        "json": "Tomorrow story" in (site / "stories/feed.json").read_text("utf-8"),
        "sitemap": "/stories/tomorrow/" in (site / "sitemap.xml").read_text("utf-8"),
    }


def test_scheduled_piece_goes_live_on_its_date(hub: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build(hub, now=TODAY, out=out)
    assert not any(visible_everywhere(out).values())
    schedule = json.loads((out / ".foyer/schedule.json").read_text("utf-8"))
    assert schedule["next_build"] == "2026-03-11T08:00:00+01:00"
    assert schedule["scheduled"][0]["source"] == "content/stories/tomorrow.md"
    page = (out / "calendar/index.html").read_text("utf-8")
    row = page.split("Tomorrow story", 1)[1].split("</li>", 1)[0]
    assert "scheduled" in row
    build(hub, now=TODAY.replace(day=11, hour=9), out=out)
    assert all(visible_everywhere(out).values())
    assert json.loads((out / ".foyer/schedule.json").read_text("utf-8"))["scheduled"] == []


def test_foyer_calendar_json_shows_it_scheduled(hub: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["calendar", str(hub), "--format", "json", "--now", TODAY.isoformat()]) == 0
    data = json.loads(capsys.readouterr().out)
    row = next(r for r in data["rows"] if r["title"] == "Tomorrow story")
    assert row["status"] == "scheduled" and row["url"] is None
    assert data["ok"] is True and data["gives_per_ask"] == 3


def test_foyer_calendar_table_and_breach_exit_code(make_hub,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    hub = make_hub({"content/members/ana.md": "---\nname: Ana\n---\nAna.\n",
                    "content/calendar.yaml": "- date: 2026-03-12\n  title: Donate\n  intent: ask\n"})
    assert main(["calendar", str(hub), "--now", TODAY.isoformat(), "--weeks", "2"]) == 1
    out = capsys.readouterr().out
    assert "Donate" in out and "ask" in out and "breach" in out
    assert main(["check", str(hub), "--now", TODAY.isoformat()]) == 1


def test_calendar_ics_has_one_all_day_event_per_row(hub: Path, tmp_path: Path) -> None:
    import icalendar

    out = tmp_path / "site"
    build(hub, now=TODAY, out=out)
    cal = icalendar.Calendar.from_ical((out / "calendar.ics").read_bytes())
    events = cal.walk("VEVENT")
    assert [e.decoded("DTSTART") for e in events] == [dt.date(2026, 3, 10), dt.date(2026, 3, 11)]
    assert str(events[0]["SUMMARY"]).startswith("[GIVE] ")


def test_calendar_ics_starts_where_the_calendar_page_starts(make_hub, tmp_path: Path) -> None:
    """Rows older than the page's window (the first of the month two months back) stay out of
    the team's calendar subscription, read by a real iCalendar parser."""
    import icalendar

    hub = make_hub({"content/members/ana.md": "---\nname: Ana\n---\nAna.\n",
                    "content/stories/old.md": "---\ntitle: Old\ndate: 2025-06-01\n"
                                              "members: [ana]\n---\nOld.\n",
                    "content/stories/edge.md": "---\ntitle: Edge\ndate: 2026-01-01\n"
                                               "members: [ana]\n---\nEdge.\n",
                    "content/stories/recent.md": "---\ntitle: Recent\ndate: 2026-02-20\n"
                                                 "members: [ana]\n---\nRecent.\n"})
    out = tmp_path / "site"
    build(hub, now=TODAY, out=out)
    cal = icalendar.Calendar.from_ical((out / "calendar.ics").read_bytes())
    summaries = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
    assert summaries == ["[GIVE] Edge", "[GIVE] Recent"]
    page = (out / "calendar/index.html").read_text("utf-8")
    assert "Edge" in page and "Old" not in page


def test_init_scaffolds_an_hourly_pages_workflow(tmp_path: Path) -> None:
    init_hub(tmp_path / "h")
    workflow = (tmp_path / "h/.github/workflows/foyer.yml").read_text("utf-8")
    assert 'cron: "7 * * * *"' in workflow
    assert "actions/deploy-pages" in workflow and "foyer build" in workflow
