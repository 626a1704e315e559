"""The real hub of shared/corpora/twir (664 issues written by another community) checks and
builds; bugs hide in real text."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import CORPUS


def test_corpus_builds_completely(built_corpus: Path) -> None:
    sources = sorted((CORPUS / "content/newsletters").glob("*.md"))
    pages = sorted((built_corpus / "newsletters").glob("*/index.html"))
    assert len(pages) == len(sources) == 664
    assert (built_corpus / "privacy-policy/index.html").is_file()
    assert (built_corpus / "images/logo400.png").is_file()


def test_corpus_pages_have_no_comments_and_declare_language(built_corpus: Path) -> None:
    for page in (built_corpus / "newsletters").glob("*/index.html"):
        html = page.read_text("utf-8")
        assert "<!--" not in html, page
        assert html.startswith('<!DOCTYPE html>\n<html lang="en">'), page


def test_corpus_archive_lists_every_issue_newest_first(built_corpus: Path) -> None:
    archive = (built_corpus / "newsletters/index.html").read_text("utf-8")
    numbers = [int(n) for n in re.findall(r'class="issue-number">Issue (\d+)<', archive)]
    assert len(numbers) == 664
    assert numbers == sorted(numbers, reverse=True)
