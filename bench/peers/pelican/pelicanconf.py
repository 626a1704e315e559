"""Pelican settings for the foyer benchmark; bench/peers.py copies this file into the project and
appends SITENAME, SITEURL, THEME and MEMBERS (member id -> name, read from the hub) to it."""

AUTHOR = "Bench hub"
TIMEZONE = "Europe/Paris"
DEFAULT_LANG = "en"
DEFAULT_DATE_FORMAT = "%B %-d, %Y"

# Stories are articles, members are pages; rituals/resources/newsletters are not copied.
ARTICLE_PATHS = ["stories"]
PAGE_PATHS = ["members"]
STATIC_PATHS = []
THEME_STATIC_PATHS = []
SLUGIFY_SOURCE = "basename"          # stories/s12.md -> s12, members/m3.md -> m3
USE_FOLDER_AS_CATEGORY = False

ARTICLE_URL = "stories/{slug}/"
ARTICLE_SAVE_AS = "stories/{slug}/index.html"
PAGE_URL = "members/{slug}/"
PAGE_SAVE_AS = "members/{slug}/index.html"
TAG_URL = "tags/{slug}/"
TAG_SAVE_AS = "tags/{slug}/index.html"
TAGS_SAVE_AS = "tags/index.html"
AUTHORS_SAVE_AS = "members/index.html"   # the member list (authors are the stories' members)
INDEX_SAVE_AS = "stories/index.html"     # the paginated story list
TEMPLATE_PAGES = {"home.html": "index.html"}
DIRECT_TEMPLATES = ["index", "tags", "authors"]
# Nothing else: no per-author, category or archive pages, no translations.
AUTHOR_SAVE_AS = ""
CATEGORY_SAVE_AS = ""
CATEGORIES_SAVE_AS = ""
ARCHIVES_SAVE_AS = ""
ARTICLE_LANG_SAVE_AS = ""
PAGE_LANG_SAVE_AS = ""
DRAFT_SAVE_AS = ""
DRAFT_PAGE_SAVE_AS = ""


# Newest first; same date: file name descending (as foyer and Hugo's .ByDate.Reverse do). A key
# function can't say "reverse", so the name's characters are negated (the 1 ends the name).
def ARTICLE_ORDER_BY(article):  # noqa: N802
    return -article.date.timestamp(), tuple(-ord(c) for c in article.slug) + (1,)


DEFAULT_PAGINATION = 10
PAGINATED_TEMPLATES = {"index": None, "tag": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/page/{number}/", "{base_name}/page/{number}/index.html"),
)

# One RSS feed: the 20 newest stories, full content.
FEED_ALL_RSS = "feed.xml"
FEED_MAX_ITEMS = 20
RSS_FEED_SUMMARY_ONLY = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
CATEGORY_FEED_RSS = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TAG_FEED_ATOM = None
TAG_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
TRANSLATION_FEED_RSS = None

# Markdown: tables and fenced code, heading ids (toc), no Pygments highlighting (like foyer).
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.toc": {},
        "markdown.extensions.tables": {},
        "markdown.extensions.fenced_code": {},
        "markdown.extensions.meta": {},
    },
    "output_format": "html5",
}

# Cold builds: no content cache is read or written.
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False
RELATIVE_URLS = False
