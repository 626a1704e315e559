"""Draft, scheduled or published, given the build's clock and preview flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from generator.model.entries import DRAFT, PUBLISHED, SCHEDULED, Piece


def state_of(piece: Piece, now: dt.datetime) -> str:
    if piece.draft:
        return DRAFT
    when = piece.sort_date
    if when is not None and when > now:
        return SCHEDULED
    return PUBLISHED


def with_state(piece: Piece, now: dt.datetime) -> Piece:
    state = state_of(piece, now)
    return piece if state == piece.state else replace(piece, state=state)


def is_visible(piece: Piece, *, drafts: bool, future: bool) -> bool:
    if piece.state == DRAFT:
        return drafts
    if piece.state == SCHEDULED:
        return future
    return True
