"""Imports only go down the stages: read ← model ← render ← write; build/cli on top."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "generator"
ORDER = {"read": 1, "config": 2, "model": 2, "render": 3, "write": 4}
TOP = {"build", "cli", "report", "scaffold", "__main__", "serve", "bench"}


def _stage(module: str) -> int | None:
    parts = module.split(".")
    if parts[0] != "generator" or len(parts) < 2:
        return None
    return ORDER.get(parts[1])


def test_imports_go_down_only() -> None:
    wrong = []
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(rel.parts)
        own = _stage(module)
        if own is None:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                if name.split(".")[:2] and len(name.split(".")) > 1 and name.split(".")[1] in TOP:
                    wrong.append(f"{module} imports {name}")
                other = _stage(name)
                if other is not None and other > own:
                    wrong.append(f"{module} (stage {own}) imports {name} (stage {other})")
    assert wrong == []


def test_only_report_and_cli_print() -> None:
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name in ("report.py", "cli.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "print":
                offenders.append(str(path.relative_to(PACKAGE)))
    assert offenders == []
