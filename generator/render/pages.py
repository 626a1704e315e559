"""HTML pages: home, directory and members, stories, rituals, resources, newsletters, tags,
free pages and 404 — each a template of the theme filled from the Hub."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from generator.model import routes
from generator.model.entries import Member, Newsletter, Piece, Resource, Ritual, Story
from generator.model.hub import Hub, Tag
from generator.render.outputs import Output, Site

HOME_STORIES = 3
HOME_DATES = 5


def render(site: Site) -> Iterator[Output]:
    hub = site.hub
    yield home(site)
    yield _page(site, "members.html", "members/index.html", title_key="members",
                section="members", url=_url(hub, "members/"), members=hub.members)
    # a piece's page: the last build's when untouched, before gathering what it shows
    kept = site.untouched
    for member in hub.members:
        yield kept(member.output) or _piece_page(
            site, "member.html", member, stories=hub.stories_of(member.slug),
            rituals=hub.rituals_hosted_by(member.slug), resources=hub.resources_by(member.slug))
    yield from story_listing(site)
    for story in hub.stories:
        yield kept(story.output) or _piece_page(
            site, "story.html", story, authors=_members(hub, story.members))
    yield _page(site, "rituals.html", "rituals/index.html", title_key="rituals",
                section="rituals", url=_url(hub, "rituals/"),
                rituals=hub.listed(hub.rituals), upcoming=upcoming(hub, 10))
    for ritual in hub.rituals:
        yield kept(ritual.output) or _piece_page(
            site, "ritual.html", ritual, hosts=_members(hub, ritual.hosts),
            dates=hub.next_dates.get(ritual.slug, ()))
    yield _page(site, "resources.html", "resources/index.html", title_key="resources",
                section="resources", url=_url(hub, "resources/"),
                kinds=resource_kinds(hub))
    for resource in hub.resources:
        yield kept(resource.output) or _piece_page(
            site, "resource.html", resource, contributors=_members(hub, resource.contributed_by))
    yield _page(site, "newsletters.html", "newsletters/index.html", title_key="newsletters",
                section="newsletters", url=_url(hub, "newsletters/"),
                years=newsletter_years(hub))
    for issue in hub.newsletters:
        yield kept(issue.output) or _piece_page(
            site, "newsletter.html", issue, features=_features(hub, issue))
    yield _page(site, "tags.html", "tags/index.html", title_key="tags", section="tags",
                url=_url(hub, "tags/"),
                tags=[TagHead(t.slug, t.name, t.url, len(t.pieces)) for t in hub.tags])
    for tag in hub.tags:
        yield from tag_pages(site, tag)
    for page in hub.pages:
        yield kept(page.output) or _piece_page(site, "page.html", page)
    yield contributors_page(site)
    if hub.config.search:
        yield _page(site, "search.html", "search/index.html", title_key="search",
                    section="search", url=_url(hub, "search/"))
    yield _page(site, "404.html", "404.html", title_key="not_found", url=_url(hub, "404.html"),
                noindex=True)


def _url(hub: Hub, path: str) -> str:
    return hub.config.base_path + path


def home(site: Site) -> Output:
    hub = site.hub
    stories = hub.listed(hub.stories, HOME_STORIES)
    latest = hub.listed(hub.newsletters, 1)
    return _page(site, "home.html", "index.html", title=hub.config.title, section="home",
                 url=_url(hub, ""), stories=stories, newsletter=latest[0] if latest else None,
                 upcoming=upcoming(hub, HOME_DATES), join=join_url(hub))


def join_url(hub: Hub) -> str | None:
    """hub.yaml `join`: a page slug, a site path or a URL."""
    join = hub.config.join
    if not join:
        return None
    if "://" in join or join.startswith("mailto:"):
        return join
    page = hub.by_key.get(f"pages/{join.strip('/')}")
    if page is not None:
        return page.url
    return _url(hub, join.lstrip("/"))


def contributors_page(site: Site) -> Output:
    from generator.model.contributions import KINDS, Contributions

    hub = site.hub
    found = hub.contributions or Contributions(False)
    rows = [(m, found.members[m.slug]) for m in hub.members if m.slug in found.members]
    rows.sort(key=lambda pair: (-pair[1].total, pair[0].name))
    welcome = [m for m in (hub.member(s) for s in found.welcome) if m is not None]
    return _page(site, "contributors.html", "contributors/index.html",
                 title_key="contributors", section="contributors",
                 url=_url(hub, "contributors/"), contributions=found, rows=rows,
                 kinds=KINDS, welcome=welcome)


def upcoming(hub: Hub, count: int) -> list[tuple[Any, Ritual]]:
    """The next dates of all active rituals, merged in time order."""
    by_slug = {r.slug: r for r in hub.rituals}
    merged = [(o, by_slug[o.ritual]) for dates in hub.next_dates.values() for o in dates
              if not by_slug[o.ritual].translation_of]
    merged.sort(key=lambda pair: (pair[0].start, pair[1].slug))
    return merged[:count]


def _pages(hub: Hub, folder: str, count: int) -> Iterator[tuple[str, int, int]]:
    """(path, number, pages) of each page of a listing paginated by `pagination.per_page`."""
    pages = max(1, math.ceil(count / hub.config.per_page))
    for number in range(1, pages + 1):
        yield routes.listing_path(folder, number), number, pages


def _pager(hub: Hub, folder: str, number: int, pages: int) -> dict[str, Any]:
    return {
        "number": number, "count": pages,
        "previous": _url(hub, routes.listing_path(folder, number - 1)) if number > 1 else None,
        "next": _url(hub, routes.listing_path(folder, number + 1)) if number < pages else None,
    }


def story_listing(site: Site) -> Iterator[Output]:
    hub = site.hub
    stories = hub.listed(hub.stories)
    per_page = hub.config.per_page
    for path, number, pages in _pages(hub, "stories", len(stories)):
        kept = site.untouched(path + "index.html")
        if kept is not None:
            yield kept
            continue
        yield _page(site, "stories.html", path + "index.html", title_key="stories",
                    section="stories", url=_url(hub, path),
                    stories=stories[(number - 1) * per_page: number * per_page],
                    pager=_pager(hub, "stories", number, pages))


@dataclass(frozen=True)
class TagHead:
    """What a tag page says of its tag: the page's pieces come apart, page by page."""

    slug: str
    name: str
    url: str
    count: int


def tag_pages(site: Site, tag: Tag) -> Iterator[Output]:
    """/tags/<tag>/ and /tags/<tag>/page/N/: the tag's pieces by section (stories newest first,
    then rituals, resources, newsletters), paginated like the story list."""
    hub = site.hub
    head = TagHead(tag.slug, tag.name, tag.url, len(tag.pieces))
    per_page = hub.config.per_page
    ordered: list[Piece] = []
    folder = routes.tag_path(tag.slug).rstrip("/")
    for path, number, pages in _pages(hub, folder, len(tag.pieces)):
        kept = site.untouched(path + "index.html")
        if kept is not None:
            yield kept
            continue
        if not ordered:
            ordered = [p for _, group in _group_by_section(tag.pieces) for p in group]
        chunk = ordered[(number - 1) * per_page: number * per_page]
        yield _page(site, "tag.html", path + "index.html", title=tag.name, section="tags",
                    url=_url(hub, path), tag=head, groups=_group_by_section(chunk),
                    pager=_pager(hub, folder, number, pages))


def resource_kinds(hub: Hub) -> list[tuple[str, list[Resource]]]:
    kinds: dict[str, list[Resource]] = {}
    for resource in hub.listed(hub.resources):
        assert isinstance(resource, Resource)
        kinds.setdefault(resource.kind, []).append(resource)
    return sorted(kinds.items())


def newsletter_years(hub: Hub) -> list[tuple[int, list[Newsletter]]]:
    years: dict[int, list[Newsletter]] = {}
    for issue in hub.listed(hub.newsletters):
        assert isinstance(issue, Newsletter)
        years.setdefault(issue.date.year, []).append(issue)
    return sorted(years.items(), reverse=True)


def _members(hub: Hub, slugs: Iterable[str]) -> list[Member]:
    return [m for m in (hub.member(s) for s in slugs) if m is not None]


def _features(hub: Hub, issue: Newsletter) -> list[Piece]:
    return [hub.by_key[ref] for ref in issue.features if ref in hub.by_key]


def _group_by_section(pieces: Iterable[Piece]) -> list[tuple[str, list[Piece]]]:
    groups: dict[str, list[Piece]] = {}
    for piece in pieces:
        groups.setdefault(piece.section, []).append(piece)
    order = ["stories", "rituals", "resources", "newsletters"]
    return [(s, groups[s]) for s in order if s in groups]


def _piece_page(site: Site, template: str, piece: Piece, **extra: Any) -> Output:
    body = site.bodies.get(piece.key)
    return _page(
        site, template, piece.output, title=getattr(piece, "title", piece.slug),
        section=piece.section, url=piece.url, piece=piece, lang=piece.lang,
        body=Markup(body.html) if body else Markup(""),
        description=getattr(piece, "summary", None) or (body.excerpt if body else None),
        image=getattr(piece, "image", None) or getattr(piece, "avatar", None),
        translations=site.hub.translations.get(piece.key, ()), **_git_facts(site, piece), **extra)


def _git_facts(site: Site, piece: Piece) -> dict[str, Any]:
    """'Updated' from git, 'edit this page' from repo_url, and a member's record."""
    found = site.hub.contributions
    config = site.hub.config
    facts: dict[str, Any] = {"updated": None, "edit_url": None, "record": None}
    if config.repo_url:
        path = found.repo_path.get(piece.key, piece.source) if found else piece.source
        facts["edit_url"] = f"{config.repo_url.rstrip('/')}/edit/{config.repo_branch}/{path}"
    if found is not None and found.available:
        facts["updated"] = found.updated.get(piece.key)
        facts["record"] = found.members.get(piece.slug) if piece.section == "members" else None
    return facts


def _page(site: Site, template: str, output: str, *, url: str, title: str | None = None,
          title_key: str | None = None, section: str = "", lang: str | None = None,
          description: str | None = None, aggregate: bool = False,
          basis: tuple[Any, ...] | None = None, **extra: Any) -> Output:
    hub = site.hub
    menu = [p for p in hub.pages if p.menu is not None and not p.translation_of]
    inputs = (template, url, title, title_key, section, lang, description, menu,
              join_url(hub), extra)
    return site.output(output, inputs, aggregate=aggregate, basis=basis,
                       make=lambda recorder: _render(
                           site, recorder, template, url=url, title=title, title_key=title_key,
                           section=section, lang=lang, description=description, menu=menu,
                           extra=extra))


def _render(site: Site, recorder: Any, template: str, *, url: str, title: str | None,
            title_key: str | None, section: str, lang: str | None, description: str | None,
            menu: list[Piece], extra: dict[str, Any]) -> bytes:
    hub = site.hub
    view = site.hub_for(recorder)
    env = site.theme.env
    context: dict[str, Any] = {
        "hub": view,
        "lang": lang or hub.config.language,
        "section": section,
        "url": url,
        "canonical": site.theme.absolute(url),
        "title_key": title_key,
        "description": description or hub.config.description,
        "menu": menu,
        "join_url": join_url(hub),
        "translations": (),
        "image": None,
        "piece": None,
        "noindex": False,
        "body": Markup(""),
        "theme_asset": site.theme.asset_url,
        "site_url": lambda path: path if "://" in path else _url(hub, path.lstrip("/")),
        "tag_links": view.tag_slugs,
        "Story": Story, "Ritual": Ritual, "Resource": Resource, "Newsletter": Newsletter,
    }
    context.update(extra)
    context["feeds"] = _feed_links(site, section, extra)
    if title is None:
        title = site.theme.translate(_Ctx(context), title_key or "")
    context["title"] = title
    return env.get_template(template).render(context).encode("utf-8")


def _feed_links(site: Site, section: str, extra: dict[str, Any]) -> list[dict[str, str]]:
    """The feeds a page announces with <link rel="alternate">."""
    hub = site.hub
    piece = extra.get("piece")
    tag = extra.get("tag")
    slug = tag.slug if tag is not None else (piece.slug if piece is not None else None)
    if section == "members" and (piece is None or piece.translation_of):
        slug = None
    links = []
    for folder in routes.feed_folders(section, slug):
        for name, mime, label in routes.FEED_FILES:
            title = hub.config.title if not folder else f"{hub.config.title} · {folder.strip('/')}"
            links.append({"type": mime, "title": f"{title} ({label})",
                          "url": hub.config.base_path + folder + name})
    return links


class _Ctx(dict):  # type: ignore[type-arg]
    """A minimal stand-in for a Jinja context, for translating outside templates."""
