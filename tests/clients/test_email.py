"""Newsletter emails: inline styles, absolute URLs, a plain-text part, a parseable .eml."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import lxml.html

from generator.cli import main

from ..conftest import EXAMPLE_NOW
from .feedtools import relative_urls


def test_email_html_is_self_contained(built_example: Path) -> None:
    folder = built_example / "newsletters/la-gazette-8"
    html = (folder / "email.html").read_text("utf-8")
    assert "<!--" not in html and "<script" not in html.lower()
    tree = lxml.html.fromstring(html)
    h1 = tree.find(".//h1")
    assert "font-family" in h1.get("style", "")
    card = tree.find_class("card")[0]
    assert "border" in card.get("style", "")
    assert "600px" in tree.find_class("container")[0].get("style", "")
    assert relative_urls(lxml.html.tostring(tree.body, encoding="unicode")) == []
    assert "@media" in html  # kept for small screens
    assert tree.find_class("preheader")[0].text_content().startswith("Le loyer du local")


def test_email_text_wraps_and_lists_links(built_example: Path) -> None:
    text = (built_example / "newsletters/la-gazette-8/email.txt").read_text("utf-8")
    assert all(len(line) <= 72 for line in text.splitlines() if not line.startswith("["))
    assert "[1] https://cantine-du-code.example/" in text
    assert "Poste | Montant annuel" in text
    assert "<" not in text


def test_eml_parses_into_both_parts(example_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "issue.eml"
    assert main(["newsletter", "8", str(example_copy), "--eml", str(target), "--now",
                 EXAMPLE_NOW.isoformat()]) == 0
    message = email.message_from_bytes(target.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "La Gazette n° 8 : appel aux dons"
    assert message["List-Unsubscribe"].startswith("<mailto:")
    assert message.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in message.iter_parts()]
    assert parts == ["text/plain", "text/html"]
    first = target.read_bytes()
    main(["newsletter", "8", str(example_copy), "--eml", str(target), "--now",
          EXAMPLE_NOW.isoformat()])
    assert target.read_bytes() == first


def test_unknown_number(example_copy: Path, tmp_path: Path) -> None:
    assert main(["newsletter", "99", str(example_copy), "--eml", str(tmp_path / "x.eml")]) == 1
