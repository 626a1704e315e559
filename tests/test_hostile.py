"""Hostile content can't escape or attack readers: scripts, handlers and javascript: URLs never
survive, front matter is escaped, paths can't leave the hub."""

from __future__ import annotations

import datetime as dt
import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.build import build, check
from generator.render.sanitize import clean

XSS = '<script>alert(1)</script>'


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script" and not dict(attrs).get("src"):
            self.bad.append("inline script")
        for name, value in attrs:
            if name.startswith("on"):
                self.bad.append(f"{tag} {name}")
            if (value or "").strip().lower().startswith(("javascript:", "data:text")):
                self.bad.append(f"{tag} {name}={value}")


def scan(html: str) -> list[str]:
    parser = _Scan()
    parser.feed(html)
    return parser.bad


@pytest.mark.parametrize("html, kept, gone", [
    ("<p onclick='x()'>hi</p>", "<p>hi</p>", "onclick"),
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>", "javascript"),
    ("<script>alert(1)</script><b>ok</b>", "<b>ok</b>", "alert"),
    ("<style>body{}</style>t", "t", "body{}"),
    ('<img src="data:image/png;base64,AAAA" alt="a">', 'src="data:image/png;base64,AAAA"', "zz"),
    ('<a href="data:text/html,<script>x</script>">x</a>', "<a>x</a>", "data:"),
    ('<iframe src="https://www.youtube-nocookie.com/embed/x" title="v"></iframe>',
     '<iframe src="https://www.youtube-nocookie.com/embed/x" title="v"></iframe>', "zz"),
    ('<iframe src="https://evil.example/x" width="5"></iframe>', "", "iframe"),
    ("<form><input type=text name=q></form>", "", "form"),
    ("<details><summary>S</summary>Body</details>", "<details><summary>S</summary>", "zz"),
    ("<table><tr><td>1</td></tr></table>", "<td>1</td>", "zz"),
    ("<svg onload=alert(1)><circle/></svg>", "", "onload"),
])
def test_sanitiser(html: str, kept: str, gone: str) -> None:
    out = clean(html)
    assert kept in out
    assert gone not in out
    assert scan(out) == []


def test_hostile_hub(make_hub, now: dt.datetime, tmp_path: Path) -> None:
    evil_name = f'Eve {XSS}<img src=x onerror="alert(2)">'
    hub = make_hub({
        "content/members/eve.md": f"---\nname: '{evil_name}'\nrole: '\"><svg onload=alert(3)>'\n"
                                  "links:\n  site: https://eve.example/\n---\n"
                                  f"Bio {XSS} <a href='javascript:alert(4)'>clic</a>\n",
        "content/stories/attack.md":
            f"---\ntitle: '{XSS} title'\ndate: 2026-01-02\nmembers: [eve]\n"
            f"tags: ['{XSS}', 'x\" onmouseover=\"alert(5)']\nsummary: '<b onmouseover=alert(6)>s</b>'\n---\n"
            '<img src=x onerror="alert(7)">\n\n<div style="position:fixed">over</div>\n\n'
            "[click](javascript:alert(8)) and <iframe src='https://evil.example/'></iframe>\n",
    })
    result = build(hub, now=now, out=tmp_path / "site", link_check=False)
    warnings = [str(p) for p in result.problems if not p.is_error]
    assert any("content/stories/attack.md:8: removed the onerror attribute of <img>" in w
               for w in warnings), warnings
    assert any("removed <iframe> from evil.example" in w for w in warnings)
    for path in (tmp_path / "site").rglob("*"):
        if path.suffix in (".html", ".xml", ".json") and "pagefind" not in path.parts:
            text = path.read_text("utf-8")
            if path.suffix == ".html":
                assert scan(text) == [], path
            if path.suffix == ".json":
                for item in json.loads(text).get("items", []):
                    assert scan(item.get("content_html", "")) == [], path
            if path.suffix != ".json":  # JSON Feed titles are plain text by the spec
                assert "<script>alert" not in text, path


def test_paths_cannot_leave_the_hub(make_hub, now: dt.datetime, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("TOP SECRET")
    hub = make_hub({
        "content/members/ana.md": "---\nname: Ana\navatar: ../../../etc/passwd\n---\nAna.\n",
        "content/resources/r.md": "---\ntitle: R\nkind: guide\nurl: /static/../../secret.txt\n---\nx\n",
    })
    (hub / "static").mkdir(exist_ok=True)
    os.symlink(outside, hub / "static" / "leak.txt")
    os.symlink(outside, hub / "content" / "pages")
    (hub / "themes/default/templates").mkdir(parents=True)
    os.symlink("/etc/passwd", hub / "themes/default/templates/404.html")
    problems = [str(p) for p in check(hub, now=now)]
    assert any(p.startswith("content/members/ana.md:3: 'avatar': path leaves static/")
               for p in problems), problems
    assert any("content/resources/r.md:4: 'url'" in p for p in problems), problems
    assert any(p.startswith("static/leak.txt:1: symbolic link points outside the hub")
               for p in problems), problems
    assert any(p.startswith("themes/default/templates/404.html:1: symbolic link points outside")
               for p in problems), problems


@pytest.mark.timeout(120)
def test_pathological_markdown_finishes(make_hub, now: dt.datetime, tmp_path: Path) -> None:
    body = "[" * 50_000 + "\n\n" + "*" * 50_000 + "\n\n" + "> " * 5_000 + "x\n\n" + "`" * 20_000
    hub = make_hub({"content/pages/p.md": "---\ntitle: P\n---\n" + body + "\n"})
    build(hub, now=now, out=tmp_path / "site", link_check=False)
    assert (tmp_path / "site/p/index.html").is_file()


def test_trusted_html_is_kept(make_hub, now: dt.datetime, tmp_path: Path) -> None:
    hub = make_hub({"content/pages/p.md": "---\ntitle: P\n---\n<div style=\"color:red\">x</div>\n"},
                   hub_yaml="title: T\nbase_url: https://t.example/\nhtml:\n  trusted: true\n")
    build(hub, now=now, out=tmp_path / "site")
    assert 'style="color:red"' in (tmp_path / "site/p/index.html").read_text("utf-8")


@pytest.mark.timeout(120)
def test_hostile_files_give_the_right_errors(make_hub, now: dt.datetime, tmp_path: Path) -> None:
    bomb = "---\na: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghij":
        prev = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
    hub = make_hub({"content/members/ana.md": "---\nname: Ana\n---\nAna.\n",
                    "content/pages/bomb.md": bomb + "---\n"})
    (hub / "content/pages/huge.md").write_bytes(b"---\ntitle: H\n---\n" + b"a" * 10_000_000)
    (hub / "static").mkdir()
    os.symlink("/etc/passwd", hub / "static" / "passwd")
    os.symlink("/etc/passwd", hub / "content" / "pages" / "passwd.md")
    problems = {str(p) for p in check(hub, now=now)}
    assert ("content/pages/bomb.md:2: YAML too large once its aliases are expanded "
            "(remove the '*' aliases and write the values out)") in problems
    assert any(p.startswith("content/pages/huge.md:1: file is too large") for p in problems)
    assert any(p.startswith("static/passwd:1: symbolic link points outside") for p in problems)
    assert any(p.startswith("content/pages/passwd.md:1: symbolic link points outside")
               for p in problems)
    with pytest.raises(Exception):
        build(hub, now=now, out=tmp_path / "site")
    assert not (tmp_path / "site").exists()
