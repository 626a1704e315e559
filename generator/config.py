"""hub.yaml → HubConfig: the hub's settings, validated against model/schema.py's HUB fields."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from generator.model import fields as coercers
from generator.model.schema import HUB
from generator.model.validate import validate_mapping
from generator.problems import Problem, Problems
from generator.read.where import HUB_FILE
from generator.read.yamlfile import line_of as yaml_line_of
from generator.read.yamlfile import load_yaml


@dataclass(frozen=True)
class HubConfig:
    root: Path
    title: str
    base_url: str  # always ends with '/'
    description: str | None = None
    language: str = "en"
    timezone: str = "UTC"
    theme: str = "default"
    join: str | None = None
    repo_url: str | None = None
    repo_branch: str = "main"
    gives_per_ask: int = 3
    give_first_since: dt.date | None = None
    feed_items: int = 20
    feed_full_content: bool = True
    per_page: int = 10
    search: bool = True
    html_trusted: bool = False
    headers: bool = True
    embeds: tuple[str, ...] | None = None
    newsletter_from: str | None = None
    list_unsubscribe: str | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def base_path(self) -> str:
        """The path part of base_url: '/' or '/project/'."""
        return urlsplit(self.base_url).path or "/"


def load_config(root: Path, problems: Problems) -> HubConfig | None:
    path = root / HUB_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        problems.error(HUB_FILE, 0, "no hub.yaml in this folder",
                       "run 'foyer init DIR' to start a hub, or pass the hub's folder")
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(HUB_FILE, 0, f"cannot read hub.yaml: {exc}", "save it as UTF-8 text")
        return None
    doc = load_yaml(HUB_FILE, text)
    if isinstance(doc, Problem):
        problems.extend([doc])
        return None
    data: Any = doc.data if doc.data is not None else {}
    if not isinstance(data, dict):
        problems.error(HUB_FILE, 1, "hub.yaml must be a list of 'key: value' settings",
                       "start with 'title: …' and 'base_url: …'")
        return None

    def line_of(*key: Any) -> int:
        return yaml_line_of(doc.lines, *key)

    env = coercers.Env(dt.UTC)
    values = validate_mapping(data, HUB, path=HUB_FILE, line_of=line_of, prefix=(), env=env,
                              problems=problems, where="setting")
    if values is None:
        return None
    give_first = values.get("give_first") or {}
    feeds = values.get("feeds") or {}
    pagination = values.get("pagination") or {}
    newsletter = values.get("newsletter") or {}
    search = values.get("search") or {}
    html = values.get("html") or {}
    config = HubConfig(
        root=root,
        title=values["title"],
        base_url=values["base_url"],
        description=values.get("description"),
        language=values.get("language") or "en",
        timezone=values.get("timezone") or "UTC",
        theme=values.get("theme") or "default",
        join=values.get("join"),
        repo_url=values.get("repo_url"),
        repo_branch=values.get("repo_branch") or "main",
        gives_per_ask=give_first.get("gives_per_ask", 3),
        give_first_since=give_first.get("since"),
        feed_items=feeds.get("items", 20),
        feed_full_content=feeds.get("full_content", True),
        per_page=pagination.get("per_page", 10),
        search=search.get("enabled", True) is not False,
        html_trusted=bool(html.get("trusted")),
        headers=(values.get("hosting") or {}).get("headers", True) is not False,
        embeds=tuple(html["embeds"]) if html.get("embeds") else None,
        newsletter_from=newsletter.get("from"),
        list_unsubscribe=newsletter.get("list_unsubscribe"),
    )
    for name, value, least in (("give_first.gives_per_ask", config.gives_per_ask, 0),
                               ("feeds.items", config.feed_items, 1),
                               ("pagination.per_page", config.per_page, 1)):
        if value < least:
            problems.error(HUB_FILE, line_of(*name.split(".")),
                           f"'{name}' must be at least {least}", f"write a whole number ≥ {least}")
            return None
    return config
