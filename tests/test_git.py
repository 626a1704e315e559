"""Contributions from git: a real repository with several authors, .mailmap, renames, a shallow
clone and a folder with no git at all."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.build import build
from generator.cli import main
from generator.problems import BuildFailed

from .conftest import PARIS, require_tool

NOW = dt.datetime(2026, 1, 20, 12, tzinfo=PARIS)


def git(repo: Path, *args: str, author: str = "", when: str = "") -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_SYSTEM": "/dev/null"}
    if author:
        name, email = re.match(r"(.*) <(.*)>", author).groups()  # type: ignore[union-attr]
        env.update(GIT_AUTHOR_NAME=name, GIT_AUTHOR_EMAIL=email, GIT_COMMITTER_NAME=name,
                   GIT_COMMITTER_EMAIL=email, GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def write(repo: Path, path: str, text: str) -> None:
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    require_tool(shutil.which("git") is not None, "git")
    repo = tmp_path / "hub"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, "hub.yaml", "title: G\nbase_url: https://g.example/\ntimezone: Europe/Paris\n"
          "repo_url: https://forge.example/org/hub\nsearch:\n  enabled: false\n")
    write(repo, ".mailmap", "Bob Martin <bob@example.org> Bobby <bob@old.example>\n")
    write(repo, "content/members/ana.md",
          "---\nname: Ana Lopez\njoined: 2026-01-05\ngit: [ana@old.example]\n---\nAna.\n")
    write(repo, "content/stories/one.md",
          "---\ntitle: One\ndate: 2026-01-05\nmembers: [ana]\n---\nFirst.\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "ana", author="Ana Lopez <ana@example.org>",
        when="2026-01-05T10:00:00+01:00")
    write(repo, "content/members/bob.md", "---\nname: Bob Martin\njoined: 2026-01-10\n---\nBob.\n")
    write(repo, "content/resources/guide.md",
          "---\ntitle: Guide\nkind: guide\nadded: 2026-01-10\ncontributed_by: [bob]\n---\nRead.\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "bob", author="Bobby <bob@old.example>",
        when="2026-01-10T09:00:00+01:00")
    write(repo, "content/stories/one.md",
          "---\ntitle: One\ndate: 2026-01-05\nmembers: [ana]\n---\nFirst, fixed.\n")
    git(repo, "commit", "-qam", "typo", author="Zed Outsider <zed@x.example>",
        when="2026-01-12T18:00:00+01:00")
    git(repo, "mv", "content/stories/one.md", "content/stories/first.md")
    git(repo, "commit", "-qm", "rename", author="A. <ana@old.example>",
        when="2026-01-14T08:00:00+01:00")
    return repo


def test_contributors_members_and_pulse(repo: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "site"
    result = build(repo, now=NOW, out=out)
    assert not [p for p in result.problems if "git" in p.message]
    page = (out / "contributors/index.html").read_text("utf-8")
    rows = dict(re.findall(r'<tr><th scope="row"><a href="/members/([a-z]+)/">[^<]+</a></th>'
                           r"((?:<td>\d+</td>)+)", page))
    counts = {k: [int(n) for n in re.findall(r"\d+", v)] for k, v in rows.items()}
    # stories, resources, rituals hosted, newsletter features, edits
    assert counts == {"ana": [1, 0, 0, 0, 1], "bob": [0, 1, 0, 0, 0]}
    assert "1 other author" in page
    assert re.search(r"Ana Lopez</a> — First contribution <time datetime=\"2026-01-05\"", page)
    member = (out / "members/ana/index.html").read_text("utf-8")
    assert "Contributions" in member and 'datetime="2026-01-14"' in member
    story = (out / "stories/first/index.html").read_text("utf-8")
    assert "https://forge.example/org/hub/edit/main/content/stories/first.md" in story
    assert 'Updated <time datetime="2026-01-14T08:00:00+01:00"' in story
    sitemap = (out / "sitemap.xml").read_text("utf-8")
    assert "<loc>https://g.example/stories/first/</loc><lastmod>2026-01-14</lastmod>" in sitemap
    assert main(["pulse", str(repo), "--now", NOW.isoformat()]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["active_contributors"]["2026-01"] == 3
    assert data["members_joined"]["2026-01"] == 2
    assert data["storytellers"] == {"members": 2, "with_a_story": 1}
    pulse = (out / "pulse/index.html").read_text("utf-8")
    for svg in re.findall(r"<svg class=\"chart\".*?</svg>", pulse, re.S):
        root = ET.fromstring(svg)
        ns = "{http://www.w3.org/2000/svg}"
        assert root.find(ns + "title").text and root.find(ns + "desc").text
    table = re.search(r'<table id="active-data">.*?</table>', pulse, re.S).group(0)
    assert "<tr><th scope=\"row\">2026-01</th><td>3</td></tr>" in table
    joined = re.search(r'<table id="joined-data">.*?</table>', pulse, re.S).group(0)
    for month, value in data["members_joined"].items():
        assert f'<th scope="row">{month}</th><td>{value}</td>' in joined


def test_reproducible_with_history(repo: Path, tmp_path: Path) -> None:
    build(repo, now=NOW, out=tmp_path / "a")
    build(repo, now=NOW, out=tmp_path / "b")
    a = {p.relative_to(tmp_path / "a"): p.read_bytes() for p in (tmp_path / "a").rglob("*")
         if p.is_file()}
    b = {p.relative_to(tmp_path / "b"): p.read_bytes() for p in (tmp_path / "b").rglob("*")
         if p.is_file()}
    assert a == b


def test_shallow_clone_and_no_git(repo: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)],
                   check=True)
    plain = tmp_path / "plain"
    shutil.copytree(repo, plain, ignore=shutil.ignore_patterns(".git"))
    for hub, why in ((shallow, "this is a shallow clone"),
                     (plain, "this hub is not in a git repository")):
        result = build(hub, now=NOW, out=tmp_path / f"site-{hub.name}")
        warnings = [str(p) for p in result.problems if "git history" in p.message]
        assert warnings == [f"hub.yaml:1: no git history: {why} (contributions, 'updated' dates "
                            "and edit links need the full history: clone without --depth)"]
        assert (tmp_path / f"site-{hub.name}/contributors/index.html").is_file()
        assert "Updated" not in (tmp_path / f"site-{hub.name}/stories/first/index.html").read_text()
        with pytest.raises(BuildFailed):
            build(hub, now=NOW, out=tmp_path / f"strict-{hub.name}", require_git=True)
    assert main(["build", str(plain), "--require-git-history", "--out",
                 str(tmp_path / "cli"), "--now", NOW.isoformat()]) == 1
