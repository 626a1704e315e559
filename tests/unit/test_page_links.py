"""The link check reads every page's links and anchors. The quick reader (regular expressions
over the tags foyer writes) must find what the HTML parser finds, or leave the page to it."""

from __future__ import annotations

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
