"""Feeds are written as text (render/feeds.py): RSS and Atom must be the very bytes ElementTree
writes for the same elements, JSON Feed the very text of json.dumps(indent=2). The ElementTree
writers foyer used before are kept here as the oracle, and compared on real hubs and on items
made of odd text."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import xml.etree.ElementTree as ET
from email.utils import format_datetime
from pathlib import Path

import pytest

from generator import build
from generator.render import feeds
from generator.render.feeds import ATOM, CONTENT, DC, Feed, Item, clean
from generator.render.outputs import Site
from generator.render.templates import Theme
from tests.conftest import CORPUS, CORPUS_NOW, EXAMPLE_NOW, ROOT

ET.register_namespace("atom", ATOM)
ET.register_namespace("dc", DC)
ET.register_namespace("content", CONTENT)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def rss_by_elementtree(feed: Feed, site: Site) -> bytes:
    absolute = site.theme.absolute
    root = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(root, "channel")
    ET.SubElement(channel, "title").text = clean(feed.title)
    ET.SubElement(channel, "link").text = feed.page_url
    ET.SubElement(channel, "description").text = clean(site.hub.config.description or feed.title)
    ET.SubElement(channel, f"{{{ATOM}}}link", {
        "href": absolute(site.hub.config.base_path + feed.folder + "feed.xml"),
        "rel": "self", "type": "application/rss+xml"})
    ET.SubElement(channel, "language").text = site.hub.config.language
    ET.SubElement(channel, "lastBuildDate").text = format_datetime(
        feeds._updated(feed, site.hub.now))
    ET.SubElement(channel, "generator").text = "foyer"
    for item in feed.items:
        node = ET.SubElement(channel, "item")
        ET.SubElement(node, "title").text = item.title
        ET.SubElement(node, "link").text = item.url
        ET.SubElement(node, "guid", {"isPermaLink": "false"}).text = item.id
        ET.SubElement(node, "pubDate").text = format_datetime(item.published)
        for name, _ in item.authors:
            ET.SubElement(node, f"{{{DC}}}creator").text = clean(name)
        for _, name in item.tags:
            ET.SubElement(node, "category").text = name
        ET.SubElement(node, "description").text = item.summary
        if item.html:
            ET.SubElement(node, f"{{{CONTENT}}}encoded").text = item.html
    return _xml(root)


def atom_by_elementtree(feed: Feed, site: Site) -> bytes:
    absolute = site.theme.absolute
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: site.hub.config.language})
    ET.SubElement(root, "id").text = feed.page_url
    ET.SubElement(root, "title").text = clean(feed.title)
    ET.SubElement(root, "updated").text = feeds._updated(feed, site.hub.now).isoformat()
    ET.SubElement(root, "link", {"rel": "alternate", "type": "text/html",
                                 "href": feed.page_url})
    ET.SubElement(root, "link", {
        "rel": "self", "type": "application/atom+xml",
        "href": absolute(site.hub.config.base_path + feed.folder + "atom.xml")})
    author = ET.SubElement(root, "author")
    ET.SubElement(author, "name").text = clean(site.hub.config.title)
    ET.SubElement(root, "generator").text = "foyer"
    for item in feed.items:
        entry = ET.SubElement(root, "entry")
        ET.SubElement(entry, "id").text = item.id
        ET.SubElement(entry, "title").text = item.title
        ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html",
                                      "href": item.url})
        ET.SubElement(entry, "published").text = item.published.isoformat()
        ET.SubElement(entry, "updated").text = item.published.isoformat()
        for name, url in item.authors:
            person = ET.SubElement(entry, "author")
            ET.SubElement(person, "name").text = clean(name)
            ET.SubElement(person, "uri").text = url
        for slug, name in item.tags:
            ET.SubElement(entry, "category", {"term": slug, "label": name})
        if item.summary:
            ET.SubElement(entry, "summary").text = item.summary
        if item.html:
            ET.SubElement(entry, "content", {"type": "html"}).text = item.html
    return _xml(root)


def _site(root: Path, now: dt.datetime) -> Site:
    hub, _ = build.load(root, now=now)
    assert hub is not None
    bodies, problems = build.render_bodies(hub, jobs=1)
    return Site(hub=hub, theme=Theme(hub.config), bodies=bodies, problems=problems)


def _same(feed: Feed, site: Site) -> None:
    assert feeds.rss(feed, site) == rss_by_elementtree(feed, site), feed.folder
    assert feeds.atom(feed, site) == atom_by_elementtree(feed, site), feed.folder
    written = feeds.json_feed(feed, site)
    data = json.loads(written)  # the same keys in the same order as the dict it was made from
    assert written == (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def test_a_lone_surrogate_in_xml_is_a_character_reference_as_elementtree_writes_it() -> None:
    site = _site(ROOT, EXAMPLE_NOW)
    when = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
    item = Item(id="i\ud800", url="u", title="t", published=when, summary="", html="",
                authors=(), tags=(("s\udfff", "n"),), image=None)
    feed = Feed("", "f", "p", (item,))
    assert b"&#55296;" in feeds.rss(feed, site) == rss_by_elementtree(feed, site)
    assert feeds.atom(feed, site) == atom_by_elementtree(feed, site)


def test_json_text_is_json_dumps() -> None:
    rng = random.Random(7)

    def value(depth: int) -> object:
        kind = rng.random()
        if depth > 3 or kind < 0.4:
            return rng.choice([_text(rng), 0, -3, 2.5, float("nan"), True, False, None])
        if kind < 0.7:
            return [value(depth + 1) for _ in range(rng.randint(0, 3))]
        return {_text(rng): value(depth + 1) for _ in range(rng.randint(0, 3))}

    for _ in range(2000):
        data = value(0)
        assert feeds.json_text(data) == json.dumps(data, ensure_ascii=False, indent=2)
    assert feeds.json_text({1: "x", "y": (2, "z")}) == json.dumps(
        {1: "x", "y": (2, "z")}, ensure_ascii=False, indent=2)


@pytest.mark.parametrize("which", ["example", "twir"])
def test_every_feed_of_a_real_hub_is_what_elementtree_writes(which: str) -> None:
    root, now = (ROOT, EXAMPLE_NOW) if which == "example" else (CORPUS, CORPUS_NOW)
    if not root.is_dir():
        pytest.skip("shared/corpora/twir is not beside the repository")
    site = _site(root, now)
    specs = feeds.feed_specs(site)
    assert len(specs) >= 2
    for folder, name, items in specs:
        _same(feeds.make_feed(site, folder, name, items()), site)


_ODD = ["", " ", "a", "é", "😀", "&", "&amp;", "<", ">", '"', "'", "\r", "\n", "\t", "\r\n",
        "]]>", "<b>gras</b>", "x" * 300]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(_ODD) for _ in range(rng.randint(0, 4)))


@pytest.mark.parametrize("seed", range(3))
def test_items_of_odd_text_are_written_as_elementtree_writes_them(seed: int) -> None:
    rng = random.Random(seed)
    site = _site(ROOT, EXAMPLE_NOW)
    config = site.hub.config
    when = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    for _ in range(150):
        odd = dataclasses.replace(config, title=_text(rng), description=_text(rng) or None,
                                  language=rng.choice(["fr", "en-CA", '"x&y"']))
        oddsite = dataclasses.replace(site, hub=dataclasses.replace(site.hub, config=odd))
        items = tuple(Item(
            id=_text(rng), url=_text(rng), title=_text(rng), published=when, summary=_text(rng),
            html=_text(rng) if rng.random() < 0.7 else "",
            authors=tuple((_text(rng), _text(rng)) for _ in range(rng.randint(0, 2))),
            tags=tuple((_text(rng), _text(rng)) for _ in range(rng.randint(0, 3))),
            image=None) for _ in range(rng.randint(0, 3)))
        _same(Feed(rng.choice(["", "tags/x/"]), _text(rng), _text(rng), items), oddsite)
