"""axe-core on one page of every kind, light and dark: no WCAG 2.1 A/AA violation."""

from __future__ import annotations

import pytest

from ..conftest import require_tool

pytestmark = pytest.mark.browser

KINDS = {
    "home": "/", "directory": "/members/", "member": "/members/amina-diallo/",
    "member-initials": "/members/paul-lambert/", "story-list": "/stories/",
    "story": "/stories/accessibilite-pour-debutants/", "ritual-list": "/rituals/",
    "ritual": "/rituals/cafe-mentorat/", "resources": "/resources/",
    "resource": "/resources/glossaire-rust/", "newsletter-archive": "/newsletters/",
    "issue": "/newsletters/la-gazette-8/", "tag": "/tags/accessibilite/", "tags": "/tags/",
    "tag-page-2": "/tags/entraide/page/2/",
    "calendar": "/calendar/", "contributors": "/contributors/", "pulse": "/pulse/", "search": "/search/?q=soudure", "page": "/charte/",
    "translation": "/stories/why-i-opened-la-cantine/", "404": "/404.html",
}
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="module")
def axe():  # type: ignore[no-untyped-def]
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        require_tool(False, "axe-playwright-python (pip)")
    return Axe()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_kind_has_no_violation(browser, base_url: str, axe, scheme: str) -> None:
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    found = {}
    try:
        for kind, path in KINDS.items():
            page.goto(base_url + path)
            if kind == "search":
                page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
            result = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
            violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                          for v in result.response["violations"]]
            if violations:
                found[kind] = violations
    finally:
        context.close()
    assert found == {}


@pytest.mark.parametrize("path", ["/", "/newsletters/", "/newsletters/this-week-in-rust-640/",
                                  "/newsletters/this-week-in-rust-100/",
                                  "/newsletters/this-week-in-rust-400/", "/privacy-policy/"])
def test_corpus_sample_has_no_violation(browser, built_corpus, axe, path: str) -> None:
    from .conftest import serve

    server = serve(built_corpus)
    base = next(server)
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(base + path)
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
        violations = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                      for v in result.response["violations"]]
    finally:
        context.close()
        server.close()
    assert violations == []
