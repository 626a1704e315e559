"""The feed check parses each RSS/Atom feed once; the link check reads the feed's links from
that same tree. Both must find what they found from the bytes."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.render import feedcheck, linkcheck
from generator.render.outputs import Output
from tests.conftest import CORPUS, CORPUS_NOW, EXAMPLE_NOW, ROOT, require_tool


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


# The build does not read a feed it has just written: its renderer notes what the check would
# find in the bytes (feedcheck.rss_facts, atom_facts, json_facts). Those facts must be the
# bytes' own, on real hubs and on feeds of odd text.

def _facts_are_the_bytes_own(feed, site) -> int:  # type: ignore[no-untyped-def]
    from generator.render import feeds

    noted = 0
    for write, leaf in ((feeds.rss, "feed.xml"), (feeds.atom, "atom.xml"),
                        (feeds.json_feed, "feed.json")):
        try:
            data = write(feed, site)
        except UnicodeEncodeError:  # a lone surrogate in JSON: the build fails, as before
            feedcheck.taken(feed.folder + leaf)
            continue
        path = feed.folder + leaf
        facts = feedcheck.taken(path)
        problems, tree = feedcheck.check_parsed(Output(path, data))
        if facts is None:  # text XML cannot hold, somewhere in the feed: the bytes are read
            continue
        noted += 1
        assert facts[0] == problems, (path, data[:2000])
        if leaf != "feed.json":
            assert facts[1] == linkcheck.feed_targets(tree), path
    return noted


@pytest.mark.parametrize("which", ["example", "twir"])
def test_noted_facts_are_what_the_bytes_say_on_real_hubs(which: str) -> None:
    from generator.render import feeds
    from tests.unit.test_feed_xml import _site

    if which == "twir":
        require_tool(CORPUS.is_dir(), "shared/corpora/twir")
    site = _site(*((ROOT, EXAMPLE_NOW) if which == "example" else (CORPUS, CORPUS_NOW)))
    specs = feeds.feed_specs(site)
    noted = sum(_facts_are_the_bytes_own(feeds.make_feed(site, folder, name, items()), site)
                for folder, name, items in specs)
    assert noted == 3 * len(specs)


_ODD = ["", " ", "a", "é", "&", "<", ">", '"', "\r", "\n", "\r\n", "\t", "]]>", "\x01",
        "\ud800", "\ufffe", "\x7f", "https://x.org/", "/a", "#x", "mailto:", '<a href="b.html">',
        '<img src="/c.png">', '<a href="https://x.org/d">']


@pytest.mark.parametrize("seed", range(3))
def test_noted_facts_are_what_the_bytes_say_on_odd_feeds(seed: int) -> None:
    import dataclasses
    import datetime as dt
    import random

    from generator.render.feeds import Feed, Item
    from tests.unit.test_feed_xml import _site

    rng = random.Random(seed)
    site = _site(ROOT, EXAMPLE_NOW)

    def text() -> str:
        return "".join(rng.choice(_ODD) for _ in range(rng.randint(0, 3)))

    zones = [dt.UTC, dt.timezone(dt.timedelta(hours=-5)), None]
    noted = 0
    for _ in range(200):
        config = dataclasses.replace(site.hub.config, title=text(), description=text() or None,
                                     language=rng.choice(["fr", "en-CA", text()]))
        odd = dataclasses.replace(site, hub=dataclasses.replace(site.hub, config=config))
        ids, zone = [text() for _ in range(2)], rng.choice(zones)  # one feed, one kind of date
        items = tuple(Item(
            id=rng.choice(ids), url=rng.choice([text(), "https://hub.example/s/x/"]),
            title=text(), published=dt.datetime(2026, 1, 2, 3, 4, tzinfo=zone),
            summary=text(), html=text() if rng.random() < 0.7 else "",
            authors=tuple((text(), text()) for _ in range(rng.randint(0, 2))),
            tags=tuple((text(), text()) for _ in range(rng.randint(0, 2))),
            image=None) for _ in range(rng.randint(0, 3)))
        feed = Feed(rng.choice(["", "tags/x/"]), text(), rng.choice([text(), "https://h.example/"]),
                    items)
        noted += _facts_are_the_bytes_own(feed, odd)
    assert noted > 150  # many are noted (the others hold a character XML refuses somewhere)


def test_a_feed_whose_facts_are_not_noted_is_read_even_after_one_that_was() -> None:
    feedcheck.note("tags/x/feed.xml", ([], ("https://h.example/",)))
    feedcheck.note("tags/x/feed.xml", None)  # written again, with a character XML refuses
    assert feedcheck.taken("tags/x/feed.xml") is None
