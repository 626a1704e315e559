"""Which fields of a piece are its content, and which its structure.

The structure of a hub is which pieces are listed where, in which order, under which tags and
people, with which dates and states. Editing only content fields leaves it alone: then an output
that does not show the edited piece cannot change (render/reuse.py), and the hub can be patched
instead of indexed again (build.patch). Every field not named here is structure.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from generator.model.entries import Piece

CONTENT_FIELDS = {
    "Piece": {"body", "body_line", "lines"},
    "Member": {"role", "location", "pronouns", "avatar", "links", "interests"},
    "Story": {"title", "summary", "image"},
    "Ritual": {"summary", "where", "loop"},
    "Resource": {"summary", "link"},
    "Newsletter": {"title", "summary"},
    "Page": set(),
}


def structure_of(piece: Piece) -> tuple[Any, ...]:
    """The piece's structure fields, by name; and whether it has a body at all (a member
    without a bio is warned about)."""
    content = CONTENT_FIELDS["Piece"] | CONTENT_FIELDS.get(type(piece).__name__, set())
    return (type(piece).__name__, bool(piece.body.strip()),
            *((f.name, getattr(piece, f.name)) for f in dataclasses.fields(piece)
              if f.name not in content))


def same_places(old: Piece, new: Piece) -> bool:
    """`new` is `old` with content edited below its front matter's keys: the same structure and
    the same line for every key (problems found across pieces point at those lines)."""
    return (type(old) is type(new) and old.body_line == new.body_line
            and old.lines == new.lines and structure_of(old) == structure_of(new))
