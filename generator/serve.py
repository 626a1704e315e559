"""`foyer serve`: build in memory, serve on loopback, rebuild on every save, reload open pages.

The reload channel is a small Server-Sent Events stream of our own (livereload ignores changes
within 3 s of the last reload and polls): one reload per successful rebuild, and an error page
listing the problems exactly as `foyer check` prints them while the hub is broken.
"""

from __future__ import annotations

import datetime as dt
import html
import http.server
import logging
import mimetypes
import posixpath
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from generator.build import Memo, load, patch, render
from generator.problems import Problem
from generator.read.discover import ReadMemo, is_temporary

log = logging.getLogger(__name__)
# The events of one save (truncate, write, close; or write aside, rename) come within a few ms.
DEBOUNCE = 0.025
# What a save does. Opened/closed-without-writing events come from reads, foyer's own included:
# reacting to them would rebuild again after every rebuild.
CHANGES = frozenset({"created", "deleted", "moved", "modified", "closed"})
TYPES = {".xml": "application/xml", ".json": "application/json", ".ics": "text/calendar",
         ".webmanifest": "application/manifest+json", ".svg": "image/svg+xml",
         ".css": "text/css", ".js": "text/javascript", ".wasm": "application/wasm",
         ".html": "text/html", ".txt": "text/plain"}
SPECIAL = {"feed.xml": "application/rss+xml", "atom.xml": "application/atom+xml",
           "feed.json": "application/feed+json"}
RELOAD_JS = b"""(function () {
  var epoch = null;
  var source = new EventSource("/__foyer/events");
  source.onmessage = function (event) {
    if (epoch === null) { epoch = event.data; return; }
    if (event.data !== epoch) { window.location.reload(); }
  };
})();
"""


class Site:
    """The latest build, in memory, swapped whole after each rebuild."""

    def __init__(self, root: Path, *, now: dt.datetime | None, drafts: bool, future: bool):
        self.root = root
        self.now = now
        self.drafts = drafts
        self.future = future
        self.lock = threading.Condition()
        self.files: dict[str, bytes] = {}
        self.static: list[tuple[Path, str]] = []  # (folder, site prefix), least specific first
        self.base_path = "/"
        self.problems: list[Problem] = []
        self.epoch = 0
        self.memo = Memo(read=ReadMemo(trust_stat=True))
        self.last_rendered = 0  # outputs rendered (not reused) by the last rebuild
        self.last_ms = 0.0
        self.loaded: tuple[Any, list[Problem]] | None = None  # the last hub with its problems
        self.last_patched = False  # the last rebuild patched the hub (see build.patch)

    def clock(self) -> dt.datetime | None:
        """--now, else the clock to the minute: rebuilds within a minute agree on dates."""
        if self.now is not None:
            return self.now
        from generator.clock import resolve_now

        return resolve_now(None, "UTC").replace(second=0, microsecond=0)

    def rebuild(self, dirty: set[str] | None = None) -> list[Problem]:
        """Build again, reusing what the change did not touch: only changed files are read and
        validated again, only changed bodies rendered, only outputs whose inputs changed.
        `dirty`: the files changed since the last rebuild, when the watcher knows them."""
        started = time.perf_counter()
        memo = self.memo
        with self.lock:
            first = self.epoch == 0
            memo.read.dirty = dirty if self.files else None
        now = self.clock()
        found = None
        if dirty is not None and self.loaded is not None and not first:
            found = patch(self.root, *self.loaded, dirty, now=now, memo=memo)  # type: ignore[arg-type]
        self.last_patched = found is not None
        hub, problems = found if found is not None else load(
            self.root, now=now, drafts=self.drafts, future=self.future, memo=memo)
        self.loaded = (hub, list(problems)) if hub is not None else None
        files: dict[str, bytes] = {}
        static: list[tuple[Path, str]] = []
        record = None
        if hub is not None and not problems.errors:
            # the first build runs before any thread starts and may fork workers; later ones run
            # beside the server's threads, where forking is unsafe
            rendered = render(hub, link_check=False, jobs=None if first else 1,
                              previous=memo.record,
                              have=self.files.__contains__, bodies_memo=memo.bodies,
                              themes=memo.themes)
            problems.extend(rendered.problems)
            old = self.files
            fresh = [o for o in rendered.outputs if not o.reused]
            if len(rendered.outputs) == len(old) and all(o.path in old for o in fresh):
                files = dict(old)  # the same paths (reused ones are in `old` by definition)
                files.update((o.path, o.data) for o in fresh)
            else:
                files = {o.path: old[o.path] if o.reused else o.data for o in rendered.outputs}
            record = rendered.record
            self.last_rendered = len(fresh)
            static = [*((s, "theme/") for s in rendered.theme.static_sources()),
                      (self.root / "static", "")]
            self.base_path = hub.config.base_path
        errors = [p for p in problems.sorted() if p.is_error]
        with self.lock:
            if not errors:
                self.files, self.static = files, static
                memo.record = record
            self.problems = errors
            self.epoch += 1
            self.lock.notify_all()
        self.last_ms = (time.perf_counter() - started) * 1000
        log.info("rebuilt in %.0f ms", self.last_ms)
        return errors

    def find(self, path: str) -> tuple[bytes, str] | None:
        """Bytes and content type of a site path, or None. Never leaves the site."""
        parts = [p for p in unquote(path).split("/") if p not in ("", ".")]
        if ".." in parts or any("\\" in p or "\x00" in p for p in parts):
            return None
        rel = "/".join(parts)
        base = self.base_path.strip("/")
        if base:
            if not (rel == base or rel.startswith(base + "/")):
                return None
            rel = rel[len(base):].lstrip("/")
        candidates = [rel, posixpath.join(rel, "index.html")] if rel else ["index.html"]
        with self.lock:
            for name in candidates:
                if name in self.files:
                    return self.files[name], _type(name)
            for folder, prefix in reversed(self.static):
                if prefix and not rel.startswith(prefix):
                    continue
                target = (folder / rel[len(prefix):]).resolve()
                if target.is_file() and target.is_relative_to(folder.resolve()):
                    return target.read_bytes(), _type(rel)
        return None


def _type(name: str) -> str:
    leaf = name.rsplit("/", 1)[-1]
    if leaf in SPECIAL:
        return SPECIAL[leaf]
    suffix = Path(leaf).suffix
    kind = TYPES.get(suffix) or mimetypes.guess_type(leaf)[0] or "application/octet-stream"
    return kind + ("; charset=utf-8" if kind.startswith("text/") or kind.endswith(
        ("json", "xml", "javascript")) else "")


def error_page(problems: list[Problem]) -> bytes:
    items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>foyer: '
            f"{len(problems)} problem(s)</title></head><body style=\"font-family:system-ui;"
            f'margin:2rem;max-width:60rem\"><h1>The hub has {len(problems)} problem(s)</h1>'
            f"<p>Fix them and save: this page reloads by itself.</p><ul>{items}</ul>"
            f'<script src="/__foyer/reload.js"></script></body></html>').encode()


def make_handler(site: Site) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_HEAD(self) -> None:  # noqa: N802
            self.do_GET()

        def do_GET(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path
            if path == "/__foyer/reload.js":
                return self._send(200, RELOAD_JS, "text/javascript; charset=utf-8")
            if path == "/__foyer/events":
                return self._events()
            if site.problems and (path.endswith("/") or path.endswith(".html")):
                return self._send(500, error_page(site.problems), "text/html; charset=utf-8")
            found = site.find(path)
            if found is None:
                missing = site.find("/404.html")
                body = missing[0] if missing else b"not found"
                return self._send(404, _inject(body), "text/html; charset=utf-8")
            body, kind = found
            if kind.startswith("text/html"):
                body = _inject(body)
            self._send(200, body, kind)

        def _events(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            seen = -1
            try:
                while True:
                    with site.lock:
                        if site.epoch == seen:
                            site.lock.wait(timeout=15)
                        current = site.epoch
                    if current != seen:
                        self.wfile.write(f"data: {current}\n\n".encode())
                    else:
                        self.wfile.write(b": keep-alive\n\n")
                    self.wfile.flush()
                    seen = current
            except (BrokenPipeError, ConnectionResetError, OSError):
                return

    return Handler


def _inject(body: bytes) -> bytes:
    tag = b'<script src="/__foyer/reload.js"></script>'
    index = body.rfind(b"</body>")
    return body[:index] + tag + body[index:] if index != -1 else body + tag


class Watcher:
    """Debounced watchdog: one rebuild per burst of saves, editor temp files ignored."""

    def __init__(self, site: Site, on_rebuild):  # type: ignore[no-untyped-def]
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        self.site = site
        self.on_rebuild = on_rebuild
        self.timer: threading.Timer | None = None
        self.lock = threading.Lock()
        self.dirty: set[str] | None = set()  # changed since the last rebuild (None: unknown)
        watcher = self

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:  # type: ignore[no-untyped-def]
                if event.event_type not in CHANGES:
                    return  # opening or reading a file (foyer's own reads among them)
                if event.is_directory and event.event_type in ("modified", "closed"):
                    return  # its entries changed: their own events say which
                paths = [Path(str(p)) for p in (getattr(event, "src_path", ""),
                                                getattr(event, "dest_path", "")) if p]
                relevant = [p for p in paths if watcher.relevant(p)]
                if relevant:
                    watcher.schedule(None if event.is_directory else relevant)

        self.observer = Observer()
        self.observer.schedule(Handler(), str(site.root), recursive=True)

    def relevant(self, path: Path) -> bool:
        try:
            rel = path.resolve().relative_to(self.site.root.resolve())
        except ValueError:
            return False
        if is_temporary(path.name) or path.name.startswith("."):
            return False
        top = rel.parts[0] if rel.parts else ""
        return top in ("content", "static", "themes") or rel.as_posix() == "hub.yaml"

    def schedule(self, paths: list[Path] | None) -> None:
        """Rebuild once the burst of events is over; `paths` changed (None: unknown, e.g. a
        folder moved, so that the next read checks every file)."""
        root = self.site.root.resolve()
        with self.lock:
            if paths is None or self.dirty is None:
                self.dirty = None
            else:
                self.dirty |= {p.resolve().relative_to(root).as_posix() for p in paths}
            if self.timer is not None:
                self.timer.cancel()
            self.timer = threading.Timer(DEBOUNCE, self.fire)
            self.timer.daemon = True
            self.timer.start()

    def fire(self) -> None:
        with self.lock:
            dirty, self.dirty = self.dirty, set()
        self.on_rebuild(self.site.rebuild(dirty=dirty))

    def start(self) -> None:
        self.observer.start()

    def stop(self) -> None:
        self.observer.stop()
        self.observer.join(timeout=1)
