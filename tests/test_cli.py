"""The foyer command as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator import __version__
from generator.cli import main


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def test_version() -> None:
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout.strip() == f"foyer {__version__}"


def test_init_then_build_with_no_edits(tmp_path: Path) -> None:
    hub = tmp_path / "hub"
    assert run("init", str(hub)).returncode == 0
    assert (hub / ".gitignore").read_text().startswith("site/")
    for section in ("members", "stories", "rituals", "resources", "newsletters", "pages"):
        assert list((hub / "content" / section).glob("*.md")), section
    done = run("build", "--now", "2025-03-01T12:00:00+01:00", cwd=hub)
    assert done.returncode == 0, done.stderr
    summary = done.stdout.strip().splitlines()[-1]
    assert summary.startswith("Built ") and " pages " in summary and summary.endswith("→ site/")
    assert (hub / "site/index.html").is_file()
    assert run("check", str(hub), "--now", "2025-03-01T12:00:00+01:00").returncode == 0


def test_init_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("mine")
    assert run("init", str(tmp_path)).returncode == 1


@pytest.mark.parametrize("kind, folder", [("story", "stories"), ("member", "members"),
                                          ("ritual", "rituals"), ("resource", "resources"),
                                          ("newsletter", "newsletters"), ("page", "pages")])
def test_new_writes_a_named_file(tmp_path: Path, kind: str, folder: str,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    hub = tmp_path / "hub"
    assert main(["init", str(hub)]) == 0
    assert main(["new", kind, "Écrire à plusieurs", "--dir", str(hub), "--now",
                 "2025-03-01T10:00"]) == 0
    written = sorted((hub / "content" / folder).glob("*ecrire-a-plusieurs.md"))
    assert len(written) == 1
    text = written[0].read_text("utf-8")
    assert text.startswith("---\n")
    if folder == "stories":
        assert written[0].name == "2025-03-01-ecrire-a-plusieurs.md"
    if folder == "newsletters":
        assert "number: 2" in text
    assert main(["new", kind, "Écrire à plusieurs", "--dir", str(hub)]) == 1


def test_new_unknown_kind(tmp_path: Path) -> None:
    assert main(["init", str(tmp_path / "h")]) == 0
    assert main(["new", "podcast", "X", "--dir", str(tmp_path / "h")]) == 2


def test_check_exit_codes_and_strict(make_hub, capsys: pytest.CaptureFixture[str]) -> None:
    hub = make_hub({"content/members/ana.md": "---\nname: Ana\n---\n"})  # no bio: a warning
    assert main(["check", str(hub)]) == 0
    assert "content/members/ana.md:4: member has no bio" in capsys.readouterr().err
    assert main(["check", str(hub), "--strict"]) == 1
    assert main(["build", str(hub), "--strict"]) == 1
    assert not (hub / "site").exists()


def test_bad_now_is_a_clear_error(make_hub, capsys: pytest.CaptureFixture[str]) -> None:
    hub = make_hub({})
    assert main(["build", str(hub), "--now", "tomorrow"]) == 2
    assert "--now" in capsys.readouterr().err


def test_no_traceback_on_missing_hub(tmp_path: Path) -> None:
    done = run("check", str(tmp_path))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "hub.yaml" in done.stderr


def test_check_format_github(capsys: pytest.CaptureFixture[str]) -> None:
    case = Path(__file__).parent / "hubs/invalid/several-problems"
    assert main(["check", str(case), "--format", "github", "--now", "2026-01-15T12:00+01:00"]) == 1
    lines = capsys.readouterr().out.splitlines()
    expected = (case / "expected.txt").read_text("utf-8").splitlines()
    assert len(lines) == len(expected) == 7
    assert lines[0] == ("::error file=content/calendar.yaml,line=3::'intent': 'asks' is not one "
                        "of give, ask (did you mean 'ask'?)")
    for line, text in zip(lines, expected, strict=True):
        path, number = text.split(":")[:2]
        assert line.startswith(f"::error file={path},line={number}::")
