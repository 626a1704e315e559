"""The community's pulse, month by month, from the content and git history only."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from generator.model import occurrences
from generator.model.entries import Newsletter, Resource, Ritual, Story
from generator.model.hub import Hub

MONTHS = 12


def _months(today: dt.date) -> list[str]:
    index = today.year * 12 + today.month - 1
    return [f"{(i // 12):04d}-{(i % 12) + 1:02d}" for i in range(index - MONTHS + 1, index + 1)]


def figures(hub: Hub) -> dict[str, Any]:
    zone = ZoneInfo(hub.config.timezone)
    today = hub.now.astimezone(zone).date()
    months = _months(today)

    def series() -> dict[str, int]:
        return dict.fromkeys(months, 0)

    joined = series()
    for member in hub.members:
        if member.joined and member.joined.strftime("%Y-%m") in joined:
            joined[member.joined.strftime("%Y-%m")] += 1
    given: dict[str, dict[str, int]] = {s: series() for s in ("stories", "resources",
                                                              "newsletters")}
    gives, asks = series(), series()
    for piece in (*hub.stories, *hub.resources, *hub.newsletters):
        if piece.translation_of or not isinstance(piece, Story | Resource | Newsletter):
            continue
        when = piece.sort_date
        if when is None:
            continue
        month = when.astimezone(zone).strftime("%Y-%m")
        if month not in joined:
            continue
        intent = getattr(piece, "intent", "give")
        (asks if intent == "ask" else gives)[month] += 1
        if intent != "ask":
            given[piece.section][month] += 1
    held = series()
    start = dt.datetime.fromisoformat(months[0] + "-01").replace(tzinfo=zone)
    for ritual in hub.rituals:
        if isinstance(ritual, Ritual) and not ritual.translation_of:
            for occurrence in occurrences.occurrences_between(ritual, start, hub.now):
                held[occurrence.start.strftime("%Y-%m")] += 1
    active = series()
    found = hub.contributions
    if found is not None and found.available:
        for month, authors in found.authors_by_month.items():
            if month in active:
                active[month] = len(authors)
    storytellers = {slug for story in hub.stories for slug in story.members}
    members = [m for m in hub.members if not m.translation_of]
    return {
        "months": months,
        "members_joined": joined,
        "pieces_given": given,
        "active_contributors": active if found is not None and found.available else None,
        "storytellers": {"members": len(members),
                         "with_a_story": len([m for m in members if m.slug in storytellers])},
        "gives": gives,
        "asks": asks,
        "rituals_held": held,
    }
