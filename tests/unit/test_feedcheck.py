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
