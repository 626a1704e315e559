"""One part of a cold build at a time, old way against new way, alternating, medians of REPEATS:

    python bench/components.py markdown 2000 3       # markdown-it-py alone vs the accelerator
    python bench/components.py markdown --hub ../shared/corpora/twir 3
    python bench/components.py links 2000 3          # link reading: HTML parser vs quick reader
    python bench/components.py outputs 2000 3        # the output stage on 1 process vs all cores
    python bench/components.py write 2000 3 [DIR…]   # writing the site into each DIR's file system
    python bench/components.py builds 10000 3 [MODULE.NAME=VALUE…]  # whole cold builds
    python bench/components.py commits 10000 4 REV REV…  # whole cold builds of each commit
    python bench/components.py edits 10000 5 REV REV…  # warm builds after a one-story edit
    python bench/components.py unchanged 10000 5 REV REV…  # warm builds, nothing changed
    python bench/components.py syscalls 2000 1 REV REV…  # system calls of those builds (strace)
    python bench/components.py timeline 10000 2      # when each stage of a parallel build ends
    python bench/components.py load 10000 4          # loading: YAML parser only, plain reader
    python bench/components.py absolutize 10000 5    # feed bodies' URLs: HTML parser vs fast path
    python bench/components.py cards 10000           # story cards rendered, per process
    python bench/components.py folders 15000 3 [DIR…]  # the file system alone: folders, a file each

A number is a generated hub of that many stories (bench/generate.py). `markdown` renders every
body in this process (and says why bodies were left to markdown-it-py); `outputs` renders every
page, feed and calendar in memory, with the bodies already rendered; `links` and `write` work on
the site of one build (written into a temporary folder); `write` times SiteWriter putting every
output into a folder on each DIR (default: the temporary folder's file system, and /dev/shm).
`builds` runs `foyer build --no-link-check` in a process of its own (time, peak RSS and CPU, as
bench/run.py measures them), each into a fresh folder (run.fresh): without the cache (as
bench/run.py's cold builds), the first build that writes the cache, and, for each setting given
(`build.MAIN_SHARE=0.35`, `write.WRITE_QUEUE=256`: a constant of a module of generator), a build
without the cache with that constant set. `commits` checks each REV out into a git worktree
of its own and runs the same build without the cache from each in turn (the code and the
theme of that commit, the hub of this one), alternating, to compare commits in one run;
`edits` gives each REV a copy of the hub and fills its cache, then, round after
round, edits the same story in every copy and times each REV's `foyer build` with the cache
(as bench/run.py's "one story edited"), alternating, with the time each spent in garbage
collections; `unchanged` the same without the edit (bench/run.py's "nothing changed");
`syscalls` runs the same builds under `strace -f -c` and prints how many system calls each
made (all processes and threads; the median of REPEATS), in all and of the main kinds.
`timeline` runs cold builds (`--no-cache --no-link-check`) in this process and prints, in
seconds from the build's start, when the hub is read (and how many bodies the reader ahead
had rendered by then: build.BodiesAhead), when the bodies are rendered, when the main process
takes its worker's last output, when its walk of the renderers ends and when the writer is
done, with how often and how long the main process waited for a worker's output, and the CPU
time of the main process and of the processes it forked. `load` runs
`build.load` with the plain front-matter reader (read/simpleyaml.py) off and on; `absolutize`
makes every body's URLs absolute with the HTML parser and with the fast path; `cards` renders
every output in memory on one process and on all cores and prints how many story cards each
process rendered (Theme.memo) and in how long, with the list pages in the main process (as
builds do) and with every output by its folder alone (as before 2026-12-03). `folders` makes N
folders holding one 20 KB file each (as a site's pretty URLs do), in a folder of each DIR
(default: the temporary folder's file system, and /dev/shm), removes them, and again: the time
and the kernel's CPU time of each round (no hub).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from generate import generate  # noqa: E402
from run import NOW as NOW_TEXT  # noqa: E402
from run import Run, fresh, timed  # noqa: E402

from generator import build  # noqa: E402
from generator.render import linkcheck, markdown, markdown_rs, sanitize  # noqa: E402
from generator.write import SiteWriter  # noqa: E402

NOW = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)


def _compare(ways: dict[str, Callable[[], object]], repeats: int) -> None:
    runs: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(repeats):
        for name, way in ways.items():
            started = time.perf_counter()
            way()
            runs[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(values) for name, values in runs.items()}
    first = next(iter(medians.values()))
    for name, seconds in medians.items():
        print(f"  {name:28} median {seconds:7.2f} s   runs "  # noqa: T201
              f"{', '.join(f'{s:.2f}' for s in runs[name])}   ×{first / seconds:.2f}")


def bench_markdown(root: Path, repeats: int) -> None:
    hub, _ = build.load(root, now=NOW)
    assert hub is not None
    links = {p.source: p.url for p in hub.pieces}
    config = hub.config
    embeds = None if config.html_trusted else (config.embeds or sanitize.DEFAULT_EMBEDS)

    def bodies(accelerate: bool) -> None:
        for p in hub.pieces:
            markdown.render(p.body, source=p.source, body_line=p.body_line, links=links,
                            base_path=config.base_path, embeds=embeds, accelerate=accelerate)
    print(f"{len(hub.pieces)} bodies, one process")  # noqa: T201
    markdown_rs.FALLBACKS.clear()
    _compare({"markdown-it-py": lambda: bodies(False), "accelerated": lambda: bodies(True)},
             repeats)
    left = sum(markdown_rs.FALLBACKS.values()) // repeats
    print(f"  left to markdown-it-py: {left} of {len(hub.pieces)} bodies "  # noqa: T201
          f"({', '.join(f'{k}: {v // repeats}' for k, v in markdown_rs.FALLBACKS.items())})")


def _site(root: Path, work: Path) -> Path:
    out = work / "site"
    build.build(root, now=NOW, out=out, link_check=False, cache=False)
    return out


def bench_links(root: Path, repeats: int, work: Path) -> None:
    pages = [p.read_text("utf-8") for p in _site(root, work).rglob("*.html")
             if "pagefind" not in p.parts]
    quick = sum(linkcheck._page_links_quick(t) is not None for t in pages)
    print(f"{len(pages)} pages ({quick} read the quick way)")  # noqa: T201
    _compare({"HTML parser": lambda: [linkcheck._page_links_parsed(t) for t in pages],
              "page_links (quick reader)": lambda: [linkcheck.page_links(t.encode())
                                                    for t in pages]}, repeats)


def bench_outputs(root: Path, repeats: int) -> None:
    hub, _ = build.load(root, now=NOW)
    assert hub is not None
    memo = build.BodyMemo()
    build.render_bodies(hub, memo=memo)  # the same bodies for every run: the outputs alone
    print(f"{len(hub.pieces)} pieces, outputs in memory")  # noqa: T201
    _compare({"1 process": lambda: build.render(hub, link_check=False, jobs=1, bodies_memo=memo),
              "all cores": lambda: build.render(hub, link_check=False, bodies_memo=memo)},
             repeats)


def bench_write(root: Path, repeats: int, work: Path, folders: list[Path]) -> None:
    hub, _ = build.load(root, now=NOW)
    assert hub is not None
    outputs = build.render(hub, link_check=False).outputs
    size = sum(len(o.data) for o in outputs)
    print(f"{len(outputs)} files, {size / 1e6:.0f} MB")  # noqa: T201
    targets = [Path(tempfile.mkdtemp(prefix="foyer-write-", dir=f)) for f in folders]

    def write(target: Path) -> None:
        out = target / "site"
        with SiteWriter(out) as writer:
            for output in outputs:
                writer.add(output)
            writer.finish([])
        shutil.rmtree(out)
    try:
        _compare({f"into {t.parent}": (lambda t=t: write(t)) for t in targets}, repeats)
    finally:
        for target in targets:
            shutil.rmtree(target, ignore_errors=True)


# `foyer build` with one constant of a generator module set first (argv[1]: MODULE.NAME=VALUE)
_SET_AND_BUILD = ("import importlib, sys; name, value = sys.argv.pop(1).split('=', 1); "
                  "module, constant = name.rsplit('.', 1); "
                  "target = importlib.import_module('generator.' + module); "
                  "setattr(target, constant, type(getattr(target, constant))(value)); "
                  "from generator import cli; raise SystemExit(cli.main())")


def bench_builds(root: Path, repeats: int, work: Path, settings: list[str]) -> None:
    def command(out: Path, *extra: str, setting: str | None = None) -> list[str]:
        start = [sys.executable, "-m", "generator"] if setting is None else \
            [sys.executable, "-c", _SET_AND_BUILD, setting]
        return [*start, "build", str(root), "--out", str(out), "--now", NOW_TEXT,
                "--no-link-check", *extra]
    ways: dict[str, tuple[tuple[str, ...], str | None]] = {
        "no cache (--no-cache)": (("--no-cache",), None),
        "first build, writes the cache": ((), None),
        **{f"no cache, {s}": (("--no-cache",), s) for s in settings}}
    runs: dict[str, list[Run]] = {name: [] for name in ways}
    for _ in range(repeats):
        for name, (extra, setting) in ways.items():
            shutil.rmtree(root / ".foyer-cache", ignore_errors=True)
            runs[name].append(timed(command(fresh(work, "site"), *extra, setting=setting)))
    _print_runs(runs)


@contextlib.contextmanager
def _worktrees(revisions: list[str], work: Path) -> Iterator[dict[str, Path]]:
    """Each revision checked out into a git worktree of its own, removed afterwards."""
    repository = HERE.parent
    trees = {}
    try:
        for revision in revisions:
            tree = work / f"tree-{len(trees)}"
            subprocess.run(["git", "-C", str(repository), "worktree", "add", "--detach", "-q",
                            str(tree), revision], check=True)
            trees[revision] = tree
        yield trees
    finally:
        for tree in trees.values():
            subprocess.run(["git", "-C", str(repository), "worktree", "remove", "--force",
                            str(tree)], check=False)


def _cold_build(tree: Path, root: Path, out: Path) -> list[str]:
    """`foyer build --no-cache` with the code of `tree`, the hub `root`."""
    return [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(tree)!r}); "
            "from generator import cli; raise SystemExit(cli.main())",
            "build", str(root), "--out", str(out), "--now", NOW_TEXT,
            "--no-link-check", "--no-cache"]


def bench_commits(root: Path, repeats: int, work: Path, revisions: list[str]) -> None:
    runs: dict[str, list[Run]] = {revision: [] for revision in revisions}
    with _worktrees(revisions, work) as trees:
        for _ in range(repeats):
            for revision, tree in trees.items():
                runs[revision].append(timed(_cold_build(tree, root, fresh(work, "site"))))
    _print_runs(runs)


def bench_edits(root: Path, repeats: int, work: Path, revisions: list[str],
                edit: bool = True) -> None:
    """Warm builds after one story is edited (as bench/run.py's), with the code of each
    revision: each has a copy of the hub and its cache, filled by a first build; then, round
    after round, the same story is edited in every copy (unless not `edit`: nothing changed)
    and each revision builds, alternating (without the link check, as bench/run.py's). Also
    the time the build's process spent in garbage collections (gc.callbacks)."""
    runs: dict[str, list[Run]] = {revision: [] for revision in revisions}
    collected: dict[str, list[float]] = {revision: [] for revision in revisions}
    spent = work / "collections.txt"
    with _worktrees(revisions, work) as trees:
        hubs = {}
        for index, (revision, tree) in enumerate(trees.items()):
            hubs[revision] = work / f"hub-{index}"
            shutil.copytree(root, hubs[revision], ignore=shutil.ignore_patterns(
                ".foyer-cache", "site"))
            timed(_warm_build(tree, hubs[revision], spent))  # fills the cache
        stories = sorted((root / "content/stories").glob("*.md")) \
            or sorted((root / "content/newsletters").glob("*.md"))
        story = stories[len(stories) // 2].relative_to(root)
        for round_ in range(repeats):
            for revision, tree in trees.items():
                if edit:
                    edited = hubs[revision] / story
                    edited.write_text(edited.read_text("utf-8")
                                      + f"\nOne more line, {round_}.\n", "utf-8")
                runs[revision].append(timed(_warm_build(tree, hubs[revision], spent)))
                collected[revision].append(float(spent.read_text()))
    _print_runs(runs)
    for revision, seconds in collected.items():
        print(f"  {revision:36} in garbage collections: median "  # noqa: T201
              f"{statistics.median(seconds):.2f} s   runs "
              f"{', '.join(f'{v:.2f}' for v in seconds)}")


# `foyer build` with the code of a tree, noting the seconds its process spent collecting
_COLLECTING = """import gc, sys, time
tree, note = sys.argv.pop(1), sys.argv.pop(1)
sys.path.insert(0, tree)
spent, began = [0.0], [0.0]
def watch(phase, info):
    if phase == "start":
        began[0] = time.perf_counter()
    else:
        spent[0] += time.perf_counter() - began[0]
gc.callbacks.append(watch)
from generator import cli
try:
    code = cli.main()
finally:
    open(note, "w").write(f"{spent[0]:.4f}")
raise SystemExit(code)
"""


def _warm_build(tree: Path, root: Path, note: Path) -> list[str]:
    """`foyer build` with its cache, with the code of `tree`, into the hub's site/; the time
    spent in garbage collections goes to `note`."""
    return [sys.executable, "-c", _COLLECTING, str(tree), str(note),
            "build", str(root), "--now", NOW_TEXT, "--no-link-check"]


def bench_syscalls(root: Path, repeats: int, work: Path, revisions: list[str]) -> None:
    """System calls of a cold build of each revision, all its processes and threads, counted
    by `strace -f -c` (counts, not times: strace slows every call down)."""
    strace = shutil.which("strace")
    if strace is None:
        raise SystemExit("syscalls needs strace (Debian: apt-get install strace)")
    counts: dict[str, list[dict[str, int]]] = {revision: [] for revision in revisions}
    with _worktrees(revisions, work) as trees:
        for _ in range(repeats):
            for revision, tree in trees.items():
                table = work / "strace.txt"
                subprocess.run([strace, "-f", "-c", "-o", str(table),
                                *_cold_build(tree, root, fresh(work, "site"))],
                               check=True, capture_output=True)
                found = {}
                for line in table.read_text().splitlines():
                    cells = line.split()
                    if len(cells) >= 5 and cells[3].isdigit():
                        found[cells[-1]] = int(cells[3])
                counts[revision].append(found)
    for revision, runs in counts.items():
        total = statistics.median(r.get("total", 0) for r in runs)
        calls = ("futex", "openat", "newfstatat", "read", "write", "close", "mkdir", "ioctl",
                 "lseek")
        print(f"  {revision:12} median {total:9.0f} system calls   "  # noqa: T201
              + "  ".join(f"{c} {statistics.median(r.get(c, 0) for r in runs):.0f}"
                          for c in calls))


def _print_runs(runs: dict[str, list[Run]]) -> None:
    for name, values in runs.items():
        seconds = [v.seconds for v in values]
        print(f"  {name:36} median {statistics.median(seconds):7.2f} s   runs "  # noqa: T201
              f"{', '.join(f'{v:.2f}' for v in seconds)}   "
              f"peak {max(v.peak for v in values):.0f} MB   "
              f"CPU {statistics.median(v.cpu for v in values):.2f} s")


def bench_timeline(root: Path, repeats: int, work: Path) -> None:
    import os

    from generator.render import shards
    from generator.write import SiteWriter as Writer
    marks: dict[str, float] = {}
    waits = [0, 0.0]
    started = 0.0

    def mark(name: str) -> None:
        marks[name] = time.perf_counter() - started

    def wrap(owner: Any, name: str, before: str | None, after: str | None) -> Any:
        original = getattr(owner, name)

        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if before:
                mark(before)
            result = original(*args, **kwargs)
            if after:
                mark(after)
            return result
        setattr(owner, name, wrapped)
        return original

    def take(self: Any, worker: int, path: str) -> Any:
        if path in self.ready[worker]:
            result = taking(self, worker, path)
        else:
            waited = time.perf_counter()
            result = taking(self, worker, path)
            waits[0] += 1
            waits[1] += time.perf_counter() - waited
        mark("last worker output taken")
        return result
    taking = shards.Shards._take
    shards.Shards._take = take  # type: ignore[method-assign]
    ahead: list[int] = []
    into_memo = build.BodiesAhead.into

    def into(self: Any, memo: Any) -> int:
        mark("hub read")
        ahead.append(into_memo(self, memo))
        return ahead[-1]
    build.BodiesAhead.into = into  # type: ignore[method-assign]
    originals = [(build.BodiesAhead, "into", into_memo),
                 (build, "render_bodies", wrap(build, "render_bodies", None, "bodies rendered")),
                 (shards.Shards, "close", wrap(shards.Shards, "close", "walk ended", None)),
                 (Writer, "finish", wrap(Writer, "finish", None, "writer done"))]
    try:
        for run in range(repeats):
            marks.clear()
            ahead.clear()
            waits[:] = [0, 0.0]
            out = fresh(work, f"timeline-{run}")
            cpu = os.times()
            started = time.perf_counter()
            build.build(root, now=NOW, out=out, link_check=False, cache=False)
            mark("build done")
            spent = os.times()
            print(f"  run {run + 1}: " + ", ".join(  # noqa: T201
                f"{name} {seconds:.2f}" for name, seconds in marks.items())
                + (f"; bodies ready ahead {ahead[0]}" if ahead else "")
                + f"; waited {waits[0]} times, {waits[1]:.2f} s; CPU main process user "
                f"{spent.user - cpu.user:.2f} kernel {spent.system - cpu.system:.2f}, "
                f"workers user {spent.children_user - cpu.children_user:.2f} kernel "
                f"{spent.children_system - cpu.children_system:.2f}")
    finally:
        shards.Shards._take = taking  # type: ignore[method-assign]
        for owner, name, original in originals:
            setattr(owner, name, original)


def bench_load(root: Path, repeats: int) -> None:
    from generator.read import yamlfile
    plain = yamlfile._read_simple

    def load(reader: Callable[[str, int], Any]) -> None:
        yamlfile._read_simple = reader
        try:
            build.load(root, now=NOW)
        finally:
            yamlfile._read_simple = plain
    _compare({"YAML parser only": lambda: load(lambda text, offset: None),
              "plain reader first": lambda: load(plain)}, repeats)


def bench_absolutize(root: Path, repeats: int) -> None:
    from generator.render import urls
    hub, _ = build.load(root, now=NOW)
    assert hub is not None
    bodies, _ = build.render_bodies(hub)
    pairs = [(bodies[p.key].html, hub.config.base_url.rstrip("/") + p.url) for p in hub.pieces]
    quick = sum(urls._absolutize_quoted(h, b) is not None for h, b in pairs)
    print(f"{len(pairs)} bodies ({quick} taken by the fast path)")  # noqa: T201

    def each(way: Callable[[str, str], Any]) -> None:
        for html, base in pairs:
            way(html, base)
        urls.forget()
    _compare({"HTML parser": lambda: each(urls._absolutize_parsed),
              "fast path": lambda: each(urls._absolutize_quoted)}, repeats)


def bench_cards(root: Path) -> None:
    import jinja2

    from generator.render import shards, templates
    hub, _ = build.load(root, now=NOW)
    assert hub is not None
    memo = build.BodyMemo()
    build.render_bodies(hub, memo=memo)
    counted = [0, 0.0]
    remembered = templates.Theme.memo

    @jinja2.pass_context
    def memo_counting(self: Any, context: Any, kind: str, piece: Any, *args: Any,
                      caller: Any) -> Any:
        def rendered() -> Any:
            started = time.perf_counter()
            html = caller()
            counted[0] += kind == "story_card"
            counted[1] += (time.perf_counter() - started) if kind == "story_card" else 0
            return html
        return remembered(self, context, kind, piece, *args, caller=rendered)

    working = shards._work

    def work(walk: Any, shard: Any) -> None:
        def walked(s: Any) -> None:
            walk(s)
            print(f"  all cores, worker {s.index}: {counted[0]} cards, "  # noqa: T201
                  f"{counted[1]:.2f} s", flush=True)
        working(walked, shard)
    lists = shards._LISTS
    templates.Theme.memo = memo_counting  # type: ignore[method-assign]
    shards._work = work
    try:
        for jobs, name, rule in ((1, "1 process", lists),
                                 (None, "all cores, main process", lists),
                                 (None, "all cores by folder alone, main process",
                                  re.compile("(?!)"))):
            counted[:] = [0, 0.0]
            shards._LISTS = rule
            build.render(hub, link_check=False, jobs=jobs, bodies_memo=memo, record=False)
            print(f"  {name}: {counted[0]} cards, {counted[1]:.2f} s")  # noqa: T201
    finally:
        templates.Theme.memo = remembered  # type: ignore[method-assign]
        shards._work = working
        shards._LISTS = lists


def bench_folders(count: int, repeats: int, work: Path, folders: list[Path]) -> None:
    import os
    data = bytes(range(256)) * 80
    targets = [Path(tempfile.mkdtemp(prefix="foyer-folders-", dir=f)) for f in folders]

    def make(target: Path) -> tuple[float, float]:
        started, cpu = time.perf_counter(), os.times().system
        for n in range(count):
            folder = target / "stories" / f"story-{n}"
            folder.mkdir(parents=True)
            (folder / "index.html").write_bytes(data)
        seconds, system = time.perf_counter() - started, os.times().system - cpu
        shutil.rmtree(target / "stories")
        return seconds, system
    try:
        for target in targets:
            runs = [make(target) for _ in range(repeats)]
            print(f"  {count} folders in {target.parent}: median "  # noqa: T201
                  f"{statistics.median(r[0] for r in runs):.2f} s, runs "
                  + ", ".join(f"{r[0]:.2f} (kernel {r[1]:.2f})" for r in runs))
    finally:
        for target in targets:
            shutil.rmtree(target, ignore_errors=True)


def main() -> None:
    what, args = sys.argv[1], sys.argv[2:]
    work = Path(tempfile.mkdtemp(prefix="foyer-components-"))
    if what == "folders":
        try:
            bench_folders(int(args[0]), int(args[1]) if len(args) > 1 else 3, work,
                          [Path(f) for f in args[2:]] or [work] + (
                              [Path("/dev/shm")] if Path("/dev/shm").is_dir() else []))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return
    try:
        if args[0] == "--hub":
            root, rest = Path(args[1]).resolve(), args[2:]
        else:
            root, rest = work / "hub", args[1:]
            generate(int(args[0]), root)
        repeats = int(rest[0]) if rest else 3
        if what == "markdown":
            bench_markdown(root, repeats)
        elif what == "links":
            bench_links(root, repeats, work)
        elif what == "outputs":
            bench_outputs(root, repeats)
        elif what == "write":
            folders = [Path(f) for f in rest[1:]] or [work] + (
                [Path("/dev/shm")] if Path("/dev/shm").is_dir() else [])
            bench_write(root, repeats, work, folders)
        elif what == "builds":
            bench_builds(root, repeats, work, rest[1:])
        elif what == "commits":
            bench_commits(root, repeats, work, rest[1:])
        elif what in ("edits", "unchanged"):
            bench_edits(root, repeats, work, rest[1:], edit=what == "edits")
        elif what == "syscalls":
            bench_syscalls(root, repeats, work, rest[1:])
        elif what == "timeline":
            bench_timeline(root, repeats, work)
        elif what == "load":
            bench_load(root, repeats)
        elif what == "absolutize":
            bench_absolutize(root, repeats)
        elif what == "cards":
            bench_cards(root)
        else:
            raise SystemExit(__doc__)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
