"""The URL and output file of every piece and listing, computed once; collisions reported."""

from __future__ import annotations

from dataclasses import replace

from generator.model.entries import Piece
from generator.problems import Problems

SECTION_ROOTS = ("members", "stories", "rituals", "resources", "newsletters")
# Top-level names that pages may not take: section listings and generated files.
RESERVED = frozenset({
    *SECTION_ROOTS, "tags", "calendar", "contributors", "pulse", "search", "pagefind",
    "static", "feed.xml", "atom.xml", "feed.json", "sitemap.xml", "robots.txt", "404",
    "404.html", "index", "page", "rituals.ics", "calendar.ics", "images", "files", "css",
    "theme", ".foyer",
})


def piece_path(section: str, slug: str) -> str:
    """Site-relative folder of a piece: 'stories/slug/' or, for pages, 'slug/'."""
    return f"{slug}/" if section == "pages" else f"{section}/{slug}/"


def with_route(piece: Piece, base_path: str) -> Piece:
    path = piece_path(piece.section, piece.slug)
    return replace(piece, url=base_path + path, output=path + "index.html")


def listing_path(section: str, page: int = 1) -> str:
    return f"{section}/" if page == 1 else f"{section}/page/{page}/"


def tag_path(tag_slug: str) -> str:
    return f"tags/{tag_slug}/"


def check_collisions(pieces: list[Piece], static_files: list[str], problems: Problems) -> None:
    """Two pieces at one URL, a page on a reserved name, a page hidden by a static file."""
    seen: dict[str, Piece] = {}
    static_tops = {f.split("/", 1)[0] for f in static_files}
    for piece in sorted(pieces, key=lambda p: p.source):
        path = piece_path(piece.section, piece.slug)
        if piece.section == "pages" and (piece.slug in RESERVED or piece.slug in static_tops):
            problems.error(piece.source, 1, f"page '{piece.slug}' would take the address "
                           f"/{piece.slug}/, which foyer or static/ already uses",
                           "rename the file")
            continue
        other = seen.get(path)
        if other is not None:
            problems.error(piece.source, 1, f"two files give the address /{path}: "
                           f"{other.source} and {piece.source}",
                           "rename one of them; a date prefix is not part of the slug")
        else:
            seen[path] = piece


FEED_FILES = (("feed.xml", "application/rss+xml", "RSS"),
              ("atom.xml", "application/atom+xml", "Atom"),
              ("feed.json", "application/feed+json", "JSON Feed"))


def feed_folders(section: str, slug: str | None = None) -> list[str]:
    """Folders whose feeds a page announces: the site's, plus its section's, tag's or member's."""
    folders = [""]
    if section in ("stories", "newsletters"):
        folders.append(f"{section}/")
    elif section == "tags" and slug:
        folders.append(tag_path(slug))
    elif section == "members" and slug:
        folders.append(piece_path("members", slug))
    return folders
