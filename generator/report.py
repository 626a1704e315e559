"""The only module that writes to the terminal: problems, summaries, progress."""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from generator.problems import Problem

if TYPE_CHECKING:
    from rich.console import Console


@functools.cache
def _console(stderr: bool) -> Console:
    """rich's console, made when something is first shown with it: a build with nothing to do
    and no problem to report says so without importing rich (a twentieth of a second)."""
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def problems(items: Iterable[Problem]) -> None:
    """One line per problem, `path:line: message (hint)`, errors in red, warnings in yellow."""
    for problem in items:
        style = "red" if problem.is_error else "yellow"
        label = "error" if problem.is_error else "warning"
        err = _console(True)
        if err.is_terminal:
            err.print(f"[{style}]{label}[/]: ", end="")
            err.out(str(problem))
        else:
            sys.stderr.write(f"{str(problem)}\n")


def github_annotations(items: Iterable[Problem]) -> None:
    """GitHub Actions workflow commands: one annotation per problem on its file and line."""
    for problem in items:
        level = "error" if problem.is_error else "warning"
        message = problem.message + (f" ({problem.hint})" if problem.hint else "")
        message = message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        path = problem.path.replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        sys.stdout.write(f"::{level} file={path},line={max(problem.line, 1)}::{message}\n")


def counts(items: list[Problem]) -> None:
    errors = sum(1 for p in items if p.is_error)
    warnings = len(items) - errors
    if errors or warnings:
        _console(True).print(f"{errors} error(s), {warnings} warning(s)", style="bold")


def line(text: str) -> None:
    """A line of plain text on stdout (what rich's Console.out would write)."""
    sys.stdout.write(text + "\n")


def error(text: str) -> None:
    err = _console(True)
    err.print(f"[red]error[/]: {text}" if err.is_terminal else f"error: {text}")


@contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner on a terminal while a long step runs; nothing when piped."""
    err = _console(True)
    if err.is_terminal:
        with err.status(message):
            yield
    else:
        yield


def calendar(plan, today, weeks: int) -> None:  # type: ignore[no-untyped-def]
    """The give-first plan, week by week, from the start of this week."""
    import datetime as dt

    from rich.table import Table
    from rich.text import Text

    start = today - dt.timedelta(days=today.weekday())
    end = start + dt.timedelta(weeks=weeks)
    breached = {id(b.row): b for b in plan.breaches}
    table = Table(title=f"Give-first plan · {plan.gives_per_ask} gives per ask", show_lines=False)
    for column in ("week", "date", "intent", "title", "channel", "status", "gives since ask"):
        table.add_column(column, no_wrap=column in ("week", "date", "intent"))
    last_week = None
    for row, balance in zip(plan.rows, plan.balance, strict=True):
        if not start <= row.date < end:
            continue
        year, week, _ = row.date.isocalendar()
        label = f"{year}-W{week:02d}" if (year, week) != last_week else ""
        last_week = (year, week)
        intent = Text("✋ ask", style="bold yellow") if row.is_ask \
            else Text("🎁 give", style="green")
        style = ""
        status = row.status
        if id(row) in breached:
            style = "bold red"
            status += " ✗ breach"
        table.add_row(label, row.date.isoformat(), intent, row.title, row.channel, status,
                      str(balance), style=style)
    out = _console(False)
    out.print(table)
    if plan.ok:
        out.print("[green]✓ The rule holds.[/]")
    else:
        out.print(f"[bold red]✗ {len(plan.breaches)} ask(s) break the rule:[/]")
        for breach in plan.breaches:
            out.out(f"  {breach.problem()}")
    if plan.next_ask:
        out.print(f"Next free slot for an ask: [bold]{plan.next_ask.isoformat()}[/]")
    else:
        out.print("No free slot for an ask yet: plan more gives.")
