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
        intent = Text("✋ ask", style="bold yellow") if row.is_ask else Text("🎁 give", style="green")
        style = ""
        status = row.status
        if id(row) in breached:
            style = "bold red"
            status += " ✗ breach"
        table.add_row(label, row.date.isoformat(), intent, row.title, row.channel, status,
                      str(balance), style=style)
    _out.print(table)
    if plan.ok:
        _out.print("[green]✓ The rule holds.[/]")
    else:
        _out.print(f"[bold red]✗ {len(plan.breaches)} ask(s) break the rule:[/]")
        for breach in plan.breaches:
            _out.out(f"  {breach.problem()}")
    if plan.next_ask:
        _out.print(f"Next free slot for an ask: [bold]{plan.next_ask.isoformat()}[/]")
    else:
        _out.print("No free slot for an ask yet: plan more gives.")
