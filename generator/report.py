"""The only module that writes to the terminal: problems, summaries, progress."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from rich.console import Console

from generator.problems import Problem

_err = Console(stderr=True, highlight=False, soft_wrap=True)
_out = Console(highlight=False, soft_wrap=True)


def problems(items: Iterable[Problem]) -> None:
    """One line per problem, `path:line: message (hint)`, errors in red, warnings in yellow."""
    for problem in items:
        style = "red" if problem.is_error else "yellow"
        label = "error" if problem.is_error else "warning"
        if _err.is_terminal:
            _err.print(f"[{style}]{label}[/]: ", end="")
            _err.out(str(problem))
        else:
            sys.stderr.write(f"{str(problem)}\n")


def counts(items: list[Problem]) -> None:
    errors = sum(1 for p in items if p.is_error)
    warnings = len(items) - errors
    if errors or warnings:
        _err.print(f"{errors} error(s), {warnings} warning(s)", style="bold")


def line(text: str) -> None:
    _out.out(text)


def error(text: str) -> None:
    _err.print(f"[red]error[/]: {text}" if _err.is_terminal else f"error: {text}")


@contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner on a terminal while a long step runs; nothing when piped."""
    if _err.is_terminal:
        with _err.status(message):
            yield
    else:
        yield
