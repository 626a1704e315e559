"""Recognition from git: which member created and edited which piece, counted by kind."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from generator.model.entries import Member, Newsletter, Resource, Ritual, Story
from generator.model.hub import Hub
from generator.read.git import History

WELCOME_DAYS = 30
KINDS = ("stories", "resources", "rituals_hosted", "newsletter_features", "edits")


@dataclass(frozen=True)
class Record:
    slug: str
    counts: dict[str, int]
    first: dt.date | None
    latest: dt.date | None
    created: tuple[str, ...]  # piece keys the member created

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True)
class Contributions:
    available: bool
    members: dict[str, Record] = field(default_factory=dict)
    others: dict[str, int] = field(default_factory=dict)  # git authors who are not members
    welcome: tuple[str, ...] = ()
    updated: dict[str, dt.datetime] = field(default_factory=dict)  # piece key → last commit
    authors_by_month: dict[str, tuple[str, ...]] = field(default_factory=dict)
    repo_path: dict[str, str] = field(default_factory=dict)  # piece key → path in the repo


def _identities(members: tuple[Member, ...]) -> dict[str, str]:
    ids: dict[str, str] = {}
    for member in members:
        ids.setdefault(member.name.casefold(), member.slug)
        for identity in getattr(member, "git", ()) or ():
            ids[identity.casefold()] = member.slug
    return ids


def compute(hub: Hub, history: History) -> Contributions:
    if not history.available:
        return Contributions(False)
    ids = _identities(hub.members)
    pieces = [*hub.pieces, *hub.hidden]
    by_source = {p.source: p for p in pieces}
    counts: dict[str, dict[str, int]] = {m.slug: dict.fromkeys(KINDS, 0) for m in hub.members}
    dates: dict[str, list[dt.date]] = {m.slug: [] for m in hub.members}
    created: dict[str, list[str]] = {m.slug: [] for m in hub.members}
    others: dict[str, int] = {}
    updated: dict[str, dt.datetime] = {}
    months: dict[str, set[str]] = {}
    for path, commits in sorted(history.by_path.items()):
        piece = by_source.get(path)
        for index, commit in enumerate(commits):
            who = ids.get(commit.author.casefold()) or ids.get(commit.email.casefold())
            month = commit.when.astimezone(hub.config.tz).strftime("%Y-%m")
            months.setdefault(month, set()).add(who or commit.author)
            if who is None:
                others[commit.author] = others.get(commit.author, 0) + 1
                continue
            dates[who].append(commit.when.astimezone(hub.config.tz).date())
            if piece is None or isinstance(piece, Member):
                continue
            if index == 0 and commit.created:
                created[who].append(piece.key)
                if isinstance(piece, Story):
                    counts[who]["stories"] += 1
                elif isinstance(piece, Resource):
                    counts[who]["resources"] += 1
            else:
                counts[who]["edits"] += 1
        if piece is not None and commits:
            updated[piece.key] = commits[-1].when
    for ritual in hub.rituals:
        if isinstance(ritual, Ritual):
            for slug in ritual.hosts:
                if slug in counts:
                    counts[slug]["rituals_hosted"] += 1
    for issue in hub.newsletters:
        if not isinstance(issue, Newsletter):
            continue
        for ref in issue.features:
            featured = hub.by_key.get(ref)
            people = set(getattr(featured, "members", ()) or ()) | set(
                getattr(featured, "contributed_by", ()) or ()) | set(
                getattr(featured, "hosts", ()) or ())
            for slug in people & set(counts):
                counts[slug]["newsletter_features"] += 1
    today = hub.now.astimezone(hub.config.tz).date()
    records = {}
    for slug in counts:
        seen = sorted(dates[slug])
        if not seen and not any(counts[slug].values()):
            continue
        records[slug] = Record(slug, counts[slug], seen[0] if seen else None,
                               seen[-1] if seen else None, tuple(created[slug]))
    welcome = tuple(sorted((s for s, r in records.items()
                            if r.first and (today - r.first).days <= WELCOME_DAYS),
                           key=lambda s: (records[s].first, s)))
    return Contributions(
        True, records, dict(sorted(others.items())), welcome, updated,
        {m: tuple(sorted(v)) for m, v in sorted(months.items())},
        {p.key: history.prefix + p.source for p in pieces})
