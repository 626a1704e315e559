"""The benchmark: the same generated hub built cold by foyer, Hugo, Eleventy and Pelican in one run,
repeated with the tools alternating; then foyer warm (nothing changed) and after one story edit;
optionally foyer at a larger scale. Prints every run, medians, foyer/peer ratios, pages/s and the
peak memory of each build's largest process.

    python bench/run.py                       # 10,000 stories, 3 rounds, all peers (make bench)
    python bench/run.py --stories 1000 --repeats 1 --peers none
    python bench/run.py --scale 50000         # and foyer cold/warm at 50,000 stories
    python bench/run.py --hub ../shared/corpora/twir --peers none   # a real hub, foyer only

Peers are installed on first use into bench/.venv and bench/node_modules (bench/peers.py).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import peers  # noqa: E402
from generate import generate  # noqa: E402

NOW = "2026-11-24T12:00:00+01:00"
FOYER = [sys.executable, "-m", "generator", "build"]


class Run(NamedTuple):
    seconds: float  # wall clock
    peak: float  # MB: the largest process's maximum RSS
    cpu: float  # seconds of CPU, user and kernel, of the build and the processes it waited for


def timed(command: list[str], cwd: Path | None = None) -> Run:
    """One build in a process of its own."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"{command[0]} … failed ({process.returncode}):\n"
                         f"{errors.decode(errors='replace')[-2000:]}")
    return Run(elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


_RUNS = itertools.count(1)


def fresh(work: Path, label: str) -> Path:
    """A folder no build has used, for one timed build. Outputs are not removed between builds
    (only with the work folder, once every build is timed): on this machine's file system (ext4
    without a journal), creating files within minutes of deleting many scans past every
    recently deleted inode (find_inode_bit → recently_deleted): a build after the removal of the
    previous one's 30,000 files and folders spent up to 12 s more in the kernel, depending on
    what any tool had removed in the minutes before."""
    (work / "runs").mkdir(exist_ok=True)
    return work / "runs" / f"{label}-{next(_RUNS)}"


def foyer_command(hub: Path, out: Path, *extra: str) -> list[str]:
    return [*FOYER, str(hub), "--out", str(out), "--now", NOW, "--no-link-check", *extra]


def html_files(out: Path) -> int:
    return sum(1 for p in out.rglob("*.html") if "pagefind" not in p.parts)


def line(label: str, runs: list[Run], pages: int) -> str:
    times = [r.seconds for r in runs]
    median = statistics.median(times)
    return (f"  {label:22} median {median:7.2f} s   runs {', '.join(f'{t:.2f}' for t in times):24}"
            f" {pages / median:7.0f} pages/s   peak {max(r.peak for r in runs):5.0f} MB"
            f"   CPU {statistics.median(r.cpu for r in runs):6.2f} s")


def cold_round(hub: Path, work: Path, tools: list[str], projects: dict[str, Path],
               results: dict[str, list[Run]], outs: dict[str, Path]) -> None:
    for tool in tools:
        out = outs[tool] = fresh(work, tool)
        shutil.rmtree(hub / ".foyer-cache", ignore_errors=True)
        if tool == "foyer":
            results[tool].append(timed(foyer_command(hub, out, "--no-cache")))
        else:
            results[tool].append(timed(peers.command(tool, projects[tool], out)))


def warm_runs(hub: Path, out: Path, repeats: int) -> dict[str, list[Run]]:
    """Builds with the cache into `out` (a fresh folder): nothing changed, then one story
    edited each time."""
    shutil.rmtree(hub / ".foyer-cache", ignore_errors=True)
    timed(foyer_command(hub, out))  # fills the cache
    runs: dict[str, list[Run]] = {"warm, nothing changed": [],
                                                  "warm, one story edited": []}
    pieces = sorted((hub / "content/stories").glob("*.md")) \
        or sorted((hub / "content/newsletters").glob("*.md"))  # twir has issues only
    story = pieces[len(pieces) // 2]
    original = story.read_text("utf-8")
    for index in range(repeats):
        runs["warm, nothing changed"].append(timed(foyer_command(hub, out)))
        story.write_text(original + f"\nOne more line, {index}.\n", "utf-8")
        runs["warm, one story edited"].append(timed(foyer_command(hub, out)))
    story.write_text(original, "utf-8")
    return runs


def report(title: str, results: dict[str, list[Run]], pages: dict[str, int]
           ) -> dict[str, float]:
    print(title)  # noqa: T201
    medians = {}
    for label, runs in results.items():
        medians[label] = statistics.median(r.seconds for r in runs)
        print(line(label, runs, pages.get(label, pages.get("foyer", 0))))  # noqa: T201
    return medians


def bench_generated(n: int, repeats: int, tools: list[str], work: Path) -> dict[str, float]:
    hub = work / f"hub-{n}"
    generate(n, hub)
    projects = {tool: peers.prepare(tool, hub, work) for tool in tools if tool != "foyer"}
    results: dict[str, list[Run]] = {tool: [] for tool in tools}
    outs: dict[str, Path] = {}  # each tool's last output
    for _ in range(repeats):
        cold_round(hub, work, tools, projects, results, outs)
    pages = {tool: html_files(outs[tool]) for tool in tools}
    medians = report(f"{n} stories, cold builds, {repeats} rounds (tools alternating); HTML "
                     "files: " + ", ".join(f"{t} {p}" for t, p in pages.items()),
                     results, pages)
    if "foyer" in medians:
        for tool in tools:
            if tool != "foyer":
                print(f"  foyer/{tool} = {medians['foyer'] / medians[tool]:.2f}")  # noqa: T201
        warm = warm_runs(hub, fresh(work, "foyer-warm"), repeats)
        medians.update(report(f"{n} stories, foyer with its cache", warm,
                              {"foyer": pages["foyer"]}))
    return medians


def bench_hub(hub: Path, repeats: int, work: Path) -> None:
    copy = work / "hub"
    shutil.copytree(hub, copy, ignore=shutil.ignore_patterns(".foyer-cache", "site"))
    cold = []
    for _ in range(repeats):
        out = fresh(work, "foyer")
        cold.append(timed(foyer_command(copy, out, "--no-cache")))
    pages = html_files(out)
    results = {"cold": cold, **warm_runs(copy, fresh(work, "foyer-warm"), repeats)}
    report(f"{hub}: {pages} HTML files", results, dict.fromkeys(results, pages))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--peers", default=",".join(peers.TOOLS),
                        help="comma-separated, or 'none'")
    parser.add_argument("--scale", type=int, default=0,
                        help="also build foyer alone at this many stories (scaling)")
    parser.add_argument("--hub", type=Path, help="bench this hub instead (foyer only)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="foyer-bench-"))
    print(f"foyer bench on {os.cpu_count()} cores, "  # noqa: T201
          f"Python {sys.version.split()[0]}; work in {work}")
    try:
        if args.hub:
            bench_hub(args.hub.resolve(), args.repeats, work)
            return
        tools = ["foyer"] + ([] if args.peers == "none" else args.peers.split(","))
        if len(tools) > 1:
            versions = peers.setup()
            print("peers: " + ", ".join(f"{k} {v}" for k, v in versions.items()))  # noqa: T201
        first = bench_generated(args.stories, args.repeats, tools, work)
        if args.scale:
            scaled = bench_generated(args.scale, max(1, args.repeats - 2), ["foyer"], work)
            per_small = first["foyer"] / args.stories
            per_large = scaled["foyer"] / args.scale
            print(f"scaling: {per_large * 1000:.2f} ms per story at {args.scale} vs "  # noqa: T201
                  f"{per_small * 1000:.2f} ms at {args.stories}: ×{per_large / per_small:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
