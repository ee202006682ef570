"""The house chart theme: one typeface, one set of sizes, the house palette.

Sizes are in Vega pixels for charts 560 px wide. The PDF places a chart at the A4 text width
(16 cm ≈ 454 pt), so 12 px text prints at about 9.7 pt and nothing falls below 9 pt. Colours of
vocabulary values (actors, tracks, statuses) come from the vocabulary (``Domain.colours``), so
every value keeps one colour in every chart; :func:`scale` turns them into an Altair scale.
"""

from __future__ import annotations

import altair as alt

from .palette import MUTED, PALETTE, TEXT
from .vocabulary import Domain

THEME_NAME = "brief"
FONT = "DejaVu Sans"
WIDTH = 560  # pixels: a chart's whole width, padding included, at the A4 text width
FONT_SIZE = 12  # smallest text anywhere (≈ 9.7 pt in the PDF)
TITLE_SIZE = 15
TEXT_COLOUR = TEXT
MUTED_COLOUR = MUTED
GRID_COLOUR = "#E5E5E5"  # light lines to read values across
# Phone layout: a chart laid out for a 390 px screen keeps text at FONT_SIZE (not scaled down).
PHONE_WIDTH = 340


def scale(domain: Domain, keys, *, label=None) -> alt.Scale:
    """A colour scale over ``keys`` (only the values present) with each value's vocabulary colour.

    ``label`` maps a key to the text the chart shows (default: the key itself).
    """
    ordered = domain.ordered(keys)
    return alt.Scale(domain=[label(k) if label else k for k in ordered], range=[domain.colour(k) for k in ordered])


def _config() -> dict:
    text = {"font": FONT, "fontSize": FONT_SIZE, "color": TEXT_COLOUR}
    return {
        "config": {
            "font": FONT,
            "background": "white",
            "padding": 8,
            "view": {"stroke": None, "continuousWidth": WIDTH - 80, "continuousHeight": 240},
            "title": {"font": FONT, "fontSize": TITLE_SIZE, "fontWeight": "bold", "anchor": "start",
                      "color": TEXT_COLOUR, "subtitleFont": FONT, "subtitleFontSize": FONT_SIZE,
                      "subtitleColor": MUTED_COLOUR, "offset": 10},
            "axis": {"labelFont": FONT, "labelFontSize": FONT_SIZE, "titleFont": FONT,
                     "titleFontSize": FONT_SIZE, "titleFontWeight": "normal", "titleColor": TEXT_COLOUR,
                     "labelColor": TEXT_COLOUR, "gridColor": GRID_COLOUR, "domainColor": MUTED_COLOUR,
                     "tickColor": MUTED_COLOUR, "labelLimit": 220},
            "legend": {"labelFont": FONT, "labelFontSize": FONT_SIZE, "titleFont": FONT,
                       "titleFontSize": FONT_SIZE, "titleFontWeight": "normal", "orient": "top",
                       "direction": "horizontal", "columns": 2, "labelLimit": 220, "symbolSize": 90},
            "header": {"labelFont": FONT, "labelFontSize": FONT_SIZE, "titleFont": FONT,
                       "titleFontSize": FONT_SIZE},
            "text": text,
            "point": {"size": 90, "strokeWidth": 1.5},
            "range": {"category": list(PALETTE)},
        }
    }


@alt.theme.register(THEME_NAME, enable=False)
def _brief_theme() -> alt.theme.ThemeConfig:
    return _config()


def enable() -> None:
    """Make the house theme the active Altair theme (idempotent)."""
    alt.theme.enable(THEME_NAME)
