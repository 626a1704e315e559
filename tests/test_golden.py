"""The example hub, built at a fixed --now, matches tests/golden/example/ byte for byte.

After an intended change of output, refresh it with `make golden` and review the diff in git.
"""

from __future__ import annotations

import difflib
import os
import shutil
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden" / "example"
TEXT = {".html", ".xml", ".json", ".txt", ".css", ".ics", ".svg", ".md", ".js", ".webmanifest", ""}


def files(folder: Path) -> dict[str, bytes]:
    """Every file but Pagefind's index (a third-party binary bundle, checked in the e2e tests)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.relative_to(folder).as_posix().startswith("pagefind/")}


def test_example_matches_golden(built_example: Path) -> None:
    if os.environ.get("FOYER_UPDATE_GOLDEN") == "1":
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        shutil.copytree(built_example, GOLDEN, ignore=shutil.ignore_patterns("pagefind"))
        pytest.skip("golden files rewritten; review them with git diff")
    assert GOLDEN.is_dir(), "no golden copy yet: run `make golden`"
    expected, actual = files(GOLDEN), files(built_example)
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    changed = sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k])
    report = []
    for name in changed[:5]:
        if Path(name).suffix in TEXT:
            diff = difflib.unified_diff(
                expected[name].decode("utf-8", "replace").splitlines(),
                actual[name].decode("utf-8", "replace").splitlines(),
                f"golden/{name}", f"built/{name}", lineterm="", n=2)
            report.append("\n".join(list(diff)[:60]))
        else:
            report.append(f"binary file differs: {name}")
    assert not (missing or extra or changed), (
        f"missing: {missing[:10]}\nextra: {extra[:10]}\nchanged ({len(changed)}): {changed[:10]}\n"
        + "\n\n".join(report) + "\n(run `make golden` if the change is intended)")
