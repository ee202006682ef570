"""Small text helpers for messages shown to the user."""

from __future__ import annotations

import difflib


def did_you_mean(value: str, choices, *, cutoff: float = 0.5) -> str:
    """'did you mean 'x'?' for the closest choice, or '' when nothing is close."""
    close = difflib.get_close_matches(value, list(choices), n=1, cutoff=cutoff)
    return f"did you mean '{close[0]}'?" if close else ""
