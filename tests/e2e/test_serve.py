"""foyer serve in a real browser: an edit shows without a manual reload; a broken file shows
its path:line on the page; the fix brings the content back. Also: paths, types, Ctrl-C."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

pytestmark = pytest.mark.browser

STORY = "---\ntitle: Bread\ndate: 2026-01-02\nmembers: [ana]\n---\n{body}\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(make_hub):  # type: ignore[no-untyped-def]
    hub = make_hub({"content/members/ana.md": "---\nname: Ana\n---\nAna.\n",
                    "content/stories/bread.md": STORY.format(body="First version.")})
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(hub), "--port",
                                str(port), "--now", "2026-01-15T12:00+01:00"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.1)
    yield hub, base, process
    if process.poll() is None:
        process.kill()
    process.wait()


def test_edit_error_fix_in_the_browser(served, page) -> None:  # type: ignore[no-untyped-def]
    hub, base, _ = served
    story = hub / "content/stories/bread.md"
    page.goto(base + "/stories/bread/")
    assert "First version." in page.content()
    page.wait_for_timeout(300)  # let the page subscribe to reloads
    story.write_text(STORY.format(body="Second version, live."), encoding="utf-8")
    page.wait_for_function("document.body.innerText.includes('Second version, live.')",
                           timeout=10000)
    story.write_text("---\ntitle: Bread\ndate: 2026-13-45\nmembers: [ana]\n---\nx\n", "utf-8")
    page.wait_for_function("document.body.innerText.includes('content/stories/bread.md:3:')",
                           timeout=10000)
    story.write_text(STORY.format(body="Fixed again."), encoding="utf-8")
    page.wait_for_function("document.body.innerText.includes('Fixed again.')", timeout=10000)


def test_paths_types_and_ctrl_c(served) -> None:  # type: ignore[no-untyped-def]
    _, base, process = served
    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(base + path, timeout=5) as response:
                return response.status, response.headers["Content-Type"]
        except urllib.error.HTTPError as error:
            return error.code, error.headers["Content-Type"]
    assert get("/feed.xml") == (200, "application/rss+xml")
    assert get("/atom.xml") == (200, "application/atom+xml")
    assert get("/feed.json") == (200, "application/feed+json")
    assert get("/rituals.ics")[1].startswith("text/calendar")
    assert get("/theme/foyer.css")[1].startswith("text/css")
    assert get("/../hub.yaml")[0] == 404
    assert get("/%2e%2e/hub.yaml")[0] == 404
    assert get("/theme/../../hub.yaml")[0] == 404
    with socket.create_connection(("127.0.0.1", int(base.rsplit(":", 1)[1]))) as raw:
        raw.sendall(b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n")
        assert b"root:" not in raw.recv(65536)
    started = time.perf_counter()
    process.send_signal(signal.SIGINT)
    process.wait(timeout=5)
    assert time.perf_counter() - started < 5 and process.returncode == 0
