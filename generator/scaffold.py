"""`foyer init` (a small hub that builds as is) and `foyer new` (one file with its fields)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from generator.model.fields import tag_slug
from generator.model.schema import SECTIONS

KINDS = {
    "member": "members", "story": "stories", "ritual": "rituals", "resource": "resources",
    "newsletter": "newsletters", "page": "pages",
}


class UnknownKind(ValueError):
    pass


HUB_YAML = """\
title: {title}
base_url: https://example.org/
description: A place where members help each other, share what they learn and meet every week.
language: {language}
timezone: Europe/Paris
join: join
give_first:
  gives_per_ask: 3
feeds:
  items: 20
  full_content: true
"""

FILES = {
    ".gitignore": "site/\n.foyer-cache/\n",
    "content/members/alex.md": """\
---
name: Alex Martin
role: Host
joined: 2025-01-10
interests: [welcoming newcomers, gardening]
---
Alex started this community to meet people who like to learn together.
""",
    "content/stories/2025-02-01-first-meetup.md": """\
---
title: Our first meetup
date: 2025-02-01
members: [alex]
tags: [meetups]
summary: Twelve people, one room, many ideas.
---
We met for the first time. Read about [Alex](../members/alex.md), who hosted it.
""",
    "content/rituals/weekly-call.md": """\
---
title: Weekly call
starts: 2025-01-16T18:30:00
duration: 1h
repeat: FREQ=WEEKLY;BYDAY=TH
hosts: [alex]
where:
  online: https://meet.example.org/weekly
loop:
  trigger: The Thursday reminder
  routine: Each member shares one win and one question
  reward: Answers, and people who know your name
summary: One hour every Thursday to share wins and questions.
---
Drop in, camera optional.
""",
    "content/resources/welcome-guide.md": """\
---
title: Welcome guide
kind: guide
added: 2025-01-20
contributed_by: [alex]
summary: Everything a newcomer needs in five minutes.
---
1. Say hello.
2. Join the weekly call.
3. Tell your story.
""",
    "content/newsletters/2025-02-issue-1.md": """\
---
title: "Issue 1: hello"
number: 1
date: 2025-02-05
summary: The first meetup, the weekly call and the welcome guide.
features: [stories/first-meetup, resources/welcome-guide]
---
Welcome to our first newsletter.
""",
    "content/pages/join.md": """\
---
title: Join us
menu: 1
---
Write to hello@example.org, then come to the weekly call.
""",
    "content/calendar.yaml": """\
- date: 2025-03-01
  title: Newcomers' stories
  intent: give
  channel: story
  status: idea
- date: 2025-03-15
  title: Call for volunteers
  intent: ask
  channel: newsletter
  status: idea
""",
    "static/.gitkeep": "",
    ".github/workflows/foyer.yml": """\
# Build the hub and publish it on GitHub Pages: on every push to main, on every pull request
# (check only), and every hour, so that scheduled pieces go live within the hour of their date.
# In the repository settings, choose Pages > Source: GitHub Actions.
name: foyer
on:
  push:
    branches: [main]
  pull_request:
  schedule:
    - cron: "7 * * * *"
  workflow_dispatch:
permissions:
  contents: read
  pages: write
  id-token: write
concurrency:
  group: pages
  cancel-in-progress: false
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install foyer
      - run: foyer check --format github
      - run: foyer build
      - uses: actions/upload-pages-artifact@v3
        if: github.event_name != 'pull_request'
        with:
          path: site
  deploy:
    if: github.event_name != 'pull_request'
    needs: build
    runs-on: ubuntu-latest
    environment:
      name: github-pages
      url: ${{ steps.deployment.outputs.page_url }}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v4
""",
}


def init_hub(target: Path, *, title: str = "My Community", language: str = "en") -> list[Path]:
    if target.exists() and any(target.iterdir()):
        raise FileExistsError(str(target))
    written = []
    files = {"hub.yaml": HUB_YAML.format(title=_yaml_text(title), language=language), **FILES}
    for name, text in files.items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _yaml_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def new_piece(root: Path, kind: str, title: str, *, now: dt.datetime) -> Path:
    section = KINDS.get(kind.rstrip("s") if kind not in KINDS else kind) or (
        kind if kind in SECTIONS else None)
    if kind == "stories":
        section = "stories"
    if section is None:
        raise UnknownKind(f"unknown kind '{kind}' (use one of: {', '.join(KINDS)})")
    slug = tag_slug(title) or "untitled"
    folder = root / "content" / section
    today = now.date().isoformat()
    name = f"{today}-{slug}.md" if section in ("stories", "newsletters") else f"{slug}.md"
    path = folder / name
    if path.exists() or any(folder.glob(f"*{slug}.md")):
        raise FileExistsError(str(path.relative_to(root)))
    lines = ["---"]
    for spec in SECTIONS[section]:
        if spec.name in ("title", "name"):
            lines.append(f"{spec.name}: {_yaml_text(title)}")
        elif spec.name == "date":
            lines.append(f"date: {today}")
        elif spec.name == "number":
            lines.append(f"number: {_next_number(folder)}")
        elif spec.name == "starts":
            lines.append(f"starts: {today}T18:30:00")
        elif spec.name == "duration":
            lines.append("duration: 1h")
        elif spec.name == "kind":
            lines.append("kind: guide")
        elif spec.name == "members":
            lines.append("members: []  # member slugs: whose story it is")
        elif spec.name in ("joined", "added"):
            lines.append(f"{spec.name}: {today}")
        elif spec.required:
            lines.append(f"{spec.name}:  # {spec.doc}")
        elif spec.kind != "group" and spec.name not in ("lang", "translation_of", "draft"):
            lines.append(f"# {spec.name}:  # {spec.doc}")
    lines += ["---", "", ""]
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _next_number(folder: Path) -> int:
    numbers = [0]
    for path in folder.glob("*.md"):
        match = re.search(r"^number:\s*(\d+)", path.read_text("utf-8", errors="replace"), re.M)
        if match:
            numbers.append(int(match.group(1)))
    return max(numbers) + 1
