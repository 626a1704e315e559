"""Feeds and emails make every URL in a body absolute. The fast path (regular expressions over
well-quoted tags) must give the HTML parser's bytes exactly, on real bodies."""

from __future__ import annotations

import random
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from generator.build import load, render_bodies
from generator.render import urls
from tests.conftest import CORPUS, CORPUS_NOW, EXAMPLE_NOW, ROOT, require_tool


def _bodies(root: Path, now) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    hub, _ = load(root, now=now)
    assert hub is not None
    bodies, _ = render_bodies(hub, jobs=2)
    return [("https://hub.example" + p.url, bodies[p.key].html) for p in hub.pieces]


@pytest.mark.parametrize("which", ["example", "twir"])
def test_fast_path_equals_the_parser_on_real_bodies(which: str) -> None:
    if which == "twir":
        require_tool(CORPUS.is_dir(), "shared/corpora/twir")
        pairs = _bodies(CORPUS, CORPUS_NOW)
    else:
        pairs = _bodies(ROOT, EXAMPLE_NOW)
    fast = 0
    for base, html in pairs:
        for variant in (html, html.replace('href="/', 'HREF="/'), html + '<img src=a.png alt="">'):
            expected = urls._absolutize_parsed(variant, base)
            quick = urls._absolutize_quoted(variant, base)
            if quick is not None:
                fast += 1
                assert quick == expected, base
            assert urls.absolutize(variant, base) == expected
    assert fast >= len(pairs)  # the fast path really ran on every body written by markdown-it


@pytest.mark.parametrize("html", [
    '<p><a href="x.html">x</a> <img src="/i.png" srcset="a.png 1x, /b.png 2x" alt=""></p>',
    "<p><a href='single.html'>quoted</a></p>",
    '<p><!-- <a href="c.html"> --><a href="d.html" download>d</a></p>',
    '<p><a title="a&amp;b" href="e.html?x=1&amp;y=2">e</a><br/></p>',
    '<script>var a = "<a href=\\"f.html\\">";</script>',
    '<p>no links at all</p>',
    # what the URL-tag pattern must read as the tag pattern does
    '<p><img alt="a <b> c" src="g.png"><a title="<a href=&quot;h.html&quot;>" href="i.html">i</a></p>',
    '<p><a title="see href=x" data-src="j.png" xhref="k.html" HREF="l.html">l</a></p>',
    '<p><a\nhref="m.html"\tclass="n">m</a><object data="o.svg"></object><a href>p</a></p>',
    '<p><a href="q.html" href="r.html">q</a><img src="s.png"/><img src="t.png" /></p>',
])
def test_fast_path_equals_the_parser_on_edge_cases(html: str) -> None:
    base = "https://hub.example/stories/x/"
    assert urls.absolutize(html, base) == urls._absolutize_parsed(html, base)


PARTS = ['<p>', '</p>', 'text ', ' ', '\n', '&lt;a href="x"&gt;', '&amp;', '<a href="/m/ana/">',
         '</a>', '<a href="x.html" title="t">', '<a title="a href=b" class="c">',
         '<img src="i.png" alt="">', '<img alt="<b>" src="/j.png">', '<img src="k.png"/>',
         '<img srcset="a.png 1x, /b.png 2x" src="c.png" />', '<br/>', '<br />', '<hr>',
         '<A HREF="/Up/">', '<a\nhref="/n/"\tclass="x">', '<a data-src="/d.png" xhref="e">',
         '<object data="o.svg">', '<a href>', "<a href='q.html'>", '<a href=bare.html>',
         '< b', '<3', '<!-- <a href="c.html"> -->', '<code>&lt;img src="z"&gt;</code>',
         '<a href="https://x.org/">', '<a href="mailto:a@b.c">', '<a href="#top">',
         '<a href="?q=1&amp;r=2">', '<img src="/é ü.png" alt="é">', '<a href="../up.html">',
         '<a class="x" href="/two/" rel="me">', '<td style="text-align:right">', '<a href="']


def test_fast_path_equals_the_parser_on_random_markup() -> None:
    rng = random.Random(20261203)
    fast = 0
    for _ in range(3000):
        html = "".join(rng.choice(PARTS) for _ in range(rng.randrange(1, 14)))
        base = rng.choice(["https://hub.example/stories/x/", "https://hub.example/a/b.html"])
        expected = urls._absolutize_parsed(html, base)
        quick = urls._absolutize_quoted(html, base)
        if quick is not None:
            fast += 1
            assert quick == expected, html
    assert fast > 1000, fast


@pytest.mark.parametrize("url", [
    "https://example.org/a", "http://example.org", "mailto:ana@example.org", " https://x.org/ ",
    "HTTPS://X.ORG/", "/members/ana/", "../x.html", "#top", "", "https:relative", "mailto:",
    "http://\tx.org/", "tel:+331", "//cdn.example/x.png", "/a/../b", "/a;p?q#f", "/a?", "/./x",
    "/..", "/", "/x/./y/../z/", "/ spaced /",
])
@pytest.mark.parametrize("base", [
    "https://hub.example/stories/x/", "https://hub.example", "https://hub.example?x=1",
    "http://hub.example:8000/p/q.html", "https://hub.example#top", "HTTPS://Hub.Example/a/",
    "https://hub example/a/", "/relative/base/",
])
def test_the_shortcuts_give_urlsplit_and_urljoins_answer(url: str, base: str) -> None:
    stripped = url.strip()
    expected = stripped if urlsplit(stripped).scheme else urljoin(base, stripped)
    assert urls._absolute(url, base) == expected
