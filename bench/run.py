"""Cold builds of generated hubs with foyer, repeated, serial and parallel alternating: medians,
ratios, pages/s and peak memory. (Peers — Hugo, Eleventy, Pelican — are not wired in yet.)

    python bench/run.py 1000 3
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate  # noqa: E402

NOW = "2026-11-24T12:00:00+01:00"


def timed(command: list[str]) -> tuple[float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before)


def main(n: int, repeats: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="foyer-bench-"))
    hub = work / "hub"
    generate(n, hub)
    runs: dict[str, list[float]] = {"jobs=1": [], "default": []}
    peak = 0
    pages = 0
    for _ in range(repeats):
        for label, extra in (("jobs=1", ["--jobs", "1"]), ("default", [])):
            out = work / "site"
            shutil.rmtree(out, ignore_errors=True)
            elapsed, peak = timed([sys.executable, "-m", "generator", "build", str(hub), "--out",
                                   str(out), "--now", NOW, "--no-link-check", *extra])
            runs[label].append(elapsed)
            pages = sum(1 for _ in out.rglob("*.html"))
    serial, parallel = (statistics.median(runs[k]) for k in ("jobs=1", "default"))
    print(f"{n} stories, {pages} HTML files, {repeats} runs each")  # noqa: T201
    for label, values in runs.items():
        print(f"  {label:8} median {statistics.median(values):6.2f} s  "  # noqa: T201
              f"runs {', '.join(f'{v:.2f}' for v in values)}  "
              f"{pages / statistics.median(values):6.0f} pages/s")
    print(f"  default/jobs=1 ratio {parallel / serial:.2f}; peak RSS {peak / 1024:.0f} MB")  # noqa: T201
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000,
         int(sys.argv[2]) if len(sys.argv) > 2 else 3)
