"""The pipeline, top to bottom: read → validate → Hub → render → write."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import multiprocessing as mp
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator import search_index
from generator.config import load_config
from generator.model import contributions, give_first, routes
from generator.model.hub import Hub, load_hub
from generator.problems import BuildFailed, Problem, Problems
from generator.read import discover
from generator.read.discover import ReadMemo, read_content
from generator.read.git import git_state, read_history
from generator.render import feedcheck, linkcheck, markdown, reuse, sanitize, shards, urls
from generator.render.outputs import Output, Site, registry
from generator.render.templates import Theme, theme_exists, theme_folders
from generator.write import (
    SiteWriter,
    Spare,
    WriteError,
    check_target,
    files_in,
    link_tree,
)


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pieces: int
    pages: int
    files: int
    seconds: float
    problems: list[Problem]
    rendered: int = 0  # outputs rendered (the others reused from the previous site)


@dataclass
class Memo:
    """What one build keeps for the next, stage by stage (see generator/cache.py for the copy kept
    on disk): files read, pieces validated, bodies rendered, the record of outputs."""

    read: ReadMemo = field(default_factory=ReadMemo)
    validated: dict[Any, Any] = field(default_factory=dict)
    bodies: BodyMemo = field(default_factory=lambda: BodyMemo())
    record: reuse.Record | None = None
    history: tuple[Any, Any] | None = None  # (signature of .git, (history, problems))
    themes: dict[str, Theme] = field(default_factory=dict)  # by settings digest, in one process


def load(root: Path, *, now: dt.datetime | None, drafts: bool = False,
         future: bool = False, require_git: bool = False,
         memo: Memo | None = None) -> tuple[Hub | None, Problems]:
    """Read and validate a hub. `now` None means: the clock from the environment."""
    with _collector_paused():
        return _load(root, now=now, drafts=drafts, future=future, require_git=require_git,
                     memo=memo)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a hub is read: reading makes some 200,000
    objects (at 10,000 stories) that all live on and no cycles, and each collection meanwhile
    only walks them again (three full ones at 10,000 stories, a fifth of the load's time).
    Reference counting frees what it always freed; the collector is back as it was after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _load(root: Path, *, now: dt.datetime | None, drafts: bool, future: bool,
          require_git: bool, memo: Memo | None) -> tuple[Hub | None, Problems]:
    from generator.clock import resolve_now

    problems = Problems()
    config = load_config(root, problems)
    if config is None:
        return None, problems
    if not theme_exists(config):
        problems.error("hub.yaml", 0, f"unknown theme '{config.theme}'",
                       f"create themes/{config.theme}/ or use theme: default")
    when = now if now is not None else resolve_now(None, config.timezone)
    sources = read_content(root, memo.read if memo else None)
    hub, hub_problems = load_hub(config, sources, now=when, drafts=drafts, future=future,
                                 memo=memo.validated if memo else None)
    problems.extend(hub_problems)
    valid = not problems.errors
    history, git_problems = _history(root, memo)
    if require_git and git_problems:
        git_problems = [Problem(p.path, p.line, p.message, p.hint) for p in git_problems]
    problems.extend(git_problems)
    hub = replace(hub, contributions=contributions.compute(hub, history))
    if valid:
        problems.extend(give_first.check(hub))
    return hub, problems


def patch(root: Path, hub: Hub, problems: list[Problem], dirty: set[str], *,
          now: dt.datetime, memo: Memo) -> tuple[Hub, Problems] | None:
    """What `load` would give after the edits the watcher names (`dirty`, files relative to
    `root`), when they only change content fields of existing pieces and keep their front
    matter's lines (model/structure.py): those files alone are read and validated again, and
    swapped into the last hub, `hub` with its `problems`, instead of indexing everything again.
    None for any other change: `load` then."""
    from zoneinfo import ZoneInfo

    from generator.model import fields, publishing
    from generator.model.hub import validate_source, validation_settings
    from generator.model.structure import same_places
    from generator.read.discover import read_one

    if now != hub.now or any(p.is_error for p in problems) or memo.history is None \
            or git_state(root) != memo.history[0]:
        return None
    config = hub.config
    env = fields.Env(ZoneInfo(config.timezone), frozenset(hub.static_files))
    settings = validation_settings(config, hub.static_files)
    pairs: list[tuple[Any, Any]] = []
    validated: dict[Any, Any] = {}
    for rel in sorted(dirty):
        old = hub.by_source.get(rel)
        before = memo.read.stats.get(rel)
        if old is None or before is None or (rel, before[1], settings) not in memo.validated:
            return None
        read = read_one(root, rel, memo.read)
        if read is None:
            return None
        digest, source = read
        if digest == before[1]:
            continue  # saved as it was
        piece, seen = found = validate_source(source, config, env)
        if piece is None or any(p.is_error for p in seen):
            return None
        piece = publishing.with_state(piece, now)
        if not same_places(old, piece):
            return None
        pairs.append((old, piece))
        validated[(rel, before[1], settings)] = None
        validated[(rel, digest, settings)] = found
    if not pairs:
        unchanged = Problems()
        unchanged.extend(problems)
        return hub, unchanged
    patched = hub.swapped(pairs)
    gone = [p for key in validated if validated[key] is None for p in memo.validated[key][1]]
    came = [p for found in validated.values() if found is not None for p in found[1]]
    if not give_first.carry(hub, patched, pairs):
        gone += give_first.check(hub)
        came += give_first.check(patched)
    for key, found in validated.items():
        if found is None:
            del memo.validated[key]
        else:
            memo.validated[key] = found
    kept = Counter(gone)
    result = Problems()
    for problem in problems:
        if kept[problem] > 0:
            kept[problem] -= 1
        else:
            result.extend([problem])
    result.extend(came)
    return patched, result


def _history(root: Path, memo: Memo | None) -> tuple[Any, list[Problem]]:
    """git history, read again only when the repository's HEAD or index moved."""
    if memo is None:
        return read_history(root)
    signature = git_state(root)
    if memo.history is None or memo.history[0] != signature:
        memo.history = (signature, read_history(root))
    return memo.history[1]


PARALLEL_MIN_PIECES = 200  # below this, starting worker processes costs more than it saves


def _processes(jobs: int | None, items: int) -> int:
    """How many processes render `items` things: all cores (at most 8) for enough of them,
    where processes can be forked; else 1."""
    workers = min(jobs or os.cpu_count() or 1, 8)
    return workers if items >= PARALLEL_MIN_PIECES and shards.available() else 1


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """The objects alive now kept out of the cyclic garbage collector until the context ends;
    inside it, `gc.freeze()` keeps what was made since too. A build freezes its cache once
    unpickled and its hub once read: they live as long as the build, and each full collection
    walked them again (some 2 million objects from the cache at 10,000 stories). Processes
    forked from this one then leave them alone as well (a collection in a fork would also write
    to every page that holds them, copying it). Still freed by reference counting; given back
    to the collector afterwards, unless something else froze objects first (`foyer serve`
    keeps its hub frozen)."""
    already = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not already:
            gc.unfreeze()


# The share of the outputs the main process renders in a parallel render, besides every page
# that lists pieces as cards, for folders beyond what the walk claims as it goes
# (render/shards.py, Claims): it also digests, checks and writes every output
MAIN_SHARE = 0.3


class _Tracking(Mapping[str, str]):
    """The content-file → URL map, noting every look-up: a body's HTML depends on those only.
    A view of the build's map, not a copy of it (a copy per body made bodies O(pieces²))."""

    __slots__ = ("links", "used")

    def __init__(self, links: Mapping[str, str]):
        self.links = links
        self.used: dict[str, str | None] = {}

    def get(self, key: str, default: Any = None) -> Any:
        value = self.links.get(key, default)
        self.used[key] = value
        return value

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self.links)

    def __len__(self) -> int:
        return len(self.links)


BodyJob = tuple[str, str, int]  # body, source, body line
UsedLinks = tuple[tuple[str, str | None], ...]  # (content file, its URL or None) a body looked up


@dataclass
class BodyMemo:
    """Rendered bodies kept between builds: by what they were rendered from, with the links
    they looked up (valid while those resolve the same); and, within one process, by the piece
    object they belong to, valid while the link map is the same, and the last build's result."""

    bodies: dict[tuple[Any, ...], tuple[markdown.Body, UsedLinks]] = field(default_factory=dict)
    links: dict[str, str] = field(default_factory=dict)
    objects: dict[int, tuple[Any, markdown.Body]] = field(default_factory=dict)
    last: _LastBodies | None = None

    def __getstate__(self) -> dict[str, Any]:
        # ids mean nothing in another process (`last` holds objects, pickled with the rest)
        return {**self.__dict__, "objects": {}}


@dataclass
class _LastBodies:
    """The last call's pieces and result: the next call looks only at the pieces that are not
    the very same objects, when every piece keeps its file and URL (the link map is the same)."""

    settings: tuple[Any, ...]  # base path, embeds, hidden files
    pieces: tuple[Any, ...]
    bodies: dict[str, markdown.Body]
    problems: dict[int, list[Problem]]  # by position in `pieces`, when there are any


def _body_key(body: str, source: str, line: int, base_path: str,
              embeds: tuple[str, ...] | None) -> tuple[Any, ...]:
    """What a body's HTML is rendered from, besides the links it looks up: its key in
    BodyMemo.bodies."""
    return (body, source, line, base_path, embeds)


def _render_one(body: str, source: str, line: int, links: Mapping[str, str], base_path: str,
                embeds: tuple[str, ...] | None) -> tuple[markdown.Body, UsedLinks]:
    """One body's HTML, with the content files it looked up in `links` and what they gave."""
    tracking = _Tracking(links)
    rendered = markdown.render(body, source=source, body_line=line, links=tracking,
                               base_path=base_path, embeds=embeds)
    return rendered, tuple(sorted(tracking.used.items()))


def _render_chunk(job: tuple[list[BodyJob], dict[str, str], str, tuple[str, ...] | None]
                  ) -> list[tuple[markdown.Body, UsedLinks]]:
    items, links, base_path, embeds = job
    return [_render_one(body, source, line, links, base_path, embeds)
            for body, source, line in items]


def _embeds(config: Any) -> tuple[str, ...] | None:
    """The embeds the sanitiser lets through bodies; None when the hub trusts its HTML."""
    return None if config.html_trusted else (config.embeds or sanitize.DEFAULT_EMBEDS)


def render_bodies(hub: Hub, *, jobs: int | None = None, memo: BodyMemo | None = None
                  ) -> tuple[dict[str, markdown.Body], list[Problem]]:
    """Every piece's Markdown → HTML; over several processes for large hubs. The result is the
    same, in the same order, whatever `jobs` is. `memo` (kept by the caller between builds)
    holds each body with the links it looked up: it is reused while those resolve the same."""
    config = hub.config
    embeds = _embeds(config)
    memo = memo if memo is not None else BodyMemo()
    pieces = hub.pieces
    hidden = {p.source for p in hub.hidden}
    settings = (config.base_path, embeds, frozenset(hidden))
    last = memo.last
    if last is not None and last.settings == settings and len(last.pieces) == len(pieces):
        changed = [i for i, (a, b) in enumerate(zip(last.pieces, pieces, strict=True))
                   if a is not b]
        if all(last.pieces[i].source == pieces[i].source and last.pieces[i].url == pieces[i].url
               for i in changed):
            return _render_changed(hub, memo, last, changed, pieces, embeds, hidden)
    links = {p.source: p.url for p in pieces}
    # the same links as last time: a piece that is the very object it was is not looked at again
    by_object = memo.objects if memo.links == links else {}
    keys = [_body_key(p.body, p.source, p.body_line, config.base_path, embeds) for p in pieces]
    found: dict[int, markdown.Body] = {}
    todo: list[int] = []
    for index, piece in enumerate(pieces):
        known = by_object.get(id(piece))
        if known is not None and known[0] is piece:
            found[index] = known[1]
            continue
        cached = memo.bodies.get(keys[index])
        if cached is not None and all(links.get(t) == url for t, url in cached[1]):
            found[index] = cached[0]
        else:
            todo.append(index)
    items = [(pieces[i].body, pieces[i].source, pieces[i].body_line) for i in todo]
    workers = _processes(jobs, len(items))
    if workers > 1:
        size = -(-len(items) // (workers * 4))
        chunks = [(items[i:i + size], links, config.base_path, embeds)
                  for i in range(0, len(items), size)]
        with _frozen(), ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            rendered = [body for chunk in pool.map(_render_chunk, chunks) for body in chunk]
    else:
        rendered = _render_chunk((items, links, config.base_path, embeds))
    fresh = {keys[i]: memo.bodies[keys[i]] for i in found if keys[i] in memo.bodies}
    for index, (body, used) in zip(todo, rendered, strict=True):
        found[index] = body
        fresh[keys[index]] = (body, used)
    memo.bodies = fresh
    memo.links = links
    memo.objects = {id(p): (p, found[i]) for i, p in enumerate(pieces)}
    bodies: dict[str, markdown.Body] = {}
    by_index: dict[int, list[Problem]] = {}
    for index, piece in enumerate(pieces):
        body = found[index]
        if body.problems:
            by_index[index] = [p for p in body.problems if not any(h in p.message for h in hidden)]
        bodies[piece.key] = body
    memo.last = _LastBodies(settings, pieces, bodies, by_index)
    return bodies, [p for i in sorted(by_index) for p in by_index[i]]


class BodiesAhead:
    """Bodies rendered in a forked process while this one reads and validates the hub (one
    core does that, the others wait): each content file's body, read on its own, rendered
    with the links its file name most likely gives (routes.piece_path of its section and
    slug). They go into the body memo with the links they looked up, so render_bodies takes
    one only where the hub has that very body, file and line, and those links resolve the
    same (a hidden piece, a file the hub refuses: rendered again there). What is not done
    when the hub is read is rendered as before. One pipe carries everything: this process
    asks for the bodies through it (the worker stops then), and its end closing, whatever
    the cause, tells the worker that nobody will ask."""

    BATCH = 256  # bodies per message once asked

    def __init__(self, root: Path, base_path: str, embeds: tuple[str, ...] | None,
                 files: list[tuple[str, str, str]]):
        self.pipe, theirs = mp.get_context("fork").Pipe()
        self.worker = mp.get_context("fork").Process(target=_ahead, daemon=True, args=(
            root, base_path, embeds, files, theirs, self.pipe))
        self.worker.start()
        theirs.close()

    @classmethod
    def start(cls, root: Path, jobs: int | None, memo: BodyMemo) -> BodiesAhead | None:
        """Started when every body is to be rendered (no body kept from an earlier build) and
        there are enough of them for several processes; else None."""
        if memo.bodies or _processes(jobs, PARALLEL_MIN_PIECES) < 2:
            return None
        files = discover.likely_pieces(root)
        if _processes(jobs, len(files)) < 2:
            return None
        config = load_config(root, Problems())
        if config is None:
            return None
        return cls(root, config.base_path, _embeds(config), files)

    def into(self, memo: BodyMemo) -> int:
        """Stop the worker, and put what it rendered into `memo`; how many bodies."""
        count = 0
        try:
            self.pipe.send(None)
            while (batch := self.pipe.recv()) is not None:
                for key, body, used in batch:
                    memo.bodies[key] = (body, used)
                    count += 1
        except (EOFError, OSError):
            pass  # the worker is gone: what it sent stands, the rest is rendered as before
        finally:
            self.close()
        return count

    def close(self) -> None:
        """Let the worker go without its bodies (the build stops), or once they are taken."""
        self.pipe.close()
        self.worker.join(timeout=5)
        if self.worker.is_alive():
            self.worker.kill()
            self.worker.join()


def _ahead(root: Path, base_path: str, embeds: tuple[str, ...] | None,
           files: list[tuple[str, str, str]], pipe: Any, theirs: Any) -> None:
    theirs.close()  # the main process's end, copied by the fork: its death must close the pipe
    gc.enable()  # forked while the main process reads with the collector off; the objects
    # it had read then are frozen (_frozen): collections here leave them alone
    try:
        links = {rel: base_path + routes.piece_path(section, slug) for rel, section, slug in files}
        done = []
        for rel, _, _ in files:
            if pipe.poll():
                break  # asked for the bodies, or the build is gone
            found = discover.body_of(root, rel)
            if found is None:
                continue
            body, line = found
            try:
                rendered, used = _render_one(body, rel, line, links, base_path, embeds)
            except Exception:  # noqa: BLE001 - rendered again after the load, which says why
                continue
            done.append((_body_key(body, rel, line, base_path, embeds), rendered, used))
        pipe.recv()  # until asked; EOFError when the build is gone (it was killed, or failed)
        for start in range(0, len(done), BodiesAhead.BATCH):
            pipe.send(done[start:start + BodiesAhead.BATCH])
        pipe.send(None)
    except (OSError, EOFError):
        pass  # the main process stopped listening
    finally:
        pipe.close()
        os._exit(0)  # nothing of the parent's (atexit, temporary folders) runs here


def _render_changed(hub: Hub, memo: BodyMemo, last: _LastBodies, changed: list[int],
                    pieces: tuple[Any, ...], embeds: tuple[str, ...] | None, hidden: set[str]
                    ) -> tuple[dict[str, markdown.Body], list[Problem]]:
    """render_bodies when only the pieces at `changed` are new objects, each with the file and
    URL of the one it replaces: the link map is the same, only their bodies are looked at."""
    base_path = hub.config.base_path
    bodies = dict(last.bodies)
    by_index = dict(last.problems)
    for index in changed:
        old, piece = last.pieces[index], pieces[index]
        key = _body_key(piece.body, piece.source, piece.body_line, base_path, embeds)
        cached = memo.bodies.get(key)
        if cached is None or any(memo.links.get(t) != url for t, url in cached[1]):
            cached = _render_one(piece.body, piece.source, piece.body_line, memo.links,
                                 base_path, embeds)
        memo.bodies.pop(_body_key(old.body, old.source, old.body_line, base_path, embeds), None)
        memo.bodies[key] = cached
        memo.objects.pop(id(old), None)
        memo.objects[id(piece)] = (piece, cached[0])
        body = bodies[piece.key] = cached[0]
        by_index.pop(index, None)
        if body.problems:
            by_index[index] = [p for p in body.problems if not any(h in p.message for h in hidden)]
    memo.last = _LastBodies(last.settings, pieces, bodies, by_index)
    return bodies, [p for i in sorted(by_index) for p in by_index[i]]


def settings_digest(hub: Hub) -> str:
    """Everything every output depends on: foyer itself, hub.yaml, every file of the theme,
    static/'s list."""
    import hashlib

    from generator import __version__

    h = hashlib.blake2b(digest_size=16)
    h.update(repr((__version__, hub.config, hub.static_files)).encode())
    for folder in theme_folders(hub.config):  # templates, words and assets (pages link
        for path in sorted(folder.rglob("*")):  # them with a hash of their content)
            if path.is_file():
                h.update(path.relative_to(folder).as_posix().encode() + b"\0")
                h.update(_file_digest(path))
    return h.hexdigest()


_FILE_DIGESTS: dict[tuple[str, int, int, int], bytes] = {}


def _file_digest(path: Path) -> bytes:
    """A theme file's digest, read again only when its stat changed (every serve rebuild asks)."""
    import hashlib

    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    found = _FILE_DIGESTS.get(key)
    if found is None:
        found = _FILE_DIGESTS[key] = hashlib.blake2b(path.read_bytes()).digest()
    return found


@dataclass
class Rendered:
    outputs: list[Output]
    problems: list[Problem]
    theme: Theme
    record: reuse.Record
    links: dict[str, linkcheck.PageLinks]
    checks: linkcheck.LinkChecks | None = None


def render(hub: Hub, *, link_check: bool = True, jobs: int | None = None,
           previous: reuse.Record | None = None, have: Callable[[str], bool] | None = None,
           known_links: Callable[[str], linkcheck.PageLinks] | None = None,
           bodies_memo: BodyMemo | None = None,
           themes: dict[str, Theme] | None = None,
           sink: Callable[[Output], None] | None = None,
           checked: linkcheck.LinkChecks | None = None, record: bool = True,
           direct: Callable[[], Any] | None = None) -> Rendered:
    """Hub → outputs. With `previous` (the last build's record) and `have` (does its output of a
    path still exist?), an output whose inputs are unchanged comes back `reused`. With `sink`,
    each output is handed over as soon as it is checked, and only its path and whether it was
    reused are kept (Rendered.outputs then hold no bytes): memory stays flat on large hubs.
    Without `previous`, large hubs are rendered over all cores (render/shards.py). Without
    `record` (a build that keeps no cache) and without `previous`, outputs are not
    fingerprinted: Rendered.record is then empty. `direct` (the sink's SiteWriter.direct): in
    a parallel render, workers write their outputs into the new folder themselves; the sink
    then gets them marked `written`, without bytes."""
    settings = settings_digest(hub)
    if themes is not None and settings in themes:
        theme = themes[settings]  # its templates compiled already
    else:
        theme = Theme(hub.config)
        if themes is not None:
            themes.clear()
            themes[settings] = theme
    bodies, problems = render_bodies(hub, jobs=jobs, memo=bodies_memo)
    memo = reuse.Reuse(hub, bodies, settings, previous, have or (lambda _: False)) \
        if record or previous is not None else None
    site = Site(hub=hub, theme=theme, bodies=bodies, problems=problems, reuse=memo)
    workers = _processes(jobs, len(hub.pieces))
    parallel = None
    outputs: list[Output] = []
    links: dict[str, linkcheck.PageLinks] = {}
    feeds: dict[str, tuple[str, ...]] = {}
    held = contextlib.ExitStack()  # what a parallel render holds until the walk ends
    try:
        if previous is None and workers > 1:
            # everything is rendered: over all cores (a build with a record renders few outputs)
            plain = replace(site, reuse=None)

            def walk(shard: shards.Shard) -> None:
                worker = replace(plain, shard=shard)
                for renderer in registry():
                    for _ in renderer(worker):
                        pass
            held.enter_context(_frozen())
            parallel = shards.Shards(workers, MAIN_SHARE, walk,
                                     functools.partial(_examine, link_check=link_check),
                                     record=memo is not None,
                                     direct=direct() if direct is not None else None,
                                     folders=4 * (len(hub.pieces) + len(hub.tags)) + 1024)
            held.callback(parallel.close)
            site = replace(site, shards=parallel)
        for renderer in registry():
            for output in renderer(site):
                if output.reused:
                    if link_check and linkcheck.is_page(output.path):
                        links[output.path] = known_links(output.path) \
                            if known_links is not None else linkcheck.page_links(output.data)
                else:
                    found = parallel.examined(output.path) if parallel is not None else None
                    feed_problems, page, targets = found or _examine(output, link_check)
                    if found is not None and page is not None:
                        page = linkcheck.shared(page)  # read in a worker, sent here
                    problems.extend(feed_problems)
                    if page is not None:
                        links[output.path] = page
                    elif targets is not None:
                        feeds[output.path] = targets
                if sink is not None:
                    sink(output)
                    output = Output(output.path, b"", output.reused, output.born)
                outputs.append(output)
    finally:
        held.close()
    checks = None
    if link_check:
        extra = set(hub.static_files)
        for folder in theme.static_sources():
            extra |= {"theme/" + p.relative_to(folder).as_posix()
                      for p in folder.rglob("*") if p.is_file()}
        files = {o.path for o in outputs} | extra
        fresh = {o.path for o in outputs if not o.reused and o.path in links}
        found, checks = linkcheck.check_site(
            links, feeds, files, hub.config.base_path, urlsplit(hub.config.base_url).netloc,
            fresh=fresh, checked=checked, known=known_links, ignore_prefixes=("pagefind/",))
        problems.extend(_locate_in_sources(found, hub))
    return Rendered(outputs, site.problems, theme,
                    memo.record if memo is not None else reuse.Record(settings), links, checks)


Examined = tuple[list[Problem], "linkcheck.PageLinks | None", "tuple[str, ...] | None"]


def _examine(output: Output, link_check: bool) -> Examined:
    """What is checked on a freshly rendered output's bytes: a feed's problems, a page's links
    and anchors, a feed's link targets (the last two for the link check)."""
    page = targets = None
    if link_check and linkcheck.is_page(output.path):
        page = linkcheck.page_links(output.data)
    facts = feedcheck.taken(output.path)  # what the feed's renderer knew: the bytes stay unread
    if facts is not None:
        problems, links = facts
        return problems, page, links if link_check and linkcheck.is_xml_feed(output.path) \
            else None
    problems, tree = feedcheck.check_parsed(output)  # an XML feed is parsed once, for both
    if link_check and linkcheck.is_xml_feed(output.path):
        targets = linkcheck.feed_targets(tree if tree is not None else output.data)
    return problems, page, targets


def _still_there(out: str, record: reuse.Record | None) -> Callable[[str], bool]:
    """Is the last build's output of a path still in the site (nobody removed it)? Every
    output of the record is looked at on the first question (write.files_in), before the
    writer thread starts; reuse only asks of the record's outputs."""
    there: set[str] | None = None

    def have(path: str) -> bool:
        nonlocal there
        if there is None:
            there = files_in(out, record.entries if record is not None else ())
        return path in there
    return have


def _locate_in_sources(found: list[Problem], hub: Hub) -> list[Problem]:
    """A broken link on a piece's page is reported at the line of its source that holds it."""
    by_output = {f"site/{p.output}": p for p in hub.pieces}
    located = []
    for problem in found:
        piece = by_output.get(problem.path)
        link = problem.message.split("'")[1] if "'" in problem.message else ""
        if urlsplit(link).path.endswith(".md") and piece is not None:
            continue  # already reported as a link to a missing content file
        if piece is not None and link:
            index = piece.body.find(link)
            line = piece.body_line + piece.body[:index].count("\n") if index >= 0 else 1
            problem = Problem(piece.source, line, f"{problem.message} on {piece.url}",
                              "fix or remove the link")
        located.append(problem)
    return located


def check(root: Path, *, now: dt.datetime | None = None, link_check: bool = True,
          jobs: int | None = None) -> list[Problem]:
    """Everything `foyer build` would report, without writing anything."""
    hub, problems = load(root, now=now)
    if hub is not None and not problems.errors:
        problems.extend(render(hub, link_check=link_check, jobs=jobs, record=False).problems)
    return problems.sorted()


@_frozen()  # what a build loads lives as long as it runs (its cache, then its hub)
def build(root: Path, *, now: dt.datetime | None = None, out: Path | None = None,
          drafts: bool = False, future: bool = False, strict: bool = False,
          link_check: bool = True, require_git: bool = False,
          jobs: int | None = None, cache: bool = True, given_clock: str | None = None,
          checked: bool = False) -> BuildResult:
    """Build the hub at `root` into `out` (default: root/site). Raises BuildFailed.

    With `cache` (the default), what the last build into `out` kept in .foyer-cache/ spares
    reading, validating and rendering again what did not change, and unchanged outputs are
    hard-linked from the previous site; the result is the same bytes either way. `given_clock`:
    how `now` was given (clock.given), noted for the next build's check before it imports
    this module (cli: uptodate.quick); `checked`: that check found something changed."""
    from generator import cache as build_cache
    from generator import uptodate

    started = time.perf_counter()
    out = out if out is not None else root / "site"
    unsafe = check_target(out, root)
    options = uptodate.options(out, now.isoformat() if now is not None else None,
                               drafts=drafts, future=future, strict=strict,
                               link_check=link_check, require_git=require_git)
    # a moving clock is a change; with `checked`, the caller found one (uptodate.quick)
    if cache and unsafe is None and now is not None and not checked:
        done = uptodate.check(root, out, options, given_clock)
        if done is not None:  # the site is this build's already
            return BuildResult(out=out, pieces=done["pieces"], pages=done["pages"],
                               files=done["files"], seconds=time.perf_counter() - started,
                               problems=uptodate.problems_of(done), rendered=0)
    noting = cache and now is not None  # the note is for builds with a fixed clock
    taken = uptodate.clock(root) if noting else 0
    inputs = uptodate.snapshot(root, []) if noting else {}  # before anything is read
    with _collector_paused():  # what is read now lives for the whole build: frozen
        # (`_frozen`) before the collector runs again (a collection would walk it once more)
        saved = build_cache.load(root, out) if cache and unsafe is None else None
        gc.freeze()  # millions of objects from the cache
        memo = saved.memo if saved is not None else Memo()
        memo.read.trust_stat = True  # a file with its last stat is not read again (_signature)
        ahead = BodiesAhead.start(root, jobs, memo.bodies) if unsafe is None else None
        try:
            hub, problems = load(root, now=now, drafts=drafts, future=future,
                                 require_git=require_git, memo=memo)
        except BaseException:
            if ahead is not None:
                ahead.close()
            raise
        if ahead is not None:
            if hub is None or problems.errors or (strict and problems.warnings):
                ahead.close()  # the build stops below: its bodies are not wanted
            else:
                ahead.into(memo.bodies)
        gc.freeze()  # the hub, and the bodies the reader ahead sent
    if unsafe:
        problems.error(str(out), 0, unsafe, "pass another --out")
    if hub is None or problems.errors or (strict and problems.warnings):
        raise BuildFailed(problems.sorted())
    links = saved.links if saved is not None else {}

    def known_links(path: str) -> linkcheck.PageLinks:
        found = links.get(path)
        return found if found is not None else linkcheck.page_links((out / path).read_bytes())

    static_seen = dict(saved.static) if saved is not None else {}
    old_static = dict(static_seen)
    out_dir = str(out)
    # the site this build replaces is kept aside (when the cache knows what it holds), and the
    # next build brings it up to date instead of making every folder again
    spare = saved.spare if saved is not None and memo.record is not None else None
    keep_as = build_cache.spare_path(root, out) if cache and memo.record is not None else None
    try:
        with SiteWriter(out, spare=spare, keep_as=keep_as) as writer:  # removes its new folder
            # unless it swaps it in
            rendered = render(hub, link_check=link_check, jobs=jobs, previous=memo.record,
                              have=_still_there(out_dir, memo.record),
                              known_links=known_links, bodies_memo=memo.bodies,
                              sink=writer.add, direct=writer.direct,
                              checked=saved.checks if saved is not None and memo.record
                              is not None else None, record=cache)
            outputs, theme = rendered.outputs, rendered.theme
            # what the renderers memoised for this build (absolute-URL bodies, the feed check's
            # look at each item's content) is not needed by the steps that remain, and the
            # cache is written next: a hundred MB at 10,000 stories
            urls.forget()
            feedcheck.forget()
            problems.extend(rendered.problems)
            if problems.errors or (strict and problems.warnings):
                raise BuildFailed(problems.sorted())
            static = [(folder, "theme") for folder in theme.static_sources()]
            if (root / "static").is_dir():
                static.append((root / "static", ""))
            # with foyer's templates, the pages marked for the index are the pieces' own
            # (base.html marks a page that shows one); Pagefind reads only those then
            marked = None if theme.own_templates else [p.output for p in hub.pieces if p.output]
            finish = functools.partial(search_index.index, pages=marked) \
                if hub.config.search else None
            written = [o for o in outputs if not o.reused]
            old_index = out / search_index.SUBDIR
            same_index = not any(o.path.endswith(".html") for o in written) \
                and memo.record is not None and old_index.is_dir()
            if finish is not None and same_index:
                finish = lambda new: link_tree(old_index, new / search_index.SUBDIR)  # noqa: E731
            unchanged = None  # nothing to write: the site on disk is this build's already
            if memo.record is not None and (finish is None or same_index):
                unchanged = writer.keep(memo.record.entries, static, static_seen)
            files = unchanged if unchanged is not None else writer.finish(
                static, finish, static_seen=static_seen, owned=search_index.SUBDIR)
    except (WriteError, search_index.SearchError) as exc:
        raise BuildFailed([Problem(str(out), 0, str(exc))]) from exc
    if cache:
        kept_spare = saved.spare if saved is not None and unchanged is not None else None
        if writer.kept is not None and memo.record is not None:
            kept_spare = Spare(str(keep_as), writer.kept,
                               {p: e.born for p, e in memo.record.entries.items()}, old_static)
        changed = (saved is None or bool(written) or memo.record is None
                   or rendered.record.entries.keys() != memo.record.entries.keys()
                   or static_seen != saved.static or writer.kept is not None)
        memo.record = rendered.record
        for output in written:
            links.pop(output.path, None)  # its links are new: known only if checked now
        links.update(rendered.links)
        kept = Memo(read=memo.read, validated=memo.validated, bodies=memo.bodies,
                    record=rendered.record)
        build_cache.save(root, out, build_cache.Saved(
            kept, {p: links[p] for p in rendered.record.entries if p in links}, static_seen,
            digest=saved.digest if saved is not None else "", spare=kept_spare,
            checks=rendered.checks), changed=changed or (
                saved is not None and rendered.checks != saved.checks))
    pages = sum(1 for o in outputs if o.path.endswith(".html"))
    result = BuildResult(out=out, pieces=len(hub.pieces) + len(hub.hidden), pages=pages,
                         files=files, seconds=time.perf_counter() - started,
                         problems=problems.sorted(), rendered=len(written))
    if noting:
        folders = theme_folders(hub.config)
        uptodate.add_folders(inputs, folders)
        uptodate.record(root, out, options, inputs, taken, folders,
                        [o.path for o in outputs] + list(static_seen),
                        {"pieces": result.pieces, "pages": pages, "files": files},
                        result.problems, given_clock)
    else:
        uptodate.forget(root, out)
    return result
