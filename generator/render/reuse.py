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
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from generator.model.entries import Piece
from generator.model.hub import Hub
from generator.model.identity import ByIdentity
from generator.model.occurrences import Occurrence
from generator.model.structure import structure_of
from generator.render.markdown import Body

EVERYTHING = "*"
_SCALARS = frozenset({int, float, bool, type(None), dt.date, dt.datetime, dt.timedelta})


@dataclass(frozen=True)
class Entry:
    """What the last build knew of one output."""

    fp: str  # digest of the renderer's inputs
    reads: tuple[str, ...]  # hub facts the template read while rendering
    reads_fp: str  # their digest then
    deps: frozenset[str] = frozenset()  # every piece and fact in its inputs and reads
    links: tuple[tuple[int, str], ...] | None = None  # (line, link) of an HTML page, for checks
    ids: frozenset[str] | None = None
    born: str = ""  # the build that rendered these bytes (Record.build)


@dataclass
class Record:
    """What one build leaves for the next: its settings and an entry per output."""

    settings: str
    entries: dict[str, Entry] = field(default_factory=dict)
    # this build, unique across builds: an output's bytes are known by the build that made them
    build: str = field(default_factory=lambda: os.urandom(8).hex())
    pieces: dict[str, tuple[Any, str]] = field(default_factory=dict)  # key → (structure, digest)
    facts: dict[str, str] = field(default_factory=dict)  # hub-wide facts → digest
    # the pieces and bodies of that build, to know unchanged ones by identity
    order: tuple[Any, ...] | None = field(default=None, repr=False)
    bodies: Mapping[str, Any] | None = field(default=None, repr=False)
    # the objects an aggregate output was made from (Site.output's `basis`)
    bases: dict[str, tuple[Any, ...]] = field(default_factory=dict, repr=False)
    # dep → the outputs that depend on it; or, until asked, the record this one was derived
    # from (same outputs) and the outputs rendered again since (see Reuse._affected)
    index: dict[str, frozenset[str]] | None = field(default=None, repr=False)
    base: tuple[Record, list[str]] | None = field(default=None, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        # `order` and `bodies` are pickled with the validated pieces and rendered bodies they
        # hold (generator/cache.py): identity survives, and the next build compares by it.
        # The bases (give-first plans) would weigh more than fingerprinting the calendar again.
        return {**self.__dict__, "bases": {}, "index": None, "base": None}


def _h(*parts: str) -> str:
    joined = "\x1f".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(joined, digest_size=16).hexdigest()


# A piece's digest and structure, and its digest with its body, kept by identity across builds
# of one process (`foyer serve` keeps the unchanged pieces as they were).
_PIECES: ByIdentity[tuple[str, tuple[Any, ...]]] = ByIdentity()
_BODIES: ByIdentity[str] = ByIdentity()
_FACTS: ByIdentity[str] = ByIdentity(limit=64)


def _known(piece: Piece) -> tuple[str, tuple[Any, ...]]:
    return _PIECES.get((piece,), lambda: (_h(type(piece).__name__, repr(piece)),
                                          structure_of(piece)))


def piece_digest(piece: Piece) -> str:
    return _known(piece)[0]


def structure(piece: Piece) -> tuple[Any, ...]:
    return _known(piece)[1]


class Facts:
    """Digests of the hub facts a template may read, each computed once per build."""

    def __init__(self, hub: Hub, bodies: Mapping[str, Body]):
        self.hub = hub
        self.bodies = bodies
        self._memo: dict[str, str] = {}
        self._people: dict[str, list[str]] = {}
        self._deps: set[str] = set()

    def piece(self, piece: Piece) -> str:
        key = "p:" + piece.key
        found = self._memo.get(key)
        if found is None:
            body = self.bodies.get(piece.key)
            found = _BODIES.get((piece, body), lambda: _h(
                piece_digest(piece), body.html if body else "", body.excerpt if body else ""))
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
        elif key == "#members":  # both kept by identity: a patched hub keeps them when it can
            found = _FACTS.get((hub.members,), lambda: _h(
                *(self.piece(m) for m in hub.members)), key)
        elif key == "#next_dates":
            found = _FACTS.get((hub.next_dates,), lambda: _h(
                repr(sorted(hub.next_dates.items()))), key)
        elif key.startswith("#tag:"):
            found = hub.tag_name(key[5:]) or "\x00"
        else:
            piece = hub.by_key.get(key)
            found = self.piece(piece) if piece is not None else "\x00"
        self._memo[key] = found
        return found

    def reads_fp(self, reads: tuple[str, ...]) -> str:
        return _h(*(f"{r}={self.fact(r)}" for r in reads))

    def digest(self, value: Any) -> tuple[str, set[str]]:
        """A digest of a renderer's input (pieces by their own digest, the rest by value) and
        the pieces and facts met on the way."""
        out: list[str] = []
        self._deps: set[str] = set()
        self._walk(value, out, 0)
        return _h(*out), self._deps

    def _walk(self, value: Any, out: list[str], depth: int) -> None:
        kind = type(value)
        if kind is str:
            out.append("s:" + value)
        elif kind in _SCALARS:
            out.append(kind.__name__ + ":" + repr(value))
            if kind is dt.datetime and value == self.hub.now:
                self._deps.add("now")  # the build's clock (an empty feed's date, DTSTAMP)
        elif isinstance(value, Piece):
            out.append("P" + self.piece(value))
            self._deps.add(value.key)
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
            if kind is Occurrence:
                self._deps.add("#next_dates")  # dates that move with the clock
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
            people = [f"members/{slug}" for attr in ("members", "hosts", "contributed_by")
                      for slug in getattr(piece, attr, ())]
            parts = [self.fact(k) for k in people]
            parts += [slug + "=" + name for slug, name in self.hub.tag_slugs(piece)]
            found = self._memo[key] = "\x1e".join(parts)
            self._people[key] = people
        out.append(found)
        self._deps.update(self._people[key])


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


def _index(record: Record) -> dict[str, frozenset[str]]:
    """dep → the outputs of `record` that depend on it: made once, then derived from the last
    record's for the few outputs rendered again (the others are the very same entries)."""
    if record.index is None and record.base is not None:
        parent, fresh = record.base
        index = dict(_index(parent))
        for path in fresh:
            before, after = parent.entries.get(path), record.entries.get(path)
            if before is not None:
                for dep in before.deps:
                    index[dep] = index[dep] - {path}
            if after is not None:
                for dep in after.deps:
                    index[dep] = index.get(dep, frozenset()) | {path}
        record.index = index
    elif record.index is None:
        found: dict[str, set[str]] = {}
        for path, entry in record.entries.items():
            for dep in entry.deps:
                found.setdefault(dep, set()).add(path)
        record.index = {dep: frozenset(paths) for dep, paths in found.items()}
    record.base = None  # the parent's memory is not held longer
    return record.index


class Reuse:
    """Decides, output by output, whether the last build's bytes can stand.

    When the change since the last build leaves the hub's structure alone (the same pieces, in
    the same places: only content fields edited, see model/structure.py), an output that depends on
    none of the changed pieces and facts is reused without being fingerprinted again; the few
    outputs that sum up the whole hub (`aggregate`) are fingerprinted unless they are made from
    the very objects they were made from last time (their `basis`). Any other change
    fingerprints every output.
    """

    def __init__(self, hub: Hub, bodies: Mapping[str, Body], settings: str,
                 previous: Record | None, have: Callable[[str], bool]):
        self.facts = Facts(hub, bodies)
        self.settings = settings
        self.previous = previous if previous is not None and previous.settings == settings \
            else None
        self.have = have  # does the last build's output still exist?
        self.record = Record(settings)
        self.changed: set[str] | None = None  # set: the fast path holds
        self.affected: set[str] = set()  # then: the outputs that depend on a changed key
        order = (*hub.pieces, *hub.hidden)
        pieces = self._pieces(hub, order, bodies, previous)
        self.record.order, self.record.bodies = order, bodies
        facts = {"now": repr(hub.now), "#members": self.facts.fact("#members"),
                 "#next_dates": self.facts.fact("#next_dates"),
                 "contributions": repr(hub.contributions)}
        self.record.pieces, self.record.facts = pieces, facts
        old = self.previous
        if old is not None and old.pieces.keys() == pieces.keys() and \
                old.facts["contributions"] == facts["contributions"] and \
                all(old.pieces[k][0] == v[0] for k, v in pieces.items()
                    if old.pieces[k] is not v):
            self.changed = {k for k, v in pieces.items()
                            if old.pieces[k] is not v and old.pieces[k][1] != v[1]}
            self.changed |= {k for k, v in facts.items() if old.facts.get(k) != v}
            if self.changed:
                self.changed.add(EVERYTHING)
                index = _index(old)
                self.affected = set().union(*(index.get(k, ()) for k in self.changed))
            self.fresh: list[str] = []  # outputs rendered again: the next build's index
            self.record.base = (old, self.fresh)

    def _pieces(self, hub: Hub, order: tuple[Any, ...], bodies: Mapping[str, Body],
                previous: Record | None) -> dict[str, tuple[Any, str]]:
        """key → (structure, digest) of every piece: the last build's where the piece and its
        body are the very objects they were (compared position by position when the pieces
        keep their keys and order, as after an edit in `foyer serve`)."""
        before = previous.pieces if previous is not None else {}
        last = previous.order if previous is not None else None
        last_bodies = previous.bodies if previous is not None else None
        if last is not None and last_bodies is not None and len(last) == len(order) \
                and last_bodies.keys() == bodies.keys():
            pairs = [(a, b) for a, b in zip(last, order, strict=True) if a is not b]
            if all(a.key == b.key for a, b in pairs):
                fresh = {b.key: b for _, b in pairs}
                for (key, a), b in zip(last_bodies.items(), bodies.values(), strict=True):
                    if a is not b:
                        fresh[key] = hub.by_key[key]
                pieces = dict(before)
                for key, piece in fresh.items():
                    pieces[key] = (structure(piece), self.facts.piece(piece))
                return pieces
        last_by_key = {p.key: p for p in last} if last is not None else {}
        pieces = {}
        for p in order:
            key = p.key
            if last_by_key.get(key) is p and key in before and last_bodies is not None \
                    and last_bodies.get(key) is bodies.get(key):
                pieces[key] = before[key]
            else:
                pieces[key] = (structure(p), self.facts.piece(p))
        return pieces

    def untouched(self, path: str) -> bool:
        """True (and the last entry kept) when the change since the last build leaves
        the hub's structure alone and touches nothing this output depends on: its renderer can
        skip even gathering its inputs."""
        return self.kept(path) is not None

    def kept(self, path: str) -> str | None:
        """untouched(), giving the build that made the kept bytes (None: not kept)."""
        if self.changed is None or path in self.affected:
            return None
        old = self.previous.entries.get(path)  # type: ignore[union-attr]
        if old is None or not self.have(path):
            return None
        self.record.entries[path] = old
        return old.born

    def output(self, path: str, inputs: Any, make: Callable[[Recorder], bytes], *,
               aggregate: bool = False, basis: tuple[Any, ...] | None = None) -> bytes | None:
        """The new bytes of `path`, or None when the last build's bytes stand."""
        if not aggregate and self.untouched(path):
            return None
        if basis is not None:
            self.record.bases[path] = basis
            if aggregate and self._same_basis(path, basis):
                return None
        old = self.previous.entries.get(path) if self.previous else None
        fp, deps = self.facts.digest(inputs)
        if (old is not None and old.fp == fp and self.have(path)
                and self.facts.reads_fp(old.reads) == old.reads_fp):
            self.record.entries[path] = old
            return None
        recorder = Recorder()
        data = make(recorder)
        if self.changed is not None:
            self.fresh.append(path)
        reads = tuple(recorder.reads)
        self.record.entries[path] = Entry(fp, reads, self.facts.reads_fp(reads),
                                          deps=frozenset(deps | set(reads)),
                                          born=self.record.build)
        return data

    def _same_basis(self, path: str, basis: tuple[Any, ...]) -> bool:
        """An aggregate output made from the very objects it was made from last time (in one
        process), when the hub's structure, the clock and the settings are the same and none of
        the pieces it shows changed, is the same."""
        if self.changed is None or path in self.affected or "now" in self.changed:
            return False
        assert self.previous is not None
        last = self.previous.bases.get(path)
        old = self.previous.entries.get(path)
        if last is None or old is None or len(last) != len(basis) \
                or not all(a is b for a, b in zip(last, basis, strict=True)) \
                or not self.have(path):
            return False
        self.record.entries[path] = old
        return True
