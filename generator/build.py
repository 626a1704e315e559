"""The pipeline, top to bottom: read → validate → Hub → render → write."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from generator import search_index
from generator.config import load_config
from generator.model import contributions, give_first
from generator.read.git import read_history
from generator.model.hub import Hub, load_hub
from generator.problems import BuildFailed, Problem, Problems
from generator.read.discover import read_content
from generator.render import feedcheck, linkcheck, markdown, sanitize
from generator.render.outputs import Output, Site, registry
from generator.render.templates import Theme, theme_exists
from generator.write import WriteError, check_target, write_site


@dataclass(frozen=True)
class BuildResult:
    out: Path
    pieces: int
    pages: int
    files: int
    seconds: float
    problems: list[Problem]


def load(root: Path, *, now: dt.datetime | None, drafts: bool = False,
         future: bool = False, require_git: bool = False) -> tuple[Hub | None, Problems]:
    """Read and validate a hub. `now` None means: the clock from the environment."""
    from generator.clock import resolve_now

    problems = Problems()
    config = load_config(root, problems)
    if config is None:
        return None, problems
    if not theme_exists(config):
        problems.error("hub.yaml", 0, f"unknown theme '{config.theme}'",
                       f"create themes/{config.theme}/ or use theme: default")
    when = now if now is not None else resolve_now(None, config.timezone)
    sources = read_content(root)
    hub, hub_problems = load_hub(config, sources, now=when, drafts=drafts, future=future)
    problems.extend(hub_problems)
    if not problems.errors:
        problems.extend(give_first.check(hub))
    history, git_problems = read_history(root)
    if require_git and git_problems:
        git_problems = [Problem(p.path, p.line, p.message, p.hint) for p in git_problems]
    problems.extend(git_problems)
    hub = replace(hub, contributions=contributions.compute(hub, history))
    return hub, problems


PARALLEL_MIN_PIECES = 200  # below this, starting worker processes costs more than it saves


def _render_chunk(job: tuple[list[tuple[str, str, int]], dict[str, str], str,
                             tuple[str, ...] | None]) -> list[markdown.Body]:
    items, links, base_path, embeds = job
    return [markdown.render(body, source=source, body_line=line, links=links,
                            base_path=base_path, embeds=embeds) for body, source, line in items]


def render_bodies(hub: Hub, *, jobs: int | None = None
                  ) -> tuple[dict[str, markdown.Body], list[Problem]]:
    """Every piece's Markdown → HTML; over several processes for large hubs. The result is the
    same, in the same order, whatever `jobs` is."""
    links = {p.source: p.url for p in hub.pieces}
    hidden = {p.source for p in hub.hidden}
    config = hub.config
    embeds = None if config.html_trusted else (config.embeds or sanitize.DEFAULT_EMBEDS)
    pieces = list(hub.pieces)
    items = [(p.body, p.source, p.body_line) for p in pieces]
    workers = min(jobs or os.cpu_count() or 1, 8)
    if workers > 1 and len(items) >= PARALLEL_MIN_PIECES and "fork" in mp.get_all_start_methods():
        size = -(-len(items) // (workers * 4))
        chunks = [(items[i:i + size], links, config.base_path, embeds)
                  for i in range(0, len(items), size)]
        with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
            rendered = [body for chunk in pool.map(_render_chunk, chunks) for body in chunk]
    else:
        rendered = _render_chunk((items, links, config.base_path, embeds))
    bodies: dict[str, markdown.Body] = {}
    problems: list[Problem] = []
    for piece, body in zip(pieces, rendered, strict=True):
        problems.extend(p for p in body.problems if not any(h in p.message for h in hidden))
        bodies[piece.key] = body
    return bodies, problems


def render(hub: Hub, *, link_check: bool = True,
           jobs: int | None = None) -> tuple[list[Output], list[Problem], Theme]:
    theme = Theme(hub.config)
    bodies, problems = render_bodies(hub, jobs=jobs)
    site = Site(hub=hub, theme=theme, bodies=bodies, problems=problems)
    outputs: list[Output] = []
    for renderer in registry():
        outputs.extend(renderer(site))
    problems.extend(feedcheck.check_outputs(outputs))
    if link_check:
        extra = set(hub.static_files)
        for folder in theme.static_sources():
            extra |= {"theme/" + p.relative_to(folder).as_posix()
                      for p in folder.rglob("*") if p.is_file()}
        found = linkcheck.check_links(
            outputs, extra, hub.config.base_path, urlsplit(hub.config.base_url).netloc,
            ignore_prefixes=("pagefind/",))
        problems.extend(_locate_in_sources(found, hub))
    return outputs, site.problems, theme


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
        _, render_problems, _ = render(hub, link_check=link_check, jobs=jobs)
        problems.extend(render_problems)
    return problems.sorted()


def build(root: Path, *, now: dt.datetime | None = None, out: Path | None = None,
          drafts: bool = False, future: bool = False, strict: bool = False,
          link_check: bool = True, require_git: bool = False,
          jobs: int | None = None) -> BuildResult:
    """Build the hub at `root` into `out` (default: root/site). Raises BuildFailed."""
    started = time.perf_counter()
    out = out if out is not None else root / "site"
    hub, problems = load(root, now=now, drafts=drafts, future=future, require_git=require_git)
    unsafe = check_target(out, root)
    if unsafe:
        problems.error(str(out), 0, unsafe, "pass another --out")
    if hub is None or problems.errors or (strict and problems.warnings):
        raise BuildFailed(problems.sorted())
    outputs, render_problems, theme = render(hub, link_check=link_check, jobs=jobs)
    problems.extend(render_problems)
    if problems.errors or (strict and problems.warnings):
        raise BuildFailed(problems.sorted())
    static = [(folder, "theme") for folder in theme.static_sources()]
    if (root / "static").is_dir():
        static.append((root / "static", ""))
    finish = search_index.index if hub.config.search else None
    try:
        files = write_site(out, outputs, static, finish)
    except (WriteError, search_index.SearchError) as exc:
        raise BuildFailed([Problem(str(out), 0, str(exc))]) from exc
    pages = sum(1 for o in outputs if o.path.endswith(".html"))
    return BuildResult(out=out, pieces=len(hub.pieces) + len(hub.hidden), pages=pages,
                       files=files, seconds=time.perf_counter() - started,
                       problems=problems.sorted())
