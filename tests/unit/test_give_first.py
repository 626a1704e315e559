"""The give-first rule at its edges."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.build import load
from generator.model import give_first

from ..conftest import PARIS

NOW = dt.datetime(2026, 1, 1, 12, 0, tzinfo=PARIS)
ANA = "---\nname: Ana\n---\nAna.\n"


def story(day: str, intent: str = "give", title: str | None = None) -> str:
    return (f"---\ntitle: {title or 'S ' + day}\ndate: {day}\nmembers: [ana]\n"
            f"intent: {intent}\n---\nx\n")


def hub_with(make_hub, stories: dict[str, str], calendar: str = "", extra_yaml: str = "",
             files: dict[str, str] | None = None) -> Path:
    all_files = {"content/members/ana.md": ANA, **(files or {})}
    for name, text in stories.items():
        all_files[f"content/stories/{name}.md"] = text
    if calendar:
        all_files["content/calendar.yaml"] = calendar
    return make_hub(all_files, hub_yaml="title: T\nbase_url: https://t.example/\n"
                    "timezone: Europe/Paris\n" + extra_yaml)


def breaches(root: Path) -> list[str]:
    hub, problems = load(root, now=NOW)
    assert hub is not None
    return [str(p) for p in problems if "comes after" in p.message]


def test_exactly_enough_gives(make_hub) -> None:
    root = hub_with(make_hub, {"a": story("2025-12-01"), "b": story("2025-12-02"),
                               "c": story("2025-12-03"), "d": story("2025-12-04", "ask")})
    assert breaches(root) == []


def test_one_short_names_file_line_and_earliest_fine_date(make_hub) -> None:
    root = hub_with(make_hub, {"a": story("2025-12-01"), "b": story("2025-12-02"),
                               "ask": story("2025-12-03", "ask", "Appel aux dons"),
                               "c": story("2025-12-05"), "d": story("2025-12-09")})
    assert breaches(root) == [
        'content/stories/ask.md:5: ask "Appel aux dons" on 2025-12-03 comes after 2 gives; '
        "3 are needed (move it after 2025-12-05, or plan another give before it)"]


def test_the_issue_example_from_calendar_yaml(make_hub) -> None:
    calendar = "\n".join([
        "- date: 2026-01-05", "  title: Guide", "  intent: give",
        "- date: 2026-01-10", "  title: Story", "  intent: give",
        "- date: 2026-01-15", "  title: Appel aux dons", "  intent: ask",
        "- date: 2026-01-19", "  title: Newsletter", "  intent: give",
        "- date: 2026-01-25", "  title: Survey", "  intent: ask", ""])
    root = hub_with(make_hub, {}, calendar)
    assert breaches(root) == [
        'content/calendar.yaml:7: ask "Appel aux dons" on 2026-01-15 comes after 2 gives; 3 are '
        "needed (move it after 2026-01-19, or plan another give before it)",
        'content/calendar.yaml:13: ask "Survey" on 2026-01-25 comes after 1 give; 3 are needed '
        "(plan another give before it)"]


def test_two_asks_in_a_row(make_hub) -> None:
    root = hub_with(make_hub, {"a": story("2025-12-01"), "b": story("2025-12-02"),
                               "c": story("2025-12-03"), "d": story("2025-12-04", "ask", "One"),
                               "e": story("2025-12-05", "ask", "Two")})
    assert [b.split(": ", 1)[1] for b in breaches(root)] == [
        'ask "Two" on 2025-12-05 comes after 0 gives; 3 are needed (plan another give before it)']


def test_an_ask_first(make_hub) -> None:
    root = hub_with(make_hub, {"a": story("2025-12-01", "ask", "First"),
                               "b": story("2025-12-02"), "c": story("2025-12-03"),
                               "d": story("2025-12-04")})
    assert breaches(root) == [
        'content/stories/a.md:5: ask "First" on 2025-12-01 comes after 0 gives; 3 are needed '
        "(move it after 2025-12-04, or plan another give before it)"]


def test_since_window(make_hub) -> None:
    stories = {"a": story("2025-06-01", "ask", "Old"), "b": story("2025-12-01"),
               "c": story("2025-12-02"), "d": story("2025-12-03"),
               "e": story("2025-12-04", "ask", "New")}
    assert len(breaches(hub_with(make_hub, stories))) == 1
    root = hub_with(make_hub, stories, extra_yaml="give_first:\n  since: 2025-11-01\n")
    assert breaches(root) == []


def test_planned_entries_between_published_ones(make_hub) -> None:
    calendar = "- date: 2025-12-02\n  title: Planned give\n  intent: give\n  status: idea\n"
    root = hub_with(make_hub, {"a": story("2025-12-01"), "c": story("2025-12-03"),
                               "d": story("2025-12-04", "ask")}, calendar)
    assert breaches(root) == []
    hub, _ = load(root, now=NOW)
    rows = give_first.rows_of(hub)  # type: ignore[arg-type]
    assert [(r.date.isoformat(), r.status) for r in rows[:3]] == [
        ("2025-12-01", "published"), ("2025-12-02", "idea"), ("2025-12-03", "published")]


def test_rituals_count_once_per_week(make_hub) -> None:
    daily = ("---\ntitle: Daily\nstarts: 2026-01-02T09:00:00\nduration: 1h\nrepeat: FREQ=DAILY\n"
             "hosts: [ana]\n---\nx\n")
    calendar = ("- date: 2026-01-09\n  title: Early ask\n  intent: ask\n"
                "- date: 2026-01-30\n  title: Later ask\n  intent: ask\n")
    root = hub_with(make_hub, {}, calendar, files={"content/rituals/daily.md": daily})
    hub, _ = load(root, now=NOW)
    ritual_rows = [r for r in give_first.rows_of(hub) if r.channel == "ritual"]  # type: ignore[arg-type]
    weeks = [r.date.isocalendar()[:2] for r in ritual_rows]
    assert len(weeks) == len(set(weeks))
    # Jan 2–4 (week 1) and Jan 5–8 (week 2): 2 gives before Jan 9; weeks 3, 4 and 5 before Jan 30
    assert [b.split(": ", 1)[1].split(" comes")[0] for b in breaches(root)] == [
        'ask "Early ask" on 2026-01-09']


def test_scheduled_and_drafts(make_hub) -> None:
    stories = {"a": story("2025-12-01"), "b": story("2025-12-02"),
               "c": "---\ntitle: Draft\ndate: 2025-12-03\nmembers: [ana]\ndraft: true\n---\nx\n",
               "d": story("2026-01-05"), "e": story("2026-01-06", "ask")}
    hub, _ = load(hub_with(make_hub, stories), now=NOW)
    plan = give_first.plan(hub)  # type: ignore[arg-type]
    assert [r.title for r in plan.rows] == ["S 2025-12-01", "S 2025-12-02", "S 2026-01-05",
                                            "S 2026-01-06"]
    assert [r.status for r in plan.rows][-2:] == ["scheduled", "scheduled"]
    assert plan.ok
    # Jan 5 has 3 gives behind it, but an ask there would leave the Jan 6 ask with none.
    assert plan.next_ask is None


@pytest.mark.parametrize("root", ["example", "scaffold"])
def test_shipped_hubs_follow_the_rule(root: str, example_copy: Path, tmp_path: Path) -> None:
    from generator.scaffold import init_hub

    if root == "scaffold":
        init_hub(tmp_path / "h")
        folder = tmp_path / "h"
    else:
        folder = example_copy
    hub, problems = load(folder, now=dt.datetime(2026, 11, 24, 12, tzinfo=PARIS))
    assert [str(p) for p in problems.errors] == []
    if root == "example":
        # two gives since the ask of 3 November; the Thursday ritual of 26 November is the third
        assert give_first.plan(hub).next_ask == dt.date(2026, 11, 26)  # type: ignore[arg-type]
