"""Each folder of hubs/invalid/ holds one mistake and the exact lines `foyer check` prints."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.build import build, check
from generator.cli import main
from generator.problems import BuildFailed

CASES = sorted(p for p in (Path(__file__).parent / "hubs" / "invalid").iterdir() if p.is_dir())
NOW = "2026-01-15T12:00:00+01:00"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_prints_expected_lines(case: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = (case / "expected.txt").read_text("utf-8").splitlines()
    code = main(["check", str(case), "--now", NOW])
    err = capsys.readouterr().err.splitlines()
    problem_lines = [line for line in err if not line.endswith("warning(s)")]
    assert problem_lines == expected
    assert code == 1


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_build_fails_and_keeps_previous_site(case: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / ".foyer").mkdir()
    (out / "index.html").write_text("previous good site", "utf-8")
    with pytest.raises(BuildFailed) as failed:
        build(case, now=dt.datetime.fromisoformat(NOW), out=out)
    assert [str(p) for p in failed.value.problems if p.is_error] == [
        line for line in (case / "expected.txt").read_text("utf-8").splitlines()]
    assert (out / "index.html").read_text("utf-8") == "previous good site"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_api_and_cli_agree() -> None:
    case = next(c for c in CASES if c.name == "several-problems")
    problems = check(case, now=dt.datetime.fromisoformat(NOW))
    assert len(problems) == 7
    assert all(p.line >= 1 for p in problems)
