"""Where one `foyer serve` rebuild spends its time after a story's body is edited, stage by stage,
in one process: the patch of the last hub, the bodies, deciding which outputs stand, each
renderer. Medians of ROUNDS edits (after a first build and a warm-up edit), in milliseconds.

    python bench/serve_stages.py 10000 8          # a generated hub of 10,000 stories

The end-to-end figure a writer sees (save → reload signal) is bench/serve_latency.py's.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from generate import generate  # noqa: E402

from generator import build, serve  # noqa: E402
from generator.render import outputs, reuse  # noqa: E402

NOW = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)
SPENT: dict[str, float] = defaultdict(float)


def timed(name: str, call: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(call)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return call(*args, **kwargs)
        finally:
            SPENT[name] += time.perf_counter() - started
    return wrapper


def timed_renderer(renderer: Callable[[Any], Iterator[Any]]) -> Callable[[Any], Iterator[Any]]:
    name = renderer.__module__.rsplit(".", 1)[-1]

    def wrapper(site: Any) -> Iterator[Any]:
        items = iter(renderer(site))
        while True:
            started = time.perf_counter()
            try:
                item = next(items)
            except StopIteration:
                SPENT[name] += time.perf_counter() - started
                return
            SPENT[name] += time.perf_counter() - started
            yield item
    return wrapper


def main(stories: int, rounds: int) -> None:
    serve.patch = timed("patch", build.patch)
    build.render_bodies = timed("bodies", build.render_bodies)
    reuse.Reuse.__init__ = timed("which outputs stand", reuse.Reuse.__init__)
    every = outputs.registry
    build.registry = lambda: [timed_renderer(r) for r in every()]
    with tempfile.TemporaryDirectory(prefix="foyer-serve-stages-") as work:
        hub = Path(work) / "hub"
        generate(stories, hub)
        story = hub / "content/stories/s7.md"
        original = story.read_text("utf-8")
        site = serve.Site(hub, now=NOW, drafts=False, future=False)
        site.rebuild()
        gc.freeze()  # as foyer serve does after its first build
        runs: dict[str, list[float]] = defaultdict(list)
        for index in range(rounds + 1):
            story.write_text(original + f"\nOne more line, {index}.\n", "utf-8")
            SPENT.clear()
            started = time.perf_counter()
            site.rebuild(dirty={"content/stories/s7.md"})
            total = time.perf_counter() - started
            if index == 0:
                continue  # warm-up
            for name, seconds in SPENT.items():
                runs[name].append(seconds * 1000)
            runs["rebuild, in all"].append(total * 1000)
        print(f"{stories} stories, one body edit, {rounds} rebuilds "  # noqa: T201
              f"({site.last_rendered} of {len(site.files)} outputs rendered; patched: "
              f"{site.last_patched}); medians:")
        for name, values in runs.items():
            print(f"  {name:22} {statistics.median(values):7.1f} ms")  # noqa: T201


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000,
         int(sys.argv[2]) if len(sys.argv) > 2 else 8)
