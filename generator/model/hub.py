"""The Hub: every validated piece, indexed, cross-checked, with states, routes and tags."""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import Any
from zoneinfo import ZoneInfo

from generator.config import HubConfig
from generator.model import fields as coercers
from generator.model import occurrences, publishing, routes
from generator.model.entries import (
    Member,
    Newsletter,
    Page,
    Piece,
    Planned,
    Resource,
    Ritual,
    Story,
)
from generator.model.validate import validate_calendar, validate_piece
from generator.problems import Problem, Problems, did_you_mean
from generator.read.discover import Sources
from generator.read.frontmatter import SourceFile

NEXT_DATES = 5


@dataclass(frozen=True)
class Tag:
    slug: str
    name: str  # the most frequent spelling
    pieces: tuple[Piece, ...]
    url: str = ""


@dataclass(frozen=True)
class Hub:
    """Everything the renderers may use. Lists hold visible pieces, in display order."""

    config: HubConfig
    now: dt.datetime
    members: tuple[Member, ...] = ()
    stories: tuple[Story, ...] = ()
    rituals: tuple[Ritual, ...] = ()
    resources: tuple[Resource, ...] = ()
    newsletters: tuple[Newsletter, ...] = ()
    pages: tuple[Page, ...] = ()
    planned: tuple[Planned, ...] = ()
    hidden: tuple[Piece, ...] = ()  # drafts and scheduled pieces left out of this build
    static_files: tuple[str, ...] = ()
    tags: tuple[Tag, ...] = ()
    by_key: dict[str, Piece] = field(default_factory=dict)
    translations: dict[str, tuple[Piece, ...]] = field(default_factory=dict)
    next_dates: dict[str, tuple[occurrences.Occurrence, ...]] = field(default_factory=dict)
    contributions: Any = None  # model/contributions.Contributions, set after git is read

    @property
    def pieces(self) -> tuple[Piece, ...]:
        return (*self.members, *self.stories, *self.rituals, *self.resources,
                *self.newsletters, *self.pages)

    def member(self, slug: str) -> Member | None:
        piece = self.by_key.get(f"members/{slug}")
        return piece if isinstance(piece, Member) else None

    def listed(self, pieces: tuple[Piece, ...], first: int | None = None) -> list[Piece]:
        """Pieces shown in listings and feeds: translations appear on their original. With
        `first`, only the first so many, without looking at the rest (the home page's three
        stories, at every `foyer serve` rebuild)."""
        if first is not None:
            return list(itertools.islice((p for p in pieces if not p.translation_of), first))
        return [p for p in pieces if not p.translation_of]

    @functools.cached_property
    def _by_member(self) -> dict[str, dict[str, list[Piece]]]:
        """member slug → {"stories"|"rituals"|"resources": pieces in hub order}, built once."""
        index: dict[str, dict[str, list[Piece]]] = defaultdict(
            lambda: {"stories": [], "rituals": [], "resources": []})
        for kind, pieces, attr in (("stories", self.stories, "members"),
                                   ("rituals", self.rituals, "hosts"),
                                   ("resources", self.resources, "contributed_by")):
            for piece in pieces:
                if piece.translation_of:
                    continue
                for slug in dict.fromkeys(getattr(piece, attr)):
                    index[slug][kind].append(piece)
        return index

    def _of_member(self, member: str, kind: str) -> list[Any]:
        found = self._by_member.get(member)
        return list(found[kind]) if found else []

    def stories_of(self, member: str) -> list[Story]:
        return self._of_member(member, "stories")

    def rituals_hosted_by(self, member: str) -> list[Ritual]:
        return self._of_member(member, "rituals")

    def resources_by(self, member: str) -> list[Resource]:
        return self._of_member(member, "resources")

    @functools.cached_property
    def by_source(self) -> dict[str, Piece]:
        """Every piece, hidden ones included, by its file."""
        return {p.source: p for p in (*self.pieces, *self.hidden)}

    @functools.cached_property
    def _tag_names(self) -> dict[str, str]:
        return {t.slug: t.name for t in self.tags}

    def tag_name(self, slug: str) -> str | None:
        """The display name of a tag (its most frequent spelling), or None."""
        return self._tag_names.get(slug)

    def swapped(self, pairs: list[tuple[Piece, Piece]]) -> Hub:
        """This hub with each (old, new) piece replaced, new having old's structure (the same
        key, state, dates, tags and people: model/structure.py). Every index keeps its order,
        so nothing is sorted or grouped again."""
        swap = {id(old): new for old, new in pairs}

        def sw(seq: tuple[Any, ...]) -> tuple[Any, ...]:  # the same tuple when none is in it
            if not any(id(p) in swap for p in seq):
                return seq
            return tuple(swap.get(id(p), p) for p in seq)

        slugs = {coercers.tag_slug(t) for _, new in pairs for t in getattr(new, "tags", ())}
        tags = tuple(replace(t, pieces=sw(t.pieces)) if t.slug in slugs else t
                     for t in self.tags)
        by_key = dict(self.by_key)
        translations = dict(self.translations)
        for old, new in pairs:
            if by_key.get(new.key) is old:
                by_key[new.key] = new
            group = translations.get(new.key)
            if group is not None:
                for piece in sw(group):
                    translations[piece.key] = sw(group)
        patched = replace(
            self, members=sw(self.members), stories=sw(self.stories), rituals=sw(self.rituals),
            resources=sw(self.resources), newsletters=sw(self.newsletters), pages=sw(self.pages),
            hidden=sw(self.hidden), tags=tags, by_key=by_key, translations=translations)
        sources = self.__dict__.get("by_source")
        if sources is not None:
            patched.__dict__["by_source"] = {**sources, **{n.source: n for _, n in pairs}}
        index = self.__dict__.get("_by_member")
        if index is not None:  # patched too, where the swapped pieces are listed
            people = {slug for _, new in pairs for attr in ("members", "hosts", "contributed_by")
                      for slug in getattr(new, attr, ())}
            patched.__dict__["_by_member"] = {
                slug: {kind: list(sw(tuple(found))) for kind, found in kinds.items()}
                if slug in people else kinds for slug, kinds in index.items()}
        return patched

    def tag_slugs(self, piece: Piece) -> list[tuple[str, str]]:
        """(slug, display name) of a piece's tags."""
        names = self._tag_names
        result = []
        for name in getattr(piece, "tags", ()):
            slug = coercers.tag_slug(name)
            result.append((slug, names.get(slug, name)))
        return result


def _name_key(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    return "".join(c for c in folded if not unicodedata.combining(c)).casefold()


# (file, content digest, settings) → (validated piece or None, its problems); see load_hub
ValidateMemo = dict[tuple[str, str, str], tuple[Piece | None, tuple[Problem, ...]]]


def validation_settings(config: HubConfig, static_files: list[str] | tuple[str, ...]) -> str:
    """What validating a file depends on besides its bytes (see ValidateMemo)."""
    return repr((config.timezone, config.language, config.base_path, sorted(static_files)))


def validate_source(source: SourceFile, config: HubConfig, env: coercers.Env
                    ) -> tuple[Piece | None, tuple[Problem, ...]]:
    """One file → its piece with its route (None when invalid), and its problems."""
    collected = Problems()
    validated = validate_piece(source, env, config.language, collected)
    if validated is not None:
        validated = routes.with_route(validated, config.base_path)
    return validated, tuple(collected)


def load_hub(config: HubConfig, sources: Sources, *, now: dt.datetime, drafts: bool = False,
             future: bool = False, memo: ValidateMemo | None = None) -> tuple[Hub, Problems]:
    """Validate every source into a piece and index them. `memo` (kept between builds by the
    caller) skips validating a file whose bytes and the settings it depends on are unchanged."""
    problems = Problems()
    problems.extend(sources.problems)
    env = coercers.Env(ZoneInfo(config.timezone), frozenset(sources.static_files))
    settings = validation_settings(config, sources.static_files)
    memo = memo if memo is not None else {}
    fresh: ValidateMemo = {}
    pieces: list[Piece] = []
    failed = []
    for source in sources.files:
        key = (source.path, sources.digests.get(source.path, ""), settings)
        found = memo.get(key) if key[1] else None
        if found is None:
            found = validate_source(source, config, env)
        if key[1]:
            fresh[key] = found
        piece, seen = found
        problems.extend(seen)
        if piece is not None:
            pieces.append(publishing.with_state(piece, now))
        else:
            failed.append(source)
    memo.clear()
    memo.update(fresh)
    planned: list[Planned] = []
    if sources.calendar is not None:
        planned = validate_calendar(sources.calendar, env, problems)

    routes.check_collisions(pieces, sources.static_files, problems)
    _check_references(pieces, problems)
    _check_raw_member_references(failed, pieces, problems)
    _check_newsletter_numbers(pieces, problems)
    _check_rituals(pieces, problems)
    _check_members(pieces, problems)

    shown = [publishing.is_visible(p, drafts=drafts, future=future) for p in pieces]
    visible = [p for p, show in zip(pieces, shown, strict=True) if show]
    hidden = tuple(p for p, show in zip(pieces, shown, strict=True) if not show)

    def of(cls: type[Piece]) -> list[Piece]:
        return [p for p in visible if type(p) is cls]

    members = sorted(of(Member), key=lambda m: (_name_key(m.name), m.slug))  # type: ignore[attr-defined]
    stories = sorted(of(Story), key=lambda s: (s.sort_date, s.slug), reverse=True)
    rituals = sorted(of(Ritual), key=lambda r: (_name_key(r.title), r.slug))  # type: ignore[attr-defined]
    resources = sorted(of(Resource), key=lambda r: (_name_key(r.title), r.slug))  # type: ignore[attr-defined]
    newsletters = sorted(of(Newsletter), key=lambda n: (n.number, n.slug), reverse=True)  # type: ignore[attr-defined]
    pages = sorted(of(Page), key=lambda p: (p.menu is None, p.menu or 0,  # type: ignore[attr-defined]
                                            _name_key(p.title), p.slug))

    by_key = {p.key: p for p in visible}
    translations = _translations(visible)
    tags = _tags([*stories, *rituals, *resources], config.base_path)
    next_dates = {r.slug: occurrences.next_occurrences(r, now, NEXT_DATES)
                  for r in rituals if isinstance(r, Ritual)}
    hub = Hub(
        config=config, now=now, members=tuple(members), stories=tuple(stories),  # type: ignore[arg-type]
        rituals=tuple(rituals), resources=tuple(resources),  # type: ignore[arg-type]
        newsletters=tuple(newsletters), pages=tuple(pages), planned=tuple(planned),  # type: ignore[arg-type]
        hidden=hidden, static_files=tuple(sources.static_files), tags=tags, by_key=by_key,
        translations=translations, next_dates=next_dates,
    )
    return hub, problems


def _check_references(pieces: list[Piece], problems: Problems) -> None:
    keys = {p.key for p in pieces}
    member_slugs = sorted(p.slug for p in pieces if isinstance(p, Member))
    for piece in pieces:
        for field_name in ("members", "hosts", "contributed_by"):
            for index, slug in enumerate(getattr(piece, field_name, ()) or ()):
                if f"members/{slug}" not in keys:
                    line = piece.line(field_name, index)
                    problems.error(piece.source, line, f"unknown member '{slug}' in '{field_name}'",
                                   did_you_mean(slug, member_slugs)
                                   or f"add content/members/{slug}.md or fix the slug")
        for index, ref in enumerate(getattr(piece, "features", ()) or ()):
            if ref not in keys:
                section = ref.split("/", 1)[0]
                candidates = [k for k in keys if k.startswith(section + "/")]
                problems.error(piece.source, piece.line("features", index),
                               f"unknown feature '{ref}'",
                               did_you_mean(ref, candidates) or f"no file content/{ref}.md")
        if piece.translation_of:
            target = f"{piece.section}/{piece.translation_of}"
            candidates = [k.split("/", 1)[1] for k in keys if k.startswith(piece.section + "/")]
            if target not in keys:
                problems.error(piece.source, piece.line("translation_of"),
                               f"unknown translation_of '{piece.translation_of}'",
                               did_you_mean(piece.translation_of, candidates)
                               or f"name a file of content/{piece.section}/ without .md")
            elif piece.translation_of == piece.slug:
                problems.error(piece.source, piece.line("translation_of"),
                               "a piece cannot be a translation of itself",
                               "name the other language's version")


def _check_raw_member_references(failed: list[SourceFile], pieces: list[Piece],
                                 problems: Problems) -> None:
    """Files that failed validation still get their member references checked, so one run
    reports every mistake."""
    member_slugs = sorted(p.slug for p in pieces if isinstance(p, Member))
    for source in failed:
        for field_name in ("members", "hosts", "contributed_by"):
            raw = source.data.get(field_name)
            items = raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []
            for index, slug in enumerate(items):
                if isinstance(slug, str) and slug not in member_slugs:
                    problems.error(source.path, source.line(field_name, index),
                                   f"unknown member '{slug}' in '{field_name}'",
                                   did_you_mean(slug, member_slugs)
                                   or f"add content/members/{slug}.md or fix the slug")


def _check_newsletter_numbers(pieces: list[Piece], problems: Problems) -> None:
    by_number: dict[int, list[Newsletter]] = defaultdict(list)
    for piece in pieces:
        if isinstance(piece, Newsletter) and not piece.translation_of:
            by_number[piece.number].append(piece)
    for number, issues in sorted(by_number.items()):
        if len(issues) > 1:
            issues.sort(key=lambda n: n.source)
            for issue in issues[1:]:
                problems.error(issue.source, issue.line("number"),
                               f"newsletter number {number} is also used by {issues[0].source}",
                               f"give each issue its own number; the next free one is "
                               f"{max(by_number) + 1}")


def _check_rituals(pieces: list[Piece], problems: Problems) -> None:
    for ritual in pieces:
        if not isinstance(ritual, Ritual):
            continue
        if ritual.repeat and ritual.until and "COUNT=" in ritual.repeat:
            problems.error(ritual.source, ritual.line("until"),
                           "'until' and COUNT in 'repeat' cannot both end a ritual",
                           "keep one of them")
            continue
        if ritual.repeat and "UNTIL=" in ritual.repeat and ritual.until:
            problems.error(ritual.source, ritual.line("until"),
                           "'until' and UNTIL in 'repeat' cannot both end a ritual",
                           "keep 'until' and remove UNTIL from the rule")
            continue
        try:
            occurrences.rule_of(ritual)
        except (ValueError, TypeError) as exc:
            problems.error(ritual.source, ritual.line("repeat"), f"'repeat': {exc}",
                           "write UNTIL without a time zone, or use the 'until' field")
            continue
        for index, day in enumerate(ritual.except_dates):
            if not occurrences.is_occurrence_day(ritual, day):
                problems.warning(ritual.source, ritual.line("except", index),
                                 f"cancelled date {day.isoformat()} is not a date of this ritual",
                                 "check the date against 'starts' and 'repeat'")
        if ritual.repeat and not ritual.hosts and ritual.active and not ritual.draft:
            problems.warning(ritual.source, ritual.line("title"),
                             "recurring ritual with no host",
                             "add 'hosts: [member-slug]' so members know who welcomes them")


def _check_members(pieces: list[Piece], problems: Problems) -> None:
    for member in pieces:
        if isinstance(member, Member) and not member.body.strip():
            problems.warning(member.source, member.body_line, "member has no bio",
                             "write a few sentences about them below the front matter")


def _translations(pieces: list[Piece]) -> dict[str, tuple[Piece, ...]]:
    groups: dict[str, list[Piece]] = defaultdict(list)
    for piece in pieces:
        root = f"{piece.section}/{piece.translation_of or piece.slug}"
        groups[root].append(piece)
    result: dict[str, tuple[Piece, ...]] = {}
    for group in groups.values():
        if len(group) > 1:
            ordered = tuple(sorted(group, key=lambda p: (p.translation_of is not None, p.lang)))
            for piece in group:
                result[piece.key] = ordered
    return result


def _tags(pieces: list[Piece], base_path: str) -> tuple[Tag, ...]:
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    members: dict[str, dict[str, Piece]] = defaultdict(dict)  # by piece key, in order
    for piece in pieces:
        if piece.translation_of:
            continue
        for name in getattr(piece, "tags", ()):
            slug = coercers.tag_slug(name)
            spellings[slug][name] += 1
            members[slug].setdefault(piece.key, piece)
    tags = []
    for slug in sorted(members):
        name = sorted(spellings[slug].items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        tags.append(Tag(slug, name, tuple(members[slug].values()),
                        base_path + routes.tag_path(slug)))
    return tuple(tags)
