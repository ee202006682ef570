"""The house colours, and the rule that gives any new vocabulary value a distinct one.

Okabe–Ito first (distinguishable with the common forms of colour blindness), then Paul Tol's
"muted" set for domains with more values. Kept free of Altair so the build can use it.
"""

from __future__ import annotations

TEXT = "#222222"
MUTED = "#555555"
PALETTE = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499",
)


def assign_colours(entries: list[tuple[str, str]]) -> dict[str, str]:
    """``[(key, colour or "")]`` in order → every key's colour.

    A declared colour is kept; a blank one gets the first palette colour that no entry declares
    and no earlier blank entry took, so appending a value never changes existing colours.
    The palette is reused only when a domain has more values than it has colours.
    """
    taken = {colour.upper() for _, colour in entries if colour}
    free = [c for c in PALETTE if c.upper() not in taken] or list(PALETTE)
    result, next_free = {}, 0
    for key, colour in entries:
        if colour:
            result[key] = colour
        else:
            result[key] = free[next_free % len(free)]
            next_free += 1
    return result
