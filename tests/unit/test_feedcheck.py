"""The feed check parses each RSS/Atom feed once; the link check reads the feed's links from
that same tree. Both must find what they found from the bytes."""

from __future__ import annotations

from pathlib import Path

from generator.render import feedcheck, linkcheck
from generator.render.outputs import Output


def test_the_links_of_the_checked_tree_are_the_links_of_the_bytes(built_example: Path) -> None:
    feeds = [p for p in sorted(built_example.rglob("*.xml")) if linkcheck.is_xml_feed(p.name)]
    assert len(feeds) > 10
    for path in feeds:
        output = Output(path.relative_to(built_example).as_posix(), path.read_bytes())
        problems, tree = feedcheck.check_parsed(output)
        assert problems == feedcheck.check_output(output) == []
        assert tree is not None
        assert linkcheck.feed_targets(tree) == linkcheck.feed_targets(output.data)


def test_a_broken_feed_is_reported_once_and_gives_no_tree() -> None:
    problems, tree = feedcheck.check_parsed(Output("tags/x/feed.xml", b"<rss><channel>"))
    assert tree is None and len(problems) == 1 and "not well-formed" in problems[0].message
    problems, tree = feedcheck.check_parsed(Output("atom.xml", b"<rss version='2.0'/>"))
    assert tree is not None and [p.message for p in problems] == ["not an Atom feed"]
    assert feedcheck.check_parsed(Output("feed.json", b"{}"))[1] is None
    assert feedcheck.check_parsed(Output("a/index.html", b"<p>")) == ([], None)


def test_relative_urls_in_content_are_found_with_or_without_the_quick_way() -> None:
    from urllib.parse import urlsplit

    cases = ["https://x.org/a", "http://x", "http:///a", "https://", "http://?q", "https:// x",
             "mailto:a@b", "mailto:", "/a", "a.html", "#x", "HTTPS://x", "http://[::1]/",
             "http://\tx", "data:x", "javascript:x", "//x/y", "../m.md"]
    html = "".join(f'<a href="{url}">x</a>' for url in cases)
    feedcheck._relative_urls.cache_clear()
    assert feedcheck._relative_urls(html) == tuple(
        u for u in cases if not urlsplit(u).scheme
        or not urlsplit(u).netloc and not u.startswith("mailto:"))
