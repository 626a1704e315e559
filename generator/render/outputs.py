"""What renderers produce, what they share, and the ordered registry of renderers."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from generator.model.hub import Hub
from generator.problems import Problem
from generator.render.markdown import Body
from generator.render.reuse import HubView, Recorder, Reuse
from generator.render.templates import Theme


class Output(NamedTuple):  # a tuple: 17,000 of them are made at every serve rebuild
    path: str  # relative to the site root, posix
    data: bytes
    reused: bool = False  # the last build's bytes stand (data is then empty)
    born: str = ""  # the build that rendered these bytes (reuse.Record.build)
    written: bool = False  # in the new site folder already, by a worker (data is then empty)


class _Written(bytes):
    """The type of WRITTEN."""


# What a parallel render's main process gets instead of the bytes of an output a worker wrote
# into the new site folder itself (render/shards.py); told apart by identity, not by value
WRITTEN = _Written()


@dataclass(frozen=True)
class Site:
    """The read-only context every renderer receives."""

    hub: Hub
    theme: Theme
    bodies: dict[str, Body]  # piece key → rendered body
    problems: list[Problem] = field(default_factory=list)  # renderers may report here
    reuse: Reuse | None = None  # the last build's record, when outputs may be reused
    shards: Any = None  # main process of a parallel render: render.shards.Shards
    shard: Any = None  # worker process of a parallel render: render.shards.Shard

    def output(self, path: str, inputs: Any, make: Callable[[Recorder | None], bytes], *,
               aggregate: bool = False, basis: tuple[Any, ...] | None = None) -> Output:
        """The output at `path`, rendered by `make` unless the last build's bytes stand: its
        `inputs` (everything the renderer hands over) and the hub facts it read are unchanged.
        `aggregate`: it sums up the whole hub in values that are not pieces (counts, rows);
        `basis`: the objects those values come from (the same objects, the same values)."""
        if self.shard is not None:  # a worker renders its own outputs, walks past the others
            self.shard.render(path, make)
            return Output(path, b"")
        if self.shards is not None:
            make = self.shards.make(path, make)
        if self.reuse is None:
            data = make(None)
            return Output(path, b"", written=True) if data is WRITTEN else Output(path, data)
        data = self.reuse.output(path, inputs, make, aggregate=aggregate, basis=basis)
        born = self.reuse.record.entries[path].born
        if data is None:
            return Output(path, b"", True, born)
        if data is WRITTEN:
            return Output(path, b"", False, born, written=True)
        return Output(path, data, False, born)

    def untouched(self, path: str) -> Output | None:
        """The output at `path` when it needs no rendering here: the last build's, when nothing
        it depends on changed (see Reuse.untouched); in a parallel render, one that another
        process renders (a worker walks past the others' outputs; the main process of a build
        that fingerprints nothing takes a worker's bytes as they are). A renderer may call this
        before gathering the output's inputs."""
        if self.shard is not None:
            return None if self.shard.owns(path) else Output(path, b"")
        reuse = self.reuse
        if reuse is None:
            return self.shards.worker_output(path) if self.shards is not None else None
        born = reuse.kept(path)
        return None if born is None else Output(path, b"", True, born)

    def hub_for(self, recorder: Recorder | None) -> Any:
        """The hub as a template sees it: every read recorded when outputs may be reused."""
        return self.hub if recorder is None else HubView(self.hub, recorder)


Renderer = Callable[[Site], Iterable[Output]]


def registry() -> list[Renderer]:
    """Every output kind, in order. Adding one is a module in render/ and a line here."""
    from generator.render import calendar_page, email, feeds, hosting, ics, pages, pulse, sitemap

    return [pages.render, feeds.render, ics.render, email.render, calendar_page.render,
            pulse.render, sitemap.render, hosting.render]
