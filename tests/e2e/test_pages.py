"""Navigation, keyboard, search, layout and dark mode, as a person uses the example hub."""

from __future__ import annotations

import urllib.request
from urllib.parse import urlsplit

import feedparser
import pytest

pytestmark = pytest.mark.browser

MAIN_PAGES = ["/", "/members/", "/members/amina-diallo/", "/stories/",
              "/stories/pourquoi-la-cantine/", "/rituals/", "/rituals/permanence-du-jeudi/",
              "/resources/", "/newsletters/", "/newsletters/la-gazette-8/", "/tags/entraide/",
              "/calendar/", "/search/", "/a-propos/", "/404.html"]


def test_home_member_story_tag_feed(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.click("a[href='/members/']")
    page.click("text=Amina Diallo")
    assert page.url.endswith("/members/amina-diallo/")
    # her bio is wrapped over lines: its words stay apart in what link previews show
    description = page.locator("meta[name=description]").get_attribute("content") or ""
    assert "fondé la Cantine en 2023" in description and "du jeudi" in description
    page.click("text=Pourquoi j’ai ouvert la Cantine du Code")
    assert page.locator("h1").inner_text() == "Pourquoi j’ai ouvert la Cantine du Code"
    page.locator(".story-footer .tags a", has_text="Entraide").click()
    assert page.url.endswith("/tags/entraide/")
    feed = page.locator("link[rel=alternate][type='application/rss+xml']").last.get_attribute("href")
    assert feed == "/tags/entraide/feed.xml"
    with urllib.request.urlopen(base_url + feed) as response:
        parsed = feedparser.parse(response.read())
    assert parsed.bozo == 0 and len(parsed.entries) >= 3
    assert page.console_errors == []


def test_a_tag_walks_page_by_page(page, base_url: str) -> None:
    """A tag with more pieces than a page holds is paginated like the story list: the pager
    links go forward and back, every piece of the tag is on exactly one page, and the tag's feed
    still has its newest pieces."""
    page.goto(base_url + "/tags/entraide/")
    total = int(page.locator(".lede").inner_text().split()[0])
    seen: list[str] = []
    while True:
        seen += page.locator("main .card-title a").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))")
        following = page.locator("nav.pager a[rel=next]")
        if following.count() == 0:
            break
        following.click()
    assert page.url.endswith("/tags/entraide/page/2/") and total > 10
    assert len(seen) == len(set(seen)) == total
    page.locator("nav.pager a[rel=prev]").click()
    assert page.url.endswith("/tags/entraide/")
    with urllib.request.urlopen(base_url + "/tags/entraide/feed.xml") as response:
        parsed = feedparser.parse(response.read())
    assert parsed.bozo == 0 and {urlsplit(e.link).path for e in parsed.entries} <= set(seen)
    assert page.console_errors == []


def test_keyboard_alone(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    page.goto(base_url + "/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Rituels":
            break
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_url("**/rituals/")
    assert page.locator("h1").inner_text() == "Rituels"


def test_search_finds_a_french_word(page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.fill("#site-search-q", "soudure")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=soudure")
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    links = page.eval_on_selector_all(".pagefind-ui__result-link", "els => els.map(e => e.href)")
    assert any("atelier-soudure" in link for link in links)
    page.locator(".pagefind-ui__result-link").first.click()
    page.wait_for_load_state()
    assert "soudure" in page.content().lower()
    assert page.console_errors == []


@pytest.mark.parametrize("width", [375, 1280])
def test_no_horizontal_scroll_and_no_console_errors(browser, base_url: str, width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        for path in MAIN_PAGES:
            page.goto(base_url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (path, width, overflow)
        errors = [e for e in errors if "404" not in e]  # /404.html is served with 200 here
        assert errors == []
    finally:
        context.close()


def test_dark_mode_renders(browser, base_url: str) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(base_url + "/")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    text = page.evaluate("getComputedStyle(document.body).color")
    context.close()
    channels = [int(c) for c in background[4:-1].split(",")[:3]]
    assert sum(channels) < 150, background
    assert sum(int(c) for c in text[4:-1].split(",")[:3]) > 500, text


def test_pages_and_search_work_under_the_site_csp(page, base_url: str) -> None:
    """The e2e server sends site/_headers like Netlify: the theme and search obey that CSP."""
    response = page.goto(base_url + "/search/?q=rituel")
    assert "script-src 'self' 'wasm-unsafe-eval'" in response.headers["content-security-policy"]
    page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
    for path in ("/", "/calendar/", "/rituals/cafe-mentorat/", "/newsletters/la-gazette-8/email.html"):
        page.goto(base_url + path)
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []


def test_a_tables_right_aligned_column_shows_right_aligned(page, base_url: str) -> None:
    """Markdown's | --: | column, through the sanitiser and under the site's CSP."""
    response = page.goto(base_url + "/stories/auto-heberger-sa-famille/")
    assert "content-security-policy" in response.headers
    row = page.locator(".prose table tbody tr").first
    align = "el => getComputedStyle(el).textAlign"
    assert row.locator("td").first.evaluate(align) in ("left", "start")
    assert row.locator("td").last.evaluate(align) == "right"
    assert page.locator(".prose table thead th").last.evaluate(align) == "right"
