"""Shared fixtures: a fixed clock, throwaway hubs, the example hub built once per session."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import textwrap
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from generator.build import build

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpora" / "twir"
PARIS = ZoneInfo("Europe/Paris")
# The example hub's reference clock: golden files and browser tests are built at this time.
EXAMPLE_NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=PARIS)

CORPUS_NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)

MINIMAL_HUB = """\
title: Test hub
base_url: https://hub.example/
language: en
timezone: Europe/Paris
"""


def require_tool(available: bool, what: str) -> None:
    """Skip a test whose tool is missing, or fail when FOYER_REQUIRE_TOOLS=1 (CI)."""
    if available:
        return
    message = f"tool missing, skipped: {what}"
    if os.environ.get("FOYER_REQUIRE_TOOLS") == "1":
        pytest.fail(message + " (FOYER_REQUIRE_TOOLS=1)")
    pytest.skip(message)


@pytest.fixture
def now() -> dt.datetime:
    return dt.datetime(2026, 1, 15, 12, 0, tzinfo=PARIS)


@pytest.fixture
def make_hub(tmp_path: Path):
    """make_hub({"content/stories/x.md": "---\\n…"}) → the hub's folder (hub.yaml included)."""

    def make(files: dict[str, str], hub_yaml: str | None = MINIMAL_HUB) -> Path:
        root = tmp_path / "hub"
        root.mkdir(exist_ok=True)
        if hub_yaml is not None and "hub.yaml" not in files:
            (root / "hub.yaml").write_text(hub_yaml, encoding="utf-8")
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make


def copy_example(target: Path) -> Path:
    """A copy of the example hub (hub.yaml, content/, static/) at `target`, to edit and build."""
    target.mkdir()
    shutil.copy2(ROOT / "hub.yaml", target / "hub.yaml")
    for folder in ("content", "static"):
        shutil.copytree(ROOT / folder, target / folder)
    return target


def generated_hub(target: Path, stories: int) -> Path:
    """A contract hub of `stories` stories at `target`, from the benchmark's generator."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    generate(stories, target)
    return target


@pytest.fixture(scope="session")
def example_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the example hub that tests may build (not edit: it is shared)."""
    return copy_example(tmp_path_factory.mktemp("example") / "hub")


@pytest.fixture(scope="session")
def built_example(example_copy: Path) -> Path:
    """The example hub built once at EXAMPLE_NOW; the site folder. Read-only for tests."""
    out = example_copy.parent / "site"
    build(example_copy, now=EXAMPLE_NOW, out=out)
    return out


@pytest.fixture(scope="session")
def built_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real hub of shared/corpora/twir, built once per session."""
    if not CORPUS.is_dir():
        pytest.skip("shared/corpora/twir is not beside the repository")
    out = tmp_path_factory.mktemp("twir") / "site"
    # Its authors left 29 broken internal links (see tests/test_corpus.py): build past them.
    build(CORPUS, now=CORPUS_NOW, out=out, link_check=False)
    return out
