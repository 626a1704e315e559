"""Where a cold build spends its time, stage by stage, in one process (serial Markdown, no cache,
nothing written): load (read + validate + index + give-first check), Markdown bodies, each
renderer, the feed check. Prints seconds and shares, the median of REPEATS runs each.

    python bench/stages.py 2000 3                 # a generated hub of 2,000 stories
    python bench/stages.py --hub ../shared/corpora/twir 1
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
from generate import generate  # noqa: E402

from generator import build  # noqa: E402
from generator.render import reuse  # noqa: E402
from generator.render.outputs import Site, registry  # noqa: E402
from generator.render.templates import Theme  # noqa: E402

NOW = dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC)


def once(root: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    started = time.perf_counter()
    hub, _ = build.load(root, now=NOW)
    assert hub is not None
    times["load"] = time.perf_counter() - started
    started = time.perf_counter()
    bodies, problems = build.render_bodies(hub, jobs=1)
    times["markdown bodies"] = time.perf_counter() - started
    site = Site(hub=hub, theme=Theme(hub.config), bodies=bodies, problems=problems,
                reuse=reuse.Reuse(hub, bodies, "bench", None, lambda _: False))
    outputs = []
    for renderer in registry():
        started = time.perf_counter()
        made = list(renderer(site))
        times[renderer.__module__.rsplit(".", 1)[-1]] = time.perf_counter() - started
        outputs += made
    started = time.perf_counter()
    for output in outputs:  # as a build examines each output (the link check aside): a feed's
        build._examine(output, False)  # renderer noted its facts, the bytes are not read
    times["feed check"] = time.perf_counter() - started
    return times


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "--hub":
        root, repeats = Path(args[1]), int(args[2]) if len(args) > 2 else 1
    else:
        n, repeats = int(args[0]) if args else 2000, int(args[1]) if len(args) > 1 else 3
        root = Path(tempfile.mkdtemp(prefix="foyer-stages-")) / "hub"
        generate(n, root)
    runs: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeats):
        for stage, seconds in once(root).items():
            runs[stage].append(seconds)
    medians = {stage: statistics.median(values) for stage, values in runs.items()}
    total = sum(medians.values())
    print(f"{root}: {repeats} run(s), medians, total {total:.2f} s")  # noqa: T201
    for stage, seconds in medians.items():
        print(f"  {stage:18} {seconds:7.2f} s  {100 * seconds / total:5.1f} %")  # noqa: T201


if __name__ == "__main__":
    main()
