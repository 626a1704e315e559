"""Problems found in a hub: collected, never raised, printed as `path:line: message (hint)`."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the hub, located in a file relative to the hub."""

    path: str
    line: int
    message: str
    hint: str = ""
    severity: str = ERROR

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class Problems:
    """An append-only collector shared by the code of one stage."""

    def __init__(self) -> None:
        self._items: list[Problem] = []

    def error(self, path: str, line: int, message: str, hint: str = "") -> None:
        self._items.append(Problem(path, line, message, hint, ERROR))

    def warning(self, path: str, line: int, message: str, hint: str = "") -> None:
        self._items.append(Problem(path, line, message, hint, WARNING))

    def extend(self, problems: Iterable[Problem]) -> None:
        self._items.extend(problems)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self._items if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self._items if not p.is_error]

    def sorted(self) -> list[Problem]:
        """Stable order for printing: by file, then line, errors before warnings."""
        return sorted(self._items, key=lambda p: (p.path, p.line, p.severity, p.message))


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A hint naming the closest candidate, or an empty string."""
    match = difflib.get_close_matches(str(name), sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean '{match[0]}'?" if match else ""


class BuildFailed(Exception):
    """Raised once, at the top, when a build stops because of problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
