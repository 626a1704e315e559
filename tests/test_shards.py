"""Outputs rendered over several processes (render/shards.py) give the serial build's site, byte
for byte, with the same build record; a worker that dies only moves its work to the main
process."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from generator import build as build_module
from generator import uptodate, write
from generator.build import build
from generator.model import routes
from generator.problems import BuildFailed
from generator.render import shards
from tests.conftest import EXAMPLE_NOW, copy_example
from tests.test_build import tree


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return copy_example(tmp_path / "hub")


@pytest.fixture
def serial(hub: Path, tmp_path: Path) -> dict[str, str]:
    build(hub, now=EXAMPLE_NOW, out=tmp_path / "serial", jobs=1, cache=False)
    return tree(tmp_path / "serial", search=False)


def _noting_writes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, str]]:
    """(written by a worker, path) of every output the main process's writer is given."""
    noted: list[tuple[bool, str]] = []
    add = write.SiteWriter.add

    def noting(self, output):  # type: ignore[no-untyped-def]
        noted.append((output.written, output.path))
        add(self, output)
    monkeypatch.setattr(write.SiteWriter, "add", noting)
    return noted


def _main_slowed(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """The main process slowed on every output it renders itself, and the claiming distance
    made small for the example hub's hundred folders: a worker then always gets ahead and
    claims folders, however busy the machine (on a busy one, the main process once claimed
    nearly all of them)."""
    import time

    monkeypatch.setattr(shards, "DISTANCE", 8)
    make = shards.Shards.make

    def slow_main(self, path, made):  # type: ignore[no-untyped-def]
        chosen = make(self, path, made)
        if chosen is made:  # rendered here
            time.sleep(seconds)
        return chosen
    monkeypatch.setattr(shards.Shards, "make", slow_main)


def test_outputs_are_spread_by_folder_and_weight() -> None:
    weights = shards.weights_for(3, 0.4)
    assert weights == (400, 300, 300)
    paths = [f"stories/s{n}/index.html" for n in range(3000)]
    counts = [sum(shards.shard_of(p, weights) == i for p in paths) for i in range(3)]
    assert all(abs(c - w * 3) < 200 for c, w in zip(counts, weights, strict=True)), counts
    # a folder's three feeds go to one process (they are made from one Feed)
    assert len({shards.shard_of(f"tags/x/{leaf}", weights)
                for leaf in ("feed.xml", "atom.xml", "feed.json")}) == 1
    # the pages that list pieces as cards all go to the main process: each card rendered once
    lists = ["index.html", *(folder + "index.html" for folder in (
        routes.listing_path("stories"), routes.listing_path("stories", 7), routes.tag_path("x"),
        routes.listing_path(routes.tag_path("x").rstrip("/"), 2),
        routes.piece_path("members", "ana")))]
    assert {shards.shard_of(p, weights) for p in lists} == {0}
    others = ["stories/page/index.html", "tags/index.html", "members/ana/feed.xml",
              "stories/s1/index.html", "tags/x/page/2/feed.xml"]
    assert all(shards.shard_of(p, (0, 1000)) == 1 for p in others)


def test_folders_are_claimed_by_who_gets_there_first_a_worker_only_far_ahead() -> None:
    claims = shards.Claims(200, shards.weights_for(2, 0.3))
    assert claims.owner("stories/a/index.html", 0) == 0  # the main process: any free folder
    assert claims.owner("stories/a/feed.json", 1) == 0  # the folder is the main process's
    near = "stories/b/index.html"
    assert claims.owner(near, 1) == 0  # a worker leaves what the main process is close to
    assert claims.owner("stories/b/feed.xml", 1) == 0 and claims.owner(near, 0) == 0
    for n in range(shards.DISTANCE):  # folders a worker walked past (its own numbering)
        claims.slots[f"stories/s{n}"] = len(claims.slots)
    assert claims.owner("stories/c/index.html", 1) == 1  # far ahead: claimed, for good
    assert claims.owner("stories/c/atom.xml", 1) == 1
    assert claims.owners[claims.slots["stories/c"]] == 2
    assert claims.owner("stories/c/feed.xml", 0) == 1  # the main process takes its bytes
    assert claims.owner("index.html", 1) == 0  # the pages that list pieces: the main process's
    assert claims.owner("tags/x/index.html", 1) == 0
    small = shards.Claims(4, claims.weights)
    paths = [f"more/{n}/index.html" for n in range(20)]  # past the table's end: the fixed split
    assert [small.owner(p, 0) for p in paths][4:] == [shards.shard_of(p, small.weights)
                                                      for p in paths][4:]
    other = shards.Claims(200, claims.weights)  # a folder met in another order than its
    other.slots = {"x": 0}
    for n in range(shards.DISTANCE):
        other.slots[f"far/{n}"] = n + 1
    assert other.owner("far/63/index.html", 1) == 1  # claimed by a worker …
    other.slots["y"] = 64  # … and met by the main process at that place, as another folder:
    assert other.owner("y/index.html", 0) == 0  # left to the main process, never waited for
    assert other.owner("x/index.html", 0) == 0
    other.slots["z"] = 0  # and a worker meeting the main process's slot as another folder
    assert other.owner("z/feed.xml", 1) == 0


def test_a_lock_nobody_gives_back_only_stops_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    claims = shards.Claims(300, shards.weights_for(2, 0.3))
    for n in range(shards.DISTANCE + 1):
        claims.slots[f"s/{n}"] = n
    assert claims.owner(f"s/{shards.DISTANCE}/index.html", 1) == 1  # claimed by the worker
    monkeypatch.setattr(shards, "LOCK_WAIT", 0.05)
    assert claims.lock.acquire()  # held for ever (its holder died holding it)
    assert claims.owner(f"s/{shards.DISTANCE}/feed.xml", 0) == 1  # claimed: the worker's
    assert claims.broken
    assert claims.owner("new/index.html", 1) == 0  # nothing more claimed: the main process's
    assert claims.owner("new/feed.xml", 0) == 0


@pytest.mark.parametrize("slow", ["worker", "main"])
def test_the_process_with_less_to_do_renders_more(
        hub: Path, tmp_path: Path, serial: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        slow: str) -> None:
    import time

    monkeypatch.setattr(build_module, "PARALLEL_MIN_PIECES", 1)
    monkeypatch.setattr(shards, "DISTANCE", 8)  # the example hub has a hundred folders
    if slow == "worker":
        render = shards.Shard.render

        def slowly(self, path, make):  # type: ignore[no-untyped-def]
            if self.owns(path):
                time.sleep(0.02)
            render(self, path, make)
        monkeypatch.setattr(shards.Shard, "render", slowly)
    else:
        _main_slowed(monkeypatch, 0.02)
    noted = _noting_writes(monkeypatch)
    build(hub, now=EXAMPLE_NOW, out=tmp_path / "site", jobs=2, cache=False)
    assert tree(tmp_path / "site", search=False) == serial
    by_worker = sum(written for written, _ in noted)
    weights = shards.weights_for(2, build_module.MAIN_SHARE)
    fixed = sum(shards.shard_of(path, weights) == 1 for _, path in noted)  # the fixed split's
    if slow == "worker":  # the main process took over much of the worker's fixed share
        assert 0 < by_worker < fixed // 2, (by_worker, fixed, len(noted))
    else:  # the worker took more than its fixed share
        assert by_worker > fixed, (by_worker, fixed, len(noted))


@pytest.mark.parametrize("jobs", [2, 3])
def test_a_parallel_render_equals_a_serial_one(hub: Path, tmp_path: Path, serial: dict[str, str],
                                               jobs: int, monkeypatch: pytest.MonkeyPatch
                                               ) -> None:
    monkeypatch.setattr(build_module, "PARALLEL_MIN_PIECES", 1)  # the example hub is small
    made: list[int] = []
    start = shards.Shards.__init__

    def counting(self, processes, *args, **kwargs):  # type: ignore[no-untyped-def]
        made.append(processes)
        start(self, processes, *args, **kwargs)
    monkeypatch.setattr(shards.Shards, "__init__", counting)
    noted = _noting_writes(monkeypatch)
    # without the cache, workers note no reads (nothing is fingerprinted): the same bytes
    build(hub, now=EXAMPLE_NOW, out=tmp_path / "no-cache", jobs=jobs, cache=False)
    assert tree(tmp_path / "no-cache", search=False) == serial
    # the workers wrote their outputs themselves: the main process only noted them
    assert 0 < sum(written for written, _ in noted) < len(noted)
    # what was kept from the garbage collector while forking is given back to it, and the
    # collector paused while the hub was read runs again
    assert gc.get_freeze_count() == 0 and gc.isenabled()
    out = tmp_path / "site"
    cold = build(hub, now=EXAMPLE_NOW, out=out, jobs=jobs)
    assert made == [jobs, jobs] and tree(out, search=False) == serial
    # the record made from the workers' reads is the serial one: nothing to render again, and
    # an edit renders again what it touches
    uptodate.forget(hub, out)
    assert build(hub, now=EXAMPLE_NOW, out=out, jobs=jobs).rendered == 0
    story = hub / "content/members/amina-diallo.md"
    story.write_text(story.read_text("utf-8").replace("Lyon", "Lyon 4e", 1), "utf-8")
    warm = build(hub, now=EXAMPLE_NOW, out=out, jobs=jobs)
    clean = build(hub, now=EXAMPLE_NOW, out=tmp_path / "clean", jobs=1, cache=False)
    assert 0 < warm.rendered < cold.rendered
    assert tree(out, search=False) == tree(clean.out, search=False)


@pytest.mark.parametrize("cache", [False, True])  # the main process takes a worker's bytes
def test_a_worker_that_dies_leaves_its_outputs_to_the_main_process(  # as they are, or
        hub: Path, tmp_path: Path, serial: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        cache: bool) -> None:  # with the record of what it read
    monkeypatch.setattr(build_module, "PARALLEL_MIN_PIECES", 1)
    _main_slowed(monkeypatch, 0.005)  # the worker has outputs of its own before it dies
    render = shards.Shard.render
    seen: list[str] = []
    finished = tmp_path / "finished"

    def dying(self, path, make):  # type: ignore[no-untyped-def]
        if self.owns(path):
            seen.append(path)
            if len(seen) == 20:
                self.flush()
                os._exit(3)  # killed half-way through, some of its outputs sent
        render(self, path, make)
    monkeypatch.setattr(shards.Shard, "render", dying)
    start = shards.Shard.finish

    def finishing(self):  # type: ignore[no-untyped-def]
        finished.touch()  # the worker got to the end: it did not die
        start(self)
    monkeypatch.setattr(shards.Shard, "finish", finishing)
    build(hub, now=EXAMPLE_NOW, out=tmp_path / "site", jobs=2, cache=cache)
    assert not finished.exists()
    assert tree(tmp_path / "site", search=False) == serial


def test_an_output_a_worker_cannot_write_is_written_by_the_main_process(
        hub: Path, tmp_path: Path, serial: dict[str, str], monkeypatch: pytest.MonkeyPatch
        ) -> None:
    monkeypatch.setattr(build_module, "PARALLEL_MIN_PIECES", 1)
    _main_slowed(monkeypatch, 0.005)  # the worker writes outputs of its own
    put = write.Direct.write
    refused = tmp_path / "refused"  # written in the worker, read here

    def failing(self, path, data):  # type: ignore[no-untyped-def]
        if path.endswith((".xml", "/index.html")) and len(path) % 2:
            with refused.open("a") as note:
                note.write(path + "\n")
            raise OSError(28, "No space left on device")  # of this process's, say
        put(self, path, data)
    monkeypatch.setattr(write.Direct, "write", failing)
    noted = _noting_writes(monkeypatch)
    build(hub, now=EXAMPLE_NOW, out=tmp_path / "site", jobs=2, cache=False)
    assert tree(tmp_path / "site", search=False) == serial
    failed = refused.read_text().split()
    assert failed and {p for written, p in noted if not written} >= set(failed)
    assert any(written for written, _ in noted)


def test_checks_on_a_workers_outputs_report_what_a_serial_build_reports(
        hub: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n, story in enumerate(sorted((hub / "content/stories").glob("*.md"))[:6]):
        story.write_text(story.read_text("utf-8") + f"\n[perdu](/nulle-part-{n}/)\n", "utf-8")
    with pytest.raises(BuildFailed) as serial:
        build(hub, now=EXAMPLE_NOW, out=tmp_path / "serial", jobs=1, cache=False)
    monkeypatch.setattr(build_module, "PARALLEL_MIN_PIECES", 1)
    with pytest.raises(BuildFailed) as parallel:
        build(hub, now=EXAMPLE_NOW, out=tmp_path / "parallel", jobs=2, cache=False)
    expected = [str(p) for p in serial.value.problems]
    assert len([p for p in expected if "nulle-part" in p]) == 6
    assert [str(p) for p in parallel.value.problems] == expected


@pytest.mark.timeout(60)
def test_a_worker_whose_reader_is_gone_stops_sending_and_does_not_hang() -> None:
    import multiprocessing as mp

    receive, send = mp.get_context("fork").Pipe(duplex=False)
    shard = shards.Shard(0, (1000,), send, lambda output: None)  # every output is its own
    first = [(f"a/{n}.html", b"x" * 100) for n in range(shards.BATCH)]
    for path, data in first:
        shard.render(path, lambda _, data=data: data)
    assert [p for p, *_ in receive.recv()] == [p for p, _ in first]  # sent by its thread
    receive.close()
    with pytest.raises(BrokenPipeError):  # the main process stopped listening
        for n in range(100 * shards.BATCH * shards.OUTBOX):
            shard.render(f"b/{n}.html", lambda _: b"y" * 10_000)
        shard.finish()
    send.close()


def _counting_ahead(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    taken: list[int] = []
    into = build_module.BodiesAhead.into

    def counting(self, memo):  # type: ignore[no-untyped-def]
        taken.append(into(self, memo))
        return taken[-1]
    monkeypatch.setattr(build_module.BodiesAhead, "into", counting)
    return taken


def _slow_load(monkeypatch: pytest.MonkeyPatch) -> None:
    load = build_module._load

    def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        import time
        time.sleep(3)  # the hub read slowly: every body is rendered ahead by then
        return load(*args, **kwargs)
    monkeypatch.setattr(build_module, "_load", slow)


def test_bodies_rendered_while_the_hub_is_read_give_the_serial_site(
        hub: Path, tmp_path: Path, serial: dict[str, str], monkeypatch: pytest.MonkeyPatch
        ) -> None:
    monkeypatch.setattr(build_module, "PARALLEL_MIN_PIECES", 1)  # the example hub is small
    taken = _counting_ahead(monkeypatch)
    render = build_module._render_chunk
    rendered_after: list[int] = []

    def counting(job):  # type: ignore[no-untyped-def]
        rendered_after.append(len(job[0]))
        return render(job)
    monkeypatch.setattr(build_module, "_render_chunk", counting)
    _slow_load(monkeypatch)
    build(hub, now=EXAMPLE_NOW, out=tmp_path / "site", jobs=2, cache=False)
    assert tree(tmp_path / "site", search=False) == serial
    pieces = len(list((hub / "content").glob("*/*.md")))
    # the draft is read ahead too, and left out (its links, its page) by the hub's own rules
    assert taken and taken[0] == pieces
    # none rendered again: nothing left for the processes render_bodies forks (their calls
    # would not be seen here), and no call in this one but the one with nothing to do
    assert rendered_after == [0]
    # a build that reads bodies from its cache starts nothing ahead
    build(hub, now=EXAMPLE_NOW, out=tmp_path / "cached", jobs=2)
    uptodate.forget(hub, tmp_path / "cached")
    taken.clear()
    build(hub, now=EXAMPLE_NOW, out=tmp_path / "cached", jobs=2)
    assert taken == []


def test_a_body_whose_links_the_hub_resolves_otherwise_is_rendered_again(
        hub: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # links to the draft: its file name gives it a web address, but the hub leaves it out
    for story in sorted((hub / "content/stories").glob("2*.md"))[:3]:
        story.write_text(story.read_text("utf-8")
                         + "\n[bientôt](brouillon-atelier-git.md)\n", "utf-8")
    with pytest.raises(BuildFailed) as serial:
        build(hub, now=EXAMPLE_NOW, out=tmp_path / "serial", jobs=1, cache=False)
    monkeypatch.setattr(build_module, "PARALLEL_MIN_PIECES", 1)
    taken = _counting_ahead(monkeypatch)
    _slow_load(monkeypatch)
    with pytest.raises(BuildFailed) as parallel:
        build(hub, now=EXAMPLE_NOW, out=tmp_path / "parallel", jobs=2, cache=False)
    expected = [str(p) for p in serial.value.problems]
    assert len([p for p in expected if "brouillon-atelier-git.md" in p]) == 3
    assert [str(p) for p in parallel.value.problems] == expected
    assert taken == [len(list((hub / "content").glob("*/*.md")))]


def test_a_reader_ahead_that_dies_leaves_the_bodies_to_the_build(
        hub: Path, tmp_path: Path, serial: dict[str, str], monkeypatch: pytest.MonkeyPatch
        ) -> None:
    monkeypatch.setattr(build_module, "PARALLEL_MIN_PIECES", 1)
    body_of = build_module.discover.body_of
    read: list[str] = []

    def dying(root, rel):  # type: ignore[no-untyped-def]
        read.append(rel)
        if len(read) == 20:
            os._exit(3)
        return body_of(root, rel)
    monkeypatch.setattr(build_module.discover, "body_of", dying)
    taken = _counting_ahead(monkeypatch)
    build(hub, now=EXAMPLE_NOW, out=tmp_path / "site", jobs=2, cache=False)
    assert taken == [0] and tree(tmp_path / "site", search=False) == serial
