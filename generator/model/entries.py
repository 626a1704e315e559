"""The typed, frozen pieces of a hub: what templates and renderers see instead of raw YAML."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, ClassVar

from generator.read.yamlfile import line_of

PUBLISHED, SCHEDULED, DRAFT = "published", "scheduled", "draft"


@dataclass(frozen=True, kw_only=True)
class Piece:
    """What every content file has: where it came from, its body, its language and route."""

    section: ClassVar[str] = ""
    slug: str
    source: str  # path relative to the hub
    body: str = field(default="", repr=False)
    body_line: int = 1
    lines: dict[Any, int] = field(default_factory=dict, repr=False, compare=False)
    lang: str = "en"
    translation_of: str | None = None
    draft: bool = False
    state: str = PUBLISHED
    url: str = ""  # root-relative URL, base path included: "/stories/slug/"
    output: str = ""  # output file: "stories/slug/index.html"

    @property
    def key(self) -> str:
        found = self.__dict__.get("_key")
        if found is None:
            found = f"{self.section}/{self.slug}"
            object.__setattr__(self, "_key", found)
        return found

    def line(self, *key: Any) -> int:
        return line_of(self.lines, *key)

    @property
    def sort_date(self) -> dt.datetime | None:
        return None


@dataclass(frozen=True, kw_only=True)
class Member(Piece):
    section: ClassVar[str] = "members"
    name: str
    role: str | None = None
    joined: dt.date | None = None
    location: str | None = None
    pronouns: str | None = None
    avatar: str | None = None
    links: tuple[tuple[str, str], ...] = ()
    interests: tuple[str, ...] = ()
    git: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.name

    @property
    def initials(self) -> str:
        words = [w for w in self.name.replace("-", " ").split() if w[:1].isalpha()]
        letters = "".join(w[0] for w in words[:1] + words[1:][-1:]) or self.name[:1]
        return letters.upper()


@dataclass(frozen=True, kw_only=True)
class Story(Piece):
    section: ClassVar[str] = "stories"
    title: str
    date: dt.datetime
    members: tuple[str, ...]
    tags: tuple[str, ...] = ()
    summary: str | None = None
    image: str | None = None
    intent: str = "give"

    @property
    def sort_date(self) -> dt.datetime:
        return self.date


@dataclass(frozen=True)
class Where:
    online: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class Loop:
    trigger: str | None = None
    routine: str | None = None
    reward: str | None = None


@dataclass(frozen=True, kw_only=True)
class Ritual(Piece):
    section: ClassVar[str] = "rituals"
    title: str
    starts: dt.datetime
    duration: dt.timedelta
    repeat: str | None = None
    until: dt.date | None = None
    except_dates: tuple[dt.date, ...] = ()
    timezone: str = "UTC"
    where: Where = Where()
    hosts: tuple[str, ...] = ()
    loop: Loop = Loop()
    tags: tuple[str, ...] = ()
    summary: str | None = None
    intent: str = "give"
    status: str = "active"

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, kw_only=True)
class Resource(Piece):
    section: ClassVar[str] = "resources"
    title: str
    kind: str
    link: str | None = None  # the `url` field
    tags: tuple[str, ...] = ()
    summary: str | None = None
    added: dt.datetime | None = None
    contributed_by: tuple[str, ...] = ()

    @property
    def sort_date(self) -> dt.datetime | None:
        return self.added


@dataclass(frozen=True, kw_only=True)
class Newsletter(Piece):
    section: ClassVar[str] = "newsletters"
    title: str
    number: int
    date: dt.datetime
    summary: str | None = None
    intent: str = "give"
    features: tuple[str, ...] = ()

    @property
    def sort_date(self) -> dt.datetime:
        return self.date


@dataclass(frozen=True, kw_only=True)
class Page(Piece):
    section: ClassVar[str] = "pages"
    title: str
    menu: int | None = None


@dataclass(frozen=True)
class Planned:
    """One entry of content/calendar.yaml."""

    source: str
    line: int
    date: dt.date
    title: str
    intent: str
    channel: str | None = None
    status: str = "idea"
    notes: str | None = None


CLASSES: dict[str, type[Piece]] = {
    cls.section: cls for cls in (Member, Story, Ritual, Resource, Newsletter, Page)
}
# Front-matter names that are not valid or clear Python attribute names.
ATTRIBUTES = {"url": "link", "except": "except_dates"}


def attribute(name: str) -> str:
    return ATTRIBUTES.get(name, name)
