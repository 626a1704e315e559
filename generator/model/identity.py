"""Values computed from objects, kept while those very objects live.

`foyer serve` keeps the pieces of unchanged files as they were from one rebuild to the next, so
what is derived from a piece alone (its digest, its give-first row, a ritual's dates) can be
looked up by the piece's identity instead of computed again. A Python id is reused once its
object is freed: each entry keeps its objects alive and checks them with `is`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ByIdentity(Generic[T]):
    def __init__(self, limit: int = 200_000):
        self._found: dict[tuple[Any, ...], tuple[tuple[object, ...], T]] = {}
        self._limit = limit

    def get(self, objects: tuple[object, ...], make: Callable[[], T],
            *args: Hashable) -> T:
        """The value for these objects (and hashable `args`), made by `make` the first time."""
        key = (*map(id, objects), *args)
        found = self._found.get(key)
        if found is not None and all(a is b for a, b in zip(found[0], objects, strict=True)):
            return found[1]
        value = make()
        if len(self._found) >= self._limit:
            self._found.clear()  # a long session: start again rather than grow without end
        self._found[key] = (objects, value)
        return value
