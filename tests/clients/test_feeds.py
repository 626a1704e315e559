"""Feeds through real clients: feedparser, lxml, and a JSON Feed 1.1 schema."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import feedparser
import pytest

from generator.build import build
from generator.problems import BuildFailed

from .feedtools import check_site_feeds

ANA = "---\nname: Ana Lopez\n---\nAna.\n"
BOB = "---\nname: Bob Martin\n---\nBob.\n"


@pytest.fixture
def site(make_hub, now: dt.datetime, tmp_path: Path) -> Path:
    hub = make_hub({
        "content/members/ana.md": ANA, "content/members/bob.md": BOB,
        "static/images/pic.png": "png",
        "content/stories/bread.md":
            "---\ntitle: \"Bread \\x07 & butter\"\ndate: 2026-01-02\nmembers: [ana, bob]\n"
            "tags: [Pain Maison, Été]\n---\n"
            "See [Ana](../members/ana.md), [rel](other/page/) and ![pic](/images/pic.png).\n\n"
            '<img src="/images/pic.png" srcset="/images/pic.png 1x, pic.png 2x" alt="p">\n\n'
            "Footnote[^1].\n\n[^1]: Note.\n",
        "content/stories/tomorrow.md":
            "---\ntitle: Tomorrow\ndate: 2026-01-16\nmembers: [ana]\n---\nSoon.\n",
        "content/stories/draft.md":
            "---\ntitle: Draft\ndate: 2026-01-01\nmembers: [ana]\ndraft: true\n---\nWIP.\n",
        "content/newsletters/one.md":
            "---\ntitle: Issue one\nnumber: 1\ndate: 2026-01-05T10:00:00\n---\nHello [you](/x/).\n",
        "content/resources/guide.md":
            "---\ntitle: Guide\nkind: guide\nadded: 2026-01-03\n---\nRead me.\n",
    })
    out = tmp_path / "site"
    build(hub, now=now, out=out, link_check=False)  # the relative links point nowhere on purpose
    return out


def test_every_feed_is_valid_in_real_clients(site: Path) -> None:
    # site, stories, newsletters, 2 tags, 2 members: 7 folders × 3 formats
    assert check_site_feeds(site) == 21


def test_items_dates_ids_authors_categories(site: Path) -> None:
    rss = feedparser.parse((site / "feed.xml").read_bytes())
    titles = [e.title for e in rss.entries]
    assert titles == ["Issue one", "Guide", "Bread  & butter"]
    bread = rss.entries[2]
    assert bread.id == "tag:hub.example,2026-01-02:stories/bread"
    assert bread.published == "Fri, 02 Jan 2026 00:00:00 +0100"
    assert [t.term for t in bread.tags] == ["Pain Maison", "Été"]
    atom = feedparser.parse((site / "atom.xml").read_bytes())
    entry = next(e for e in atom.entries if e.id.endswith("stories/bread"))
    assert entry.published == "2026-01-02T00:00:00+01:00"
    assert [a.name for a in entry.authors] == ["Ana Lopez", "Bob Martin"]
    assert 'href="https://hub.example/other/page/"' not in entry.content[0].value
    assert 'href="https://hub.example/stories/bread/other/page/"' in entry.content[0].value
    # feedparser's sanitiser drops srcset, so read it from the XML itself
    assert 'srcset="https://hub.example/images/pic.png 1x, https://hub.example/stories/bread/pic.png 2x"' \
        in (site / "atom.xml").read_text("utf-8")
    assert atom.feed.updated == "2026-01-05T10:00:00+01:00"
    links = {link.rel: link.href for link in atom.feed.links}
    assert links["self"] == "https://hub.example/atom.xml"


def test_scheduled_and_drafts_never_appear(site: Path) -> None:
    for path in site.rglob("feed.json"):
        text = path.read_text("utf-8")
        assert "Tomorrow" not in text and "Draft" not in text


def test_section_tag_and_member_feeds(site: Path) -> None:
    tag = json.loads((site / "tags/ete/feed.json").read_text("utf-8"))
    assert [i["title"] for i in tag["items"]] == ["Bread  & butter"]
    bob = json.loads((site / "members/bob/feed.json").read_text("utf-8"))
    assert [i["title"] for i in bob["items"]] == ["Bread  & butter"]
    letters = json.loads((site / "newsletters/feed.json").read_text("utf-8"))
    assert [i["title"] for i in letters["items"]] == ["Issue one"]
    assert "https://hub.example/x/" in letters["items"][0]["content_html"]


def test_pages_announce_their_feeds(site: Path) -> None:
    home = (site / "index.html").read_text("utf-8")
    assert '<link rel="alternate" type="application/rss+xml"' in home
    assert 'href="/feed.json"' in home and 'href="/atom.xml"' in home
    tag = (site / "tags/ete/index.html").read_text("utf-8")
    assert 'href="/tags/ete/feed.xml"' in tag
    member = (site / "members/ana/index.html").read_text("utf-8")
    assert 'href="/members/ana/atom.xml"' in member


def test_item_cap_and_summaries_only(make_hub, now: dt.datetime, tmp_path: Path) -> None:
    files = {"content/members/ana.md": ANA}
    for day in range(1, 8):
        files[f"content/stories/s{day}.md"] = (
            f"---\ntitle: S{day}\ndate: 2026-01-0{day}\nmembers: [ana]\n---\nBody {day}.\n")
    hub = make_hub(files, hub_yaml="title: T\nbase_url: https://t.example/\n"
                   "feeds:\n  items: 3\n  full_content: false\n")
    build(hub, now=now, out=tmp_path / "s")
    data = json.loads((tmp_path / "s/feed.json").read_text("utf-8"))
    assert [i["title"] for i in data["items"]] == ["S7", "S6", "S5"]
    assert all("content_html" not in i and i["content_text"] for i in data["items"])
    assert check_site_feeds(tmp_path / "s") > 0


def test_feed_check_reports_a_broken_feed(monkeypatch: pytest.MonkeyPatch, make_hub,
                                          now: dt.datetime, tmp_path: Path) -> None:
    from generator.render import feeds

    hub = make_hub({"content/members/ana.md": ANA,
                    "content/stories/a.md": "---\ntitle: A\ndate: 2026-01-02\nmembers: [ana]\n---\n[x](y)\n"})
    monkeypatch.setattr(feeds, "absolutize", lambda html, base: html)
    with pytest.raises(BuildFailed) as failed:
        build(hub, now=now, out=tmp_path / "s")
    assert any("relative URL in content: 'y'" in str(p) and "site/feed.xml" in str(p)
               for p in failed.value.problems)


def test_example_and_corpus_feeds(built_example: Path, built_corpus: Path) -> None:
    assert check_site_feeds(built_example) > 30
    assert check_site_feeds(built_corpus) >= 9


def test_a_summary_taken_from_a_wrapped_paragraph_keeps_its_words_apart(
        make_hub, now: dt.datetime, tmp_path: Path) -> None:
    # most bodies in a repository are wrapped; a feed reader shows the summary as one line
    hub = make_hub({"content/members/ana.md": ANA, "content/stories/wrapped.md":
                    "---\ntitle: Wrapped\ndate: 2026-01-02\nmembers: [ana]\n---\n"
                    "Le pain se fait\nle samedi, avec *la\nfarine* du moulin.\n"})
    out = tmp_path / "site"
    build(hub, now=now, out=out, link_check=False)
    said = "Le pain se fait le samedi, avec la farine du moulin."
    for name in ("feed.xml", "atom.xml"):
        assert feedparser.parse((out / name).read_bytes()).entries[0].summary == said, name
    assert json.loads((out / "feed.json").read_text("utf-8"))["items"][0]["summary"] == said


def test_a_tables_column_alignment_reaches_feed_readers(make_hub, now: dt.datetime,
                                                        tmp_path: Path) -> None:
    hub = make_hub({"content/members/ana.md": ANA, "content/stories/budget.md":
                    "---\ntitle: Budget\ndate: 2026-01-02\nmembers: [ana]\n---\n"
                    "| Poste | Montant |\n|---|--:|\n| Loyer | 600 € |\n"})
    out = tmp_path / "site"
    build(hub, now=now, out=out, link_check=False)
    for name in ("feed.xml", "atom.xml"):
        entry = feedparser.parse((out / name).read_bytes()).entries[0]
        content = entry.content[0].value
        assert '<td style="text-align: right;">600 €</td>' in content, name
        assert "<td>Loyer</td>" in content, name
    item = json.loads((out / "feed.json").read_text("utf-8"))["items"][0]
    assert '<td style="text-align:right">600 €</td>' in item["content_html"]
