"""What renderers produce, what they share, and the ordered registry of renderers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from generator.model.hub import Hub
from generator.problems import Problem
from generator.render.markdown import Body
from generator.render.templates import Theme


@dataclass(frozen=True)
class Output:
    path: str  # relative to the site root, posix
    data: bytes


@dataclass(frozen=True)
class Site:
    """The read-only context every renderer receives."""

    hub: Hub
    theme: Theme
    bodies: dict[str, Body]  # piece key → rendered body
    problems: list[Problem] = field(default_factory=list)  # renderers may report here


Renderer = Callable[[Site], Iterable[Output]]


def registry() -> list[Renderer]:
    """Every output kind, in order. Adding one is a module in render/ and a line here."""
    from generator.render import (calendar_page, email, feeds, hosting, ics, pages, pulse,
                                  sitemap)

    return [pages.render, feeds.render, ics.render, email.render, calendar_page.render,
            pulse.render, sitemap.render, hosting.render]
