"""Screenshots of the main pages at 375 and 1280 px, light and dark (`make screenshots`)."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.e2e.conftest import ARGS, CHROMIUM, serve  # noqa: E402

PAGES = {"home": "/", "members": "/members/", "member": "/members/amina-diallo/",
         "stories": "/stories/", "story": "/stories/pourquoi-la-cantine/",
         "rituals": "/rituals/", "ritual": "/rituals/permanence-du-jeudi/",
         "resources": "/resources/", "newsletter": "/newsletters/la-gazette-8/",
         "calendar": "/calendar/", "search": "/search/?q=soudure"}


def main(site: str, out: str) -> None:
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    server = serve(Path(site))
    base = next(server)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for scheme in ("light", "dark"):
            for width in (375, 1280):
                context = browser.new_context(viewport={"width": width, "height": 900},
                                              color_scheme=scheme)
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(base + path)
                    if name == "search":
                        page.wait_for_selector(".pagefind-ui__result-link", timeout=15000)
                    page.screenshot(path=str(target / f"{name}-{width}-{scheme}.png"),
                                    full_page=True)
                context.close()
        browser.close()
    server.close()
    print(f"{len(PAGES) * 4} screenshots in {target}/")  # noqa: T201


if __name__ == "__main__":
    main(*sys.argv[1:3])
