"""A plain `pip install .` (not editable) in a fresh venv gives a foyer that builds a hub:
the default theme ships inside the package."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_fresh_venv_install_init_build(tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "-q", str(ROOT)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    foyer = env_dir / "bin" / "foyer"
    site_packages = subprocess.run(
        [str(python), "-c", "import generator, pathlib; print(pathlib.Path(generator.__file__).parent)"],
        capture_output=True, text=True, cwd=tmp_path).stdout.strip()
    assert (Path(site_packages) / "themes/default/templates/base.html").is_file()
    assert not Path(site_packages).is_relative_to(ROOT)
    hub = tmp_path / "hub"
    assert subprocess.run([str(foyer), "init", str(hub)], capture_output=True).returncode == 0
    built = subprocess.run([str(foyer), "build", "--now", "2025-03-01T12:00+01:00"], cwd=hub,
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert "<html" in (hub / "site/index.html").read_text("utf-8")
    assert (hub / "site/theme/foyer.css").is_file()
    assert sys.version_info >= (3, 11)
