"""sitemap.xml and robots.txt, for hosting and search engines."""

from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape

from generator.render.outputs import Output, Site


def render(site: Site) -> Iterator[Output]:
    # URLs and dates are the hub's structure: an edit of content alone leaves both files as
    # they were (see model/structure.py)
    kept = [site.untouched("sitemap.xml"), site.untouched("robots.txt")]
    if all(kept):
        yield from (o for o in kept if o is not None)
        return
    hub = site.hub
    absolute = site.theme.absolute
    entries: list[tuple[str, str | None]] = [(absolute(hub.config.base_path), None)]
    for section in ("members", "stories", "rituals", "resources", "newsletters", "tags",
                    "contributors", "pulse", "calendar"):
        entries.append((absolute(f"{hub.config.base_path}{section}/"), None))
    updated = hub.contributions.updated if hub.contributions else {}
    for piece in hub.pieces:
        when = updated.get(piece.key) or piece.sort_date
        entries.append((absolute(piece.url), when.date().isoformat() if when else None))
    for tag in hub.tags:
        entries.append((absolute(tag.url), None))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for loc, lastmod in sorted(set(entries)):
        lines.append(f"  <url><loc>{escape(loc)}</loc>"
                     + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</url>")
    lines.append("</urlset>")
    data = ("\n".join(lines) + "\n").encode("utf-8")
    yield site.output("sitemap.xml", ("sitemap", data), lambda _: data)
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {absolute(hub.config.base_path)}sitemap.xml\n"
    yield site.output("robots.txt", ("robots", robots), lambda _: robots.encode("utf-8"))
