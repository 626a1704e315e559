"""The build's clock: --now, else SOURCE_DATE_EPOCH, else the system clock. Always aware."""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo


class ClockError(ValueError):
    pass


def resolve_now(value: str | None, timezone: str = "UTC") -> dt.datetime:
    """An aware 'now'. A --now without offset is in the hub's time zone."""
    zone = ZoneInfo(timezone)
    if value:
        raw = value.strip()
        try:
            parsed = dt.datetime.fromisoformat(raw)
        except ValueError:
            raise ClockError(f"--now: not an ISO 8601 date-time: {raw!r} "
                             "(write e.g. 2026-11-24T12:00+01:00)") from None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=zone)
        return parsed
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).astimezone(zone)
        except (ValueError, OverflowError, OSError):
            raise ClockError(f"SOURCE_DATE_EPOCH is not a number of seconds: {epoch!r}") from None
    return dt.datetime.now(tz=zone)


def given(value: str | None) -> str | None:
    """The clock as it was given to resolve_now (--now, else SOURCE_DATE_EPOCH), before the
    hub's time zone makes it a date-time; None for the system clock. With the same hub.yaml,
    the same spelling is the same clock (generator/uptodate.py notes it)."""
    if value:
        return f"--now {value}"
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return f"SOURCE_DATE_EPOCH {epoch}" if epoch else None
