"""Figure: the locator map — the places the sources tie to the negotiations, by track.

The map itself (base map, projection, label placement) is :mod:`brief.locator`; this module
feeds it the places in the edition's view, the citation keys and the tracks' vocabulary
labels and colours, and shows an explicit panel when no place is known yet.
"""

from __future__ import annotations

from .. import locator
from ..context import Context
from ..dates import short_day
from .common import Figure, no_data, source_names


def places_in_view(ctx: Context):
    """The places in the view, each drawn once: a place named by several rows is drawn from its latest one
    (so the map's marks and labels follow the places, not the number of rows that name them)."""
    places = ctx.facts("places").sort_values(["date_end", "place_id"], kind="stable")
    return places.drop_duplicates("name", keep="last").sort_index().reset_index(drop=True)


def map_chart(ctx: Context) -> Figure:
    places = places_in_view(ctx)
    day = short_day(ctx.as_of)
    if places.empty:
        return no_data(ctx, f"No place on the map is known by {day}", f"no place dated and known by {day}",
                       "Locator map: no place known yet.")
    tracks = ctx.vocab["tracks"]
    present = tracks.ordered({t for ts in places["tracks"] for t in ts})
    citations = dict(zip(places["source_id"], source_names(ctx, places["source_id"]), strict=True))
    return locator.locator_map(places, citations, {t: tracks.label(t) for t in present},
                               {t: tracks.colour(t) for t in present})
