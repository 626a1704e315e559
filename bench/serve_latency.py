"""From saving one story to the reload signal, as a browser sees it: `foyer serve` runs as its own
process, a client listens on its Server-Sent Events stream, and each round writes one story file
(an edit of its body) and times until the next `data:` event. Prints the median, the 90th
percentile and every run.

    python bench/serve_latency.py example 30        # the example hub (a copy of it)
    python bench/serve_latency.py 10000 30          # a generated hub of 10,000 stories
"""

from __future__ import annotations

import http.client
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate import generate  # noqa: E402

NOW = "2026-11-24T12:00:00+01:00"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(which: str, work: Path) -> tuple[Path, Path]:
    hub = work / "hub"
    if which == "example":
        hub.mkdir()
        shutil.copy2(HERE.parent / "hub.yaml", hub / "hub.yaml")
        for folder in ("content", "static"):
            shutil.copytree(HERE.parent / folder, hub / folder)
        story = hub / "content/stories/2026-05-16-les-tests-pour-les-humains.md"
    else:
        generate(int(which), hub)
        story = hub / "content/stories/s7.md"
    return hub, story


def events(port: int) -> tuple[http.client.HTTPConnection, http.client.HTTPResponse]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request("GET", "/__foyer/events")
    response = connection.getresponse()
    return connection, response


def next_event(response: http.client.HTTPResponse) -> str:
    while True:
        line = response.fp.readline().decode()
        if line.startswith("data:"):
            return line[5:].strip()


def main(which: str, rounds: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="foyer-serve-bench-"))
    hub, story = prepare(which, work)
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(hub), "--port",
                               str(port), "--now", NOW], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(6000):
            try:
                connection, response = events(port)
                break
            except OSError:
                time.sleep(0.1)
        first = next_event(response)
        ready = time.perf_counter() - started
        print(f"{which}: first build and serve ready in {ready:.1f} s")  # noqa: T201
        original = story.read_text("utf-8")
        timings = []
        for index in range(rounds):
            time.sleep(0.3)  # a writer pauses between saves
            text = original + f"\nUne modification, numéro {index}.\n"
            sent = time.perf_counter()
            story.write_text(text, "utf-8")
            next_event(response)
            timings.append((time.perf_counter() - sent) * 1000)
        connection.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    timings.sort()
    p90 = timings[int(0.9 * (len(timings) - 1))]
    print(f"{which}: save → reload signal over {rounds} saves: median "  # noqa: T201
          f"{statistics.median(timings):.0f} ms, p90 {p90:.0f} ms, "
          f"min {timings[0]:.0f} ms, max {timings[-1]:.0f} ms")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "example",
         int(sys.argv[2]) if len(sys.argv) > 2 else 30)
