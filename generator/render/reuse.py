"""Outputs whose inputs did not change are reused from the last build instead of rendered again.

Each output has a fingerprint of what its renderer handed it (walked through `digest`), and its
template's reads of the hub are recorded while it renders (`HubView`): which member it looked up,
whether it listed all members, anything else. The next build reuses the output only when the
fingerprint and the digests of those recorded reads are the same as last time, so a reused output
is byte for byte what rendering it again would give. Settings (foyer's version, hub.yaml, the
theme) are part of every fingerprint.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from generator.model.entries import Piece
from generator.model.hub import Hub
from generator.render.markdown import Body

EVERYTHING = "*"
_SCALARS = frozenset({int, float, bool, type(None), dt.date, dt.datetime, dt.timedelta})


@dataclass(frozen=True)
class Entry:
    """What the last build knew of one output."""

    fp: str  # digest of the renderer's inputs
    reads: tuple[str, ...]  # hub facts the template read while rendering
    reads_fp: str  # their digest then
    links: tuple[tuple[int, str], ...] | None = None  # (line, link) of an HTML page, for checks
    ids: frozenset[str] | None = None


@dataclass
class Record:
    """What one build leaves for the next: its settings and an entry per output."""

    settings: str
    entries: dict[str, Entry] = field(default_factory=dict)


def _h(*parts: str) -> str:
    joined = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(joined, digest_size=16).hexdigest()


# A piece's digest is kept by identity across builds of one process (`foyer serve` keeps the
# unchanged pieces as they were), so unchanged pieces are not walked again.
_PIECE_DIGESTS: dict[int, tuple[Piece, str]] = {}


def piece_digest(piece: Piece) -> str:
    found = _PIECE_DIGESTS.get(id(piece))
    if found is not None and found[0] is piece:
        return found[1]
    value = _h(type(piece).__name__, repr(piece))
    if len(_PIECE_DIGESTS) > 200_000:
        _PIECE_DIGESTS.clear()
    _PIECE_DIGESTS[id(piece)] = (piece, value)
    return value


class Facts:
    """Digests of the hub facts a template may read, each computed once per build."""

    def __init__(self, hub: Hub, bodies: Mapping[str, Body]):
        self.hub = hub
        self.bodies = bodies
        self._memo: dict[str, str] = {}

    def piece(self, piece: Piece) -> str:
        key = "p:" + piece.key
        found = self._memo.get(key)
        if found is None:
            body = self.bodies.get(piece.key)
            found = _h(piece_digest(piece), body.html if body else "",
                       body.excerpt if body else "")
            self._memo[key] = found
        return found

    def fact(self, key: str) -> str:
        found = self._memo.get(key)
        if found is not None:
            return found
        hub = self.hub
        if key == EVERYTHING:
            found = _h(repr(hub.now), *(self.piece(p) for p in (*hub.pieces, *hub.hidden)),
                       repr(hub.planned), repr(hub.contributions), repr(hub.next_dates))
        elif key == "#members":
            found = _h(*(self.piece(m) for m in hub.members))
        elif key == "#next_dates":
            found = _h(repr(sorted(hub.next_dates.items())))
        elif key.startswith("#tag:"):
            found = hub._tag_names.get(key[5:], "\x00")
        else:
            piece = hub.by_key.get(key)
            found = self.piece(piece) if piece is not None else "\x00"
        self._memo[key] = found
        return found

    def reads_fp(self, reads: tuple[str, ...]) -> str:
        return _h(*(f"{r}={self.fact(r)}" for r in reads))

    def digest(self, value: Any) -> str:
        """A digest of a renderer's input: pieces by their own digest, the rest by value."""
        out: list[str] = []
        self._walk(value, out, 0)
        return _h(*out)

    def _walk(self, value: Any, out: list[str], depth: int) -> None:
        kind = type(value)
        if kind is str:
            out.append("s:" + value)
        elif kind in _SCALARS:
            out.append(kind.__name__ + ":" + repr(value))
        elif isinstance(value, Piece):
            out.append("P" + self.piece(value))
            self._walk_members(value, out)
        elif depth > 12:
            raise ValueError("renderer input nested too deep to fingerprint")
        elif kind is list or kind is tuple:
            out.append("[")
            for item in value:
                self._walk(item, out, depth + 1)
            out.append("]")
        elif isinstance(value, Markup):
            out.append("M:" + str(value))
        elif isinstance(value, str | int | float | bool | dt.date | dt.timedelta):
            out.append(kind.__name__ + ":" + repr(value))
        elif isinstance(value, Mapping):
            out.append("{")
            for k, v in value.items():
                out.append(repr(k))
                self._walk(v, out, depth + 1)
            out.append("}")
        elif isinstance(value, list | tuple | set | frozenset):
            items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
            out.append("[")
            for item in items:
                self._walk(item, out, depth + 1)
            out.append("]")
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            out.append(kind.__name__ + "(")
            for f in dataclasses.fields(value):
                out.append(f.name)
                self._walk(getattr(value, f.name), out, depth + 1)
            out.append(")")
        elif isinstance(value, type):
            out.append("T:" + value.__qualname__)
        elif callable(value):
            out.append("F:" + getattr(value, "__qualname__", kind.__name__))
        else:
            out.append(kind.__name__ + ":" + repr(value))

    def _walk_members(self, piece: Piece, out: list[str]) -> None:
        """Cards of a piece show its people and its tags: their names are part of it."""
        key = "m:" + piece.key
        found = self._memo.get(key)
        if found is None:
            parts = [self.fact(f"members/{slug}") for attr in ("members", "hosts", "contributed_by")
                     for slug in getattr(piece, attr, ())]
            parts += [slug + "=" + name for slug, name in self.hub.tag_slugs(piece)]
            found = self._memo[key] = "\x1e".join(parts)
        out.append(found)


class Recorder:
    """The hub facts one output read while rendering."""

    def __init__(self) -> None:
        self.reads: dict[str, None] = {}

    def read(self, key: str) -> None:
        self.reads[key] = None


class HubView:
    """The hub as templates see it: the same attributes, each read recorded."""

    def __init__(self, hub: Hub, recorder: Recorder):
        self._hub = hub
        self._recorder = recorder

    @property
    def config(self) -> Any:
        return self._hub.config  # part of the settings, in every fingerprint

    @property
    def static_files(self) -> tuple[str, ...]:
        return self._hub.static_files  # part of the settings, in every fingerprint

    @property
    def members(self) -> tuple[Any, ...]:
        self._recorder.read("#members")
        return self._hub.members

    @property
    def next_dates(self) -> Any:
        self._recorder.read("#next_dates")
        return self._hub.next_dates

    def member(self, slug: str) -> Any:
        self._recorder.read(f"members/{slug}")
        return self._hub.member(slug)

    def tag_slugs(self, piece: Piece) -> list[tuple[str, str]]:
        found = self._hub.tag_slugs(piece)
        for slug, _ in found:
            self._recorder.read(f"#tag:{slug}")
        return found

    def __getattr__(self, name: str) -> Any:
        self._recorder.read(EVERYTHING)
        return getattr(self._hub, name)


class Reuse:
    """Decides, output by output, whether the last build's bytes can stand."""

    def __init__(self, hub: Hub, bodies: Mapping[str, Body], settings: str,
                 previous: Record | None, have: Callable[[str], bool]):
        self.facts = Facts(hub, bodies)
        self.settings = settings
        self.previous = previous if previous is not None and previous.settings == settings \
            else None
        self.have = have  # does the last build's output still exist?
        self.record = Record(settings)
        self.reused: set[str] = set()

    def output(self, path: str, inputs: Any, make: Callable[[Recorder], bytes]) -> bytes | None:
        """The new bytes of `path`, or None when the last build's bytes stand."""
        fp = self.facts.digest(inputs)
        old = self.previous.entries.get(path) if self.previous else None
        if (old is not None and old.fp == fp and self.have(path)
                and self.facts.reads_fp(old.reads) == old.reads_fp):
            self.record.entries[path] = old
            self.reused.add(path)
            return None
        recorder = Recorder()
        data = make(recorder)
        reads = tuple(recorder.reads)
        self.record.entries[path] = Entry(fp, reads, self.facts.reads_fp(reads))
        return data
