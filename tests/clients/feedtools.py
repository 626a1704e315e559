"""Checks every subscriber client would make on a built site's feeds."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import jsonschema
import lxml.etree
import lxml.html

SCHEMA = json.loads((Path(__file__).parent / "jsonfeed-1.1.schema.json").read_text("utf-8"))


def relative_urls(html: str) -> list[str]:
    if not html.strip():
        return []
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for attr in ("href", "src", "poster"):
            value = element.get(attr)
            if value is not None and not (urlsplit(value).scheme and (
                    urlsplit(value).netloc or value.startswith("mailto:"))):
                found.append(value)
        for candidate in (element.get("srcset") or "").split(","):
            url = candidate.strip().split(" ")[0]
            if url and not urlsplit(url).netloc:
                found.append(url)
    return found


def check_site_feeds(site: Path) -> int:
    """Assert every feed of a site is clean; returns how many feeds were checked."""
    count = 0
    validator = jsonschema.Draft202012Validator(SCHEMA)
    for path in sorted(site.rglob("*")):
        if path.name in ("feed.xml", "atom.xml"):
            lxml.etree.fromstring(path.read_bytes())  # well-formed for a strict XML parser
            parsed = feedparser.parse(path.read_bytes())
            assert parsed.bozo == 0, (path, parsed.get("bozo_exception"))
            assert parsed.version == ("rss20" if path.name == "feed.xml" else "atom10"), path
            for entry in parsed.entries:
                assert entry.get("published_parsed"), (path, entry.get("id"))
                assert urlsplit(entry.link).netloc, (path, entry.link)
                for content in entry.get("content", []):
                    assert relative_urls(content.value) == [], (path, entry.id)
            count += 1
        elif path.name == "feed.json":
            data = json.loads(path.read_text("utf-8"))
            errors = [e.message for e in validator.iter_errors(data)]
            assert errors == [], (path, errors[:3])
            for item in data["items"]:
                assert relative_urls(item.get("content_html", "")) == [], (path, item["id"])
            count += 1
    return count
