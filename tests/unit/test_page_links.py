"""The link check reads every page's links and anchors. The quick reader (regular expressions
over the tags foyer writes) must find what the HTML parser finds, or leave the page to it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.render import linkcheck


def _pages(site: Path) -> list[str]:
    return [p.read_text("utf-8") for p in sorted(site.rglob("*.html")) if "pagefind" not in p.parts]


@pytest.mark.parametrize("which", ["built_example", "built_corpus"])
def test_the_quick_reader_equals_the_parser_on_real_pages(which: str,
                                                         request: pytest.FixtureRequest) -> None:
    pages = _pages(request.getfixturevalue(which))
    quick = 0
    for text in pages:
        found = linkcheck._page_links_quick(text)
        if found is not None:
            quick += 1
            assert found == linkcheck._page_links_parsed(text)
    assert quick == len(pages)  # every page foyer writes is read the quick way


@pytest.mark.parametrize("html", [
    "<p><a href='single.html'>quoted</a></p>",
    "<p><a href=bare.html>bare</a></p>",
    '<p><a href = "spaced.html">spaced</a></p>',
    "<p>1 < 2 <a href=\"x.html\">x</a></p>",
    '<script>document.write("<a href=\\"s.html\\">")</script><a href="t.html">t</a>',
])
def test_markup_the_quick_reader_does_not_read_goes_to_the_parser(html: str) -> None:
    found = linkcheck._page_links_quick(html)
    assert found is None or found == linkcheck._page_links_parsed(html)
    assert linkcheck.page_links(html.encode()) == linkcheck._page_links_parsed(html)


def test_the_quick_reader_reads_what_the_parser_reads() -> None:
    html = ('<!DOCTYPE html>\n<html lang="fr"><head><link rel="canonical" href="/c/">'
            '<link rel="alternate" hreflang="en" href="/en/"><link rel="stylesheet" href="/s.css">'
            '<style>a > b { color: red }</style></head>\n<body>\n<!-- <a href="no.html"> -->'
            '<h2 id="partie-1">Partie</h2><a name="old">x</a><span name="n"></span>\n'
            '<img src="/i.png" srcset="/a.png 1x, /b.png 2x" alt="">'
            '<a HREF="/up.html?a=1&amp;b=2">up</a><input disabled><video poster="/p.jpg"></video>'
            '<script type="application/ld+json">{"a": "<a href=\\"/j/\\">"}</script>'
            '<br/><a href="/z/" />\n</body></html>')
    found = linkcheck._page_links_quick(html)
    assert found is not None and found == linkcheck._page_links_parsed(html)
    assert ("/up.html?a=1&b=2" in {link for _, link in found.links}
            and found.ids == {"partie-1", "old"})


# The quick reader as it was first written: every tag read by _TAG in a Python loop. Kept as
# the oracle of the faster one (which passes over tags without links in one regex step).
_TAG = re.compile(r'<(?:!--.*?-->|![dD][oO][cC][tT][yY][pP][eE][^<>]*>|/[a-zA-Z][^<>]*>'
                  r'|([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_:][-a-zA-Z0-9_:.]*(?:="[^"]*")?)*)'
                  r'\s*/?>)', re.S)
_WANTED = re.compile(r"(?:href|src|id|name|poster|srcset)=", re.I)


def _one_tag_at_a_time(text: str) -> linkcheck.PageLinks | None:
    links: list[tuple[int, str]] = []
    ids: set[str] = set()
    line, counted = 1, 0
    position = text.find("<")
    while position >= 0:
        match = _TAG.match(text, position)
        if match is None:
            return None
        tag, end = match.group(1), match.end()
        if tag is not None:
            tag = tag.lower()
            given = match.group(2)
            attrs = [(name.lower(), None if value is None else
                      linkcheck.unescape(value) if "&" in value else value)
                     for name, value in linkcheck._ATTRIBUTE.findall(given)
                     ] if given and _WANTED.search(given) else []
            if attrs:
                line += text.count("\n", counted, position)
                counted = position
                linkcheck._collect(tag, attrs, line, links, ids)
            raw = linkcheck._RAW_TEXT.get(tag)
            if raw is not None:
                closing = raw.search(text, end)
                if closing is None:
                    return None
                end = closing.start()
        position = text.find("<", end)
    return linkcheck.PageLinks(tuple(links), frozenset(ids))


_PIECES = [
    "texte ", "\n", "1 < 2", "a > b", "&amp;", "<p>", "</p>", "<br>", "<br/>", "<hr />",
    '<a href="/x/">', '<a HREF="/y.html?a=1&amp;b=2">', '<a href="/z/?a&amp;b">',
    '<a href="/f/" data-pagefind-filter="tag">', '<a href="/g/" aria-current="page" />',
    '<a href="/h/" name="n">', '<a href="">', '<abbr href="/i/">', '<a href="/j/"\n>',
    '<a title="a > b" href="/t/">', '<a title="1 < 2">', '<a data-id="d" data-href="h">',
    '<a name="ancre">', '<span name="n">', '<div id="i">', "<div id>", '<div ID="Up">',
    '<img src="/i.png" srcset="/a.png 1x, /b.png 2x" alt="">', '<video poster="/p.jpg">',
    '<link rel="canonical" href="/c/">', '<link rel="alternate" hreflang="en" href="/en/">',
    '<meta content="href=x">', '<input disabled>', '<x-card data-x="1">', "<scripts>",
    "<!-- <a href=\"/c1/\"> -->", "<!DOCTYPE html>", "<!doctype html>", "</a>", "</div >",
    "<script>var a = '<a href=\"/s/\">';</script>", '<script src="/j.js"></script>',
    "<SCRIPT>x</SCRIPT>", "<style>a > b {}</style>", '<a href="/a/"\n id="n">',
]
# markup that sends a page to the parser, now and then
_ODD = ["1 < 2", "<!-- ouvert", "<script>", "<style>", "<![CDATA[x]]>", "< p>", "<ahref='x'>",
        "<a  href = \"/sp/\">", "<a href='/q/'>", "<a href=/bare/>"]


@pytest.mark.parametrize("seed", range(6))
def test_the_quick_reader_on_random_markup(seed: int) -> None:
    import random

    rng = random.Random(seed)
    quick = 0
    for _ in range(500):
        text = "".join(rng.choice(_ODD if rng.random() < 0.02 else _PIECES)
                       for _ in range(rng.randint(0, 40)))
        found = linkcheck._page_links_quick(text)
        assert found == _one_tag_at_a_time(text), text
        if found is not None:
            quick += 1
            assert found == linkcheck._page_links_parsed(text), text
    assert 100 < quick < 450  # both ways are exercised


def test_the_same_link_on_the_same_line_of_two_pages_is_kept_once() -> None:
    one = linkcheck.page_links(b'<nav><a href="/membres/">M</a></nav>\n<a href="/a/">a</a>')
    two = linkcheck.page_links(b'<nav><a href="/membres/">M</a></nav>\n<a href="/b/">b</a>')
    assert one.links[0] is two.links[0] and one.links[1] != two.links[1]
    sent = linkcheck.PageLinks(tuple((line, "".join(link)) for line, link in one.links), one.ids)
    assert linkcheck.shared(sent) == one and linkcheck.shared(sent).links[0] is one.links[0]
