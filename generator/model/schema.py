"""Every hub.yaml setting and front-matter field, declared once with its type, default and doc.

Validation, defaults, `foyer new` templates and the check of docs/content-model.md all derive
from these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # a coercer in model/fields.py, or "group"
    doc: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()
    fields: tuple[Field, ...] = ()  # for kind == "group"
    extension: bool = False  # added by foyer beyond shared/content-model.md

    def sub(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


INTENTS = ("give", "ask")
RITUAL_STATUSES = ("active", "paused", "ended")
PLANNED_STATUSES = ("idea", "draft", "scheduled")

HUB = (
    Field("title", "text", "the hub's name", required=True),
    Field("base_url", "base_url", "absolute URL where the site is hosted; feeds and sitemap use it",
          required=True),
    Field("description", "text", "one sentence: the community's value proposition for its members"),
    Field("language", "lang", "BCP 47 tag of the content; the theme's own words follow it",
          default="en"),
    Field("timezone", "timezone", "IANA zone used for dates without an offset and for rituals",
          default="UTC"),
    Field("theme", "text", "a packaged theme name or a path", default="default"),
    Field("repo_url", "url", "the hub's repository (https://github.com/org/hub), for "
          "'edit this page' links", extension=True),
    Field("repo_branch", "text", "the branch that is published", default="main", extension=True),
    Field("join", "link", "where to join: a page slug, a path or a URL, shown on the home page",
          extension=True),
    Field("give_first", "group", "the give-first rule", default={}, fields=(
        Field("gives_per_ask", "int", "at least this many `give` pieces between two `ask` pieces",
              default=3),
        Field("since", "date", "only pieces on or after this date count for the rule",
              extension=True),
    )),
    Field("feeds", "group", "feeds", default={}, fields=(
        Field("items", "int", "items per feed", default=20),
        Field("full_content", "bool", "full HTML in feeds, or summaries only", default=True),
    )),
    Field("newsletter", "group", "the email version of newsletter issues", default={},
          extension=True, fields=(
        Field("from", "text", "sender of `foyer newsletter` emails, e.g. `Team <hi@example.org>`",
              extension=True),
        Field("list_unsubscribe", "text", "the List-Unsubscribe header, e.g. "
              "`<mailto:leave@example.org>`; a placeholder when absent", extension=True),
    )),
    Field("html", "group", "raw HTML in content", default={}, extension=True, fields=(
        Field("trusted", "bool", "true: keep every contributor's HTML as written (no sanitising)",
              default=False, extension=True),
        Field("embeds", "texts", "hosts whose <iframe> embeds are kept (default: the usual "
              "video hosts)", extension=True),
    )),
    Field("hosting", "group", "files for the static host", default={}, extension=True, fields=(
        Field("headers", "bool", "write site/_headers (Netlify, Cloudflare Pages) with a "
              "Content-Security-Policy the theme satisfies", default=True, extension=True),
    )),
    Field("search", "group", "site search (Pagefind)", default={}, extension=True, fields=(
        Field("enabled", "bool", "index the site and add a search box and page", default=True,
              extension=True),
    )),
    Field("pagination", "group", "listings", default={}, extension=True, fields=(
        Field("per_page", "int", "stories per page in /stories/", default=10, extension=True),
    )),
)

COMMON = (
    Field("lang", "lang", "BCP 47 tag of this piece; default the hub's `language`"),
    Field("translation_of", "slug",
          "the slug of the same piece in another language, same section"),
)

DRAFT = Field("draft", "bool", "true leaves the piece out entirely (shown with --drafts)",
              default=False)
INTENT = Field("intent", "choice", "`give` (value for members) or `ask`", default="give",
               choices=INTENTS)

SECTIONS: dict[str, tuple[Field, ...]] = {
    "members": (
        Field("name", "text", "the member's name", required=True),
        Field("role", "text", "what they do in the community"),
        Field("joined", "date", "when they joined"),
        Field("location", "text", "where they are"),
        Field("pronouns", "text", "their pronouns"),
        Field("avatar", "image", "picture: a file under static/ or an absolute URL"),
        Field("links", "links", "map of name → URL (website, mastodon, github, linkedin, …)"),
        Field("interests", "texts", "list of interests"),
        Field("git", "texts", "the names or e-mails this member commits with, so their "
              "contributions are recognised", extension=True),
        *COMMON,
    ),
    "stories": (
        Field("title", "text", "the story's title", required=True),
        Field("date", "datetime", "publication date; in the future = scheduled", required=True),
        Field("members", "slugs", "whose story it is: at least one member slug", required=True),
        Field("tags", "tags", "list of tags"),
        Field("summary", "text", "one or two sentences for lists and feeds"),
        Field("image", "image", "illustration: a file under static/ or an absolute URL"),
        INTENT,
        DRAFT,
        *COMMON,
    ),
    "rituals": (
        Field("title", "text", "the ritual's name", required=True),
        Field("starts", "datetime", "date-time of the first occurrence", required=True),
        Field("duration", "duration", "`90m`, `1h30`, `2h`, `2d` or ISO 8601 `PT1H30M`",
              required=True),
        Field("repeat", "rrule", "an RFC 5545 RRULE such as `FREQ=WEEKLY;BYDAY=TH`; absent for a "
              "one-off", required=False),
        Field("until", "date", "last day of the ritual"),
        Field("except", "dates", "list of cancelled dates"),
        Field("timezone", "timezone", "IANA zone of `starts`; default the hub's"),
        Field("where", "group", "where it happens", fields=(
            Field("online", "url", "link to join online"),
            Field("place", "text", "a place people can come to"),
        )),
        Field("hosts", "slugs", "member slugs of the hosts"),
        Field("loop", "group", "the habit loop the ritual builds", fields=(
            Field("trigger", "text", "what reminds people to come"),
            Field("routine", "text", "what happens"),
            Field("reward", "text", "what they take home"),
        )),
        Field("tags", "tags", "list of tags"),
        Field("summary", "text", "one or two sentences"),
        INTENT,
        Field("status", "choice", "`active`, `paused` or `ended`", default="active",
              choices=RITUAL_STATUSES),
        Field("draft", "bool", "true leaves the ritual out entirely", default=False,
              extension=True),
        *COMMON,
    ),
    "resources": (
        Field("title", "text", "the resource's title", required=True),
        Field("kind", "word", "`guide`, `tool`, `template`, `talk`, `book`, `article`, or another "
              "word", required=True),
        Field("url", "link", "an absolute URL or a file under static/; when absent the body is "
              "the resource"),
        Field("tags", "tags", "list of tags"),
        Field("summary", "text", "one or two sentences"),
        Field("added", "datetime", "when it was added; in the future = scheduled"),
        Field("contributed_by", "slugs", "member slugs"),
        Field("draft", "bool", "true leaves the resource out entirely", default=False,
              extension=True),
        *COMMON,
    ),
    "newsletters": (
        Field("title", "text", "the issue's title", required=True),
        Field("number", "int", "unique issue number", required=True),
        Field("date", "datetime", "publication date; in the future = scheduled", required=True),
        Field("summary", "text", "one or two sentences; the email preheader"),
        INTENT,
        Field("features", "refs", "list of `stories/<slug>`, `resources/<slug>`, "
              "`rituals/<slug>` shown as cards"),
        Field("draft", "bool", "true leaves the issue out entirely", default=False,
              extension=True),
        *COMMON,
    ),
    "pages": (
        Field("title", "text", "the page's title", required=True),
        Field("menu", "int", "position in the main menu"),
        Field("draft", "bool", "true leaves the page out entirely", default=False,
              extension=True),
        *COMMON,
    ),
}

PLANNED = (
    Field("date", "date", "planned date", required=True),
    Field("title", "text", "what is planned", required=True),
    Field("intent", "choice", "`give` or `ask`", required=True, choices=INTENTS),
    Field("channel", "word", "`newsletter`, `story`, `social`, `event`, or another word"),
    Field("status", "choice", "`idea`, `draft` or `scheduled`", default="idea",
          choices=PLANNED_STATUSES),
    Field("notes", "text", "notes for the team"),
)
