"""The Jinja environment: a hub's own theme over the packaged one, template by template;
filters for dates and URLs; the theme's words in the page's language."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import yaml
from markupsafe import Markup

from generator.config import HubConfig
from generator.model.entries import Ritual
from generator.model.fields import tag_slug

DEFAULT_THEME = "default"


def packaged_themes() -> Path:
    """themes/ inside the installed package, or at the repository root in a checkout."""
    inside = Path(__file__).resolve().parent.parent / "themes"
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parent.parent.parent / "themes"


def theme_folders(config: HubConfig) -> list[Path]:
    """Theme folders from most to least specific: the hub's own, then the packaged default."""
    folders: list[Path] = []
    name = config.theme
    local = (config.root / name) if ("/" in name or name.startswith(".")) else \
        config.root / "themes" / name
    if local.is_dir():
        folders.append(local)
    packaged = packaged_themes() / name
    if packaged.is_dir() and packaged not in folders:
        folders.append(packaged)
    default = packaged_themes() / DEFAULT_THEME
    if default not in folders:
        folders.append(default)
    return folders


def theme_exists(config: HubConfig) -> bool:
    return len(theme_folders(config)) > 1 or config.theme == DEFAULT_THEME


@lru_cache(maxsize=8)
def _load_words(folders: tuple[Path, ...]) -> dict[str, dict[str, Any]]:
    words: dict[str, dict[str, Any]] = {}
    for folder in reversed(folders):  # least specific first, overridden by the hub's theme
        i18n = folder / "i18n"
        if not i18n.is_dir():
            continue
        for path in sorted(i18n.glob("*.yaml")):
            words.setdefault(path.stem, {}).update(yaml.safe_load(path.read_text("utf-8")) or {})
    return words


class Theme:
    """Templates and words of the theme in use."""

    def __init__(self, config: HubConfig):
        self.config = config
        self.folders = tuple(theme_folders(config))
        self.words = _load_words(self.folders)
        self.env = jinja2.Environment(
            loader=jinja2.ChoiceLoader(
                [jinja2.FileSystemLoader(str(f / "templates")) for f in self.folders]),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # a Theme lives as long as its files: any change to them is a new settings digest,
            # hence a new Theme (build.render); no stat of each template at each render
            auto_reload=False,
        )
        self.env.filters.update({
            "date": self.format_date,
            "datetime": self.format_datetime,
            "time": self.format_time,
            "iso": lambda d: d.isoformat(),
            "absolute": self.absolute,
            "rule_text": self.rule_text,
            "duration_text": duration_text,
            "slug": tag_slug,
            "lang_name": lambda code: LANGUAGE_NAMES.get(code.split("-")[0], code),
        })
        self.env.globals.update({"t": self.translate, "config": config,
                                 "avatar_color": avatar_color, "memo": self.memo})
        self._memo: dict[tuple[Any, ...], tuple[Any, Markup]] = {}
        self._memo_hub: Any = None
        self._assets: dict[str, str] = {}

    @jinja2.pass_context
    def memo(self, context: jinja2.runtime.Context, kind: str, piece: Any, *args: Any,
             caller: Any) -> Markup:
        """`{% call memo('story_card', story) %}…{% endcall %}`: a fragment that only depends
        on its piece (its people and tags among them), the page's language and the extra
        arguments, rendered once per build (a story's card stands on its list page, its tag
        pages, its member's: the card's heading level, h2 or h3, stays outside the memo, so the
        rest is rendered once, not once per level). base.html's header and footer are memoised
        the same way: they depend only on the settings (in every output's fingerprint), the
        language, the section and, for the header, whether the page is a menu page (which one:
        its link is marked as the current page); a story's header is every story's."""
        hub = context.get("hub")
        real = getattr(hub, "_hub", hub)
        if real is not self._memo_hub:
            self._memo.clear()
            self._memo_hub = real
        key = (kind, id(piece), context.get("lang"), *args)
        found = self._memo.get(key)
        if found is not None and found[0] is piece:
            return found[1]
        html = Markup(caller())
        self._memo[key] = (piece, html)
        return html

    def language(self, lang: str) -> str:
        """The theme language closest to a content language ('fr-CA' → 'fr', else 'en')."""
        primary = lang.split("-")[0].lower()
        if primary in self.words:
            return primary
        hub = self.config.language.split("-")[0].lower()
        return hub if hub in self.words else "en"

    @jinja2.pass_context
    def translate(self, context: jinja2.runtime.Context, key: str, **values: Any) -> str:
        lang = self.language(context.get("lang", self.config.language))
        text = self.words.get(lang, {}).get(key)
        if text is None:
            text = self.words.get("en", {}).get(key, key)
        if isinstance(text, dict):  # plural forms: {one: …, other: …}
            count = values.get("count", 0)
            singular = count == 1 or (lang == "fr" and count == 0)  # French: 0 is singular
            text = text.get("one" if singular else "other", "")
        return str(text).format(**values) if values else str(text)

    def _months(self, lang: str) -> list[str]:
        return list(self.words.get(self.language(lang), {}).get("months", [])) or [
            dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)]

    def format_date(self, value: dt.date, lang: str = "en", style: str = "long") -> str:
        lang = self.language(lang)
        if isinstance(value, dt.datetime):
            value = value.date()
        month = self._months(lang)[value.month - 1]
        if style == "month":
            return f"{month} {value.year}"
        pattern = self.words.get(lang, {}).get("date_format", "{month} {day}, {year}")
        day = "1er" if (lang == "fr" and value.day == 1) else str(value.day)
        return str(pattern).format(day=day, month=month, year=value.year)

    def format_time(self, value: dt.datetime, lang: str = "en") -> str:
        pattern = self.words.get(self.language(lang), {}).get("time_format", "%H:%M")
        return value.strftime(str(pattern)).lstrip("0") if pattern.startswith("%I") else \
            value.strftime(str(pattern))

    def format_datetime(self, value: dt.datetime, lang: str = "en") -> str:
        words = self.words.get(self.language(lang), {})
        weekdays = words.get("weekdays") or [""] * 7
        pattern = words.get("datetime_format", "{weekday}, {date} at {time}")
        return str(pattern).format(weekday=weekdays[value.weekday()],
                                   date=self.format_date(value, lang),
                                   time=self.format_time(value, lang)).strip()

    def rule_text(self, ritual: Ritual, lang: str = "en") -> str:
        """'every week · Thursday · 6:30 PM' from a ritual's rule, in the page's language."""
        words = self.words.get(self.language(lang), {})
        start = ritual.starts.astimezone(ZoneInfo(ritual.timezone))
        if not ritual.repeat:
            return f"{words.get('one_off', 'once')} · {self.format_datetime(start, lang)}"
        parts = dict(p.split("=", 1) for p in ritual.repeat.split(";") if "=" in p)
        freq = parts.get("FREQ", "").lower()
        interval = int(parts.get("INTERVAL", "1") or 1)
        key = f"freq_{freq}" + ("_n" if interval > 1 else "")
        text = str(words.get(key, freq)).format(n=interval)
        weekdays = list(words.get("weekdays", [])) or list(WEEKDAY_CODES)
        days = []
        for code in filter(None, parts.get("BYDAY", "").split(",")):
            match = re.match(r"^([+-]?\d+)?(MO|TU|WE|TH|FR|SA|SU)$", code)
            if not match:
                continue
            name = weekdays[WEEKDAY_CODES.index(match.group(2))]
            if match.group(1):
                name = f"{_ordinal(int(match.group(1)), self.language(lang))} {name}"
            days.append(name)
        pieces = [text]
        if days:
            pieces.append(", ".join(days))
        pieces.append(self.format_time(start, lang))
        if ritual.until:
            pieces.append(f"{words.get('until', 'until')} {self.format_date(ritual.until, lang)}")
        return " · ".join(pieces)

    def absolute(self, url: str) -> str:
        """A root-relative URL (base path included) → the absolute URL on the host."""
        if "://" in url or url.startswith("mailto:"):
            return url
        base = self.config.base_url
        base_path = self.config.base_path
        if url.startswith(base_path):
            url = url[len(base_path):]
        return base + url.lstrip("/")

    def asset_url(self, name: str) -> str:
        """URL of a theme file under /theme/, with a content hash so caches stay fresh (hashed
        once per theme: a changed file makes a new Theme, see build.settings_digest)."""
        found = self._assets.get(name)
        if found is None:
            found = self._assets[name] = self._asset_url(name)
        return found

    def _asset_url(self, name: str) -> str:
        for source in reversed(self.static_sources()):
            path = source / name
            if path.is_file():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
                return f"{self.config.base_path}theme/{name}?v={digest}"
        return f"{self.config.base_path}theme/{name}"

    @cached_property
    def own_templates(self) -> bool:
        """A template of the hub's theme differs from foyer's own (or foyer has none of that
        name): what its pages say may be anything."""
        default = packaged_themes() / DEFAULT_THEME / "templates"
        for folder in self.folders:
            templates = folder / "templates"
            if templates == default or not templates.is_dir():
                continue
            for path in templates.rglob("*"):
                if path.is_file():
                    ours = default / path.relative_to(templates)
                    if not ours.is_file() or ours.read_bytes() != path.read_bytes():
                        return True
        return False

    def static_sources(self) -> list[Path]:
        """Theme static folders, least specific first (later ones override)."""
        return [f / "static" for f in reversed(self.folders) if (f / "static").is_dir()]


WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
LANGUAGE_NAMES = {
    "en": "English", "fr": "Français", "es": "Español", "de": "Deutsch", "it": "Italiano",
    "pt": "Português", "nl": "Nederlands", "ca": "Català", "br": "Brezhoneg", "eu": "Euskara",
    "ar": "العربية", "ja": "日本語", "zh": "中文", "pl": "Polski", "sv": "Svenska",
}


def _ordinal(n: int, lang: str) -> str:
    if lang == "fr":
        return {1: "1er", -1: "dernier"}.get(n, f"{n}e" if n > 0 else f"{n}")
    if n == -1:
        return "last"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def duration_text(value: dt.timedelta) -> str:
    """90 minutes → '1 h 30', 2 days → '2 d'."""
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h" + (f" {minutes:02d}" if minutes else ""))
    elif minutes:
        parts.append(f"{minutes} min")
    return " ".join(parts) or "0 min"


def avatar_color(slug: str) -> str:
    """A stable, readable background hue for initials avatars."""
    hue = int(hashlib.sha256(slug.encode()).hexdigest()[:4], 16) % 360
    return f"hsl({hue} 45% 32%)"


def markup(html: str) -> Markup:
    return Markup(html)
