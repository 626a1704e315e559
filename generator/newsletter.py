"""`foyer newsletter NUMBER`: one issue as a multipart/alternative .eml any mail tool can send."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from generator.build import load, render_bodies
from generator.model.entries import Newsletter
from generator.problems import BuildFailed, Problem
from generator.render.email import email_html, email_text
from generator.render.outputs import Site
from generator.render.templates import Theme


def build_eml(root: Path, number: int, *, now: dt.datetime | None) -> tuple[Newsletter, bytes]:
    hub, problems = load(root, now=now, future=True)
    if hub is None or problems.errors:
        raise BuildFailed(problems.sorted())
    issue = next((n for n in hub.newsletters if n.number == number and not n.translation_of), None)
    if issue is None:
        numbers = ", ".join(str(n.number) for n in hub.newsletters) or "none"
        raise BuildFailed([Problem("content/newsletters", 1, f"no newsletter number {number}",
                                   f"issues: {numbers}")])
    bodies, _ = render_bodies(hub)
    site = Site(hub=hub, theme=Theme(hub.config), bodies=bodies)
    html = email_html(site, issue)
    host = urlsplit(hub.config.base_url).hostname or "localhost"
    message = EmailMessage()
    message["Subject"] = issue.title
    message["From"] = hub.config.newsletter_from or f"{hub.config.title} <newsletter@{host}>"
    message["To"] = f"{hub.config.title} <members@{host}>"
    message["Date"] = format_datetime(issue.date)
    message["Message-ID"] = f"<newsletter-{issue.number}@{host}>"
    message["List-Unsubscribe"] = hub.config.list_unsubscribe or f"<mailto:unsubscribe@{host}>"
    message["List-Id"] = f"{hub.config.title} <newsletter.{host}>"
    message.set_content(email_text(html))
    message.add_alternative(html, subtype="html")
    message.set_boundary(f"foyer-newsletter-{issue.number}-alternative")
    return issue, message.as_bytes()
