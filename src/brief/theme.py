"""The house theme: one typeface, one set of sizes, one colourblind-safe palette.

Sizes are in Vega pixels for charts about 560 px wide. The PDF places a chart at the A4 text
width (16 cm ≈ 454 pt), so 12 px text prints at about 9.7 pt and nothing falls below 9 pt.
Colours come from the Okabe–Ito palette, which stays distinguishable with the common forms of
colour blindness. Every mediator keeps the same colour in every chart.
"""

from __future__ import annotations

import altair as alt

from .params import MEDIATORS

THEME_NAME = "brief"
FONT = "DejaVu Sans"
WIDTH = 560  # pixels: the plot area plus padding stays within the A4 text width
FONT_SIZE = 12  # smallest text anywhere (≈ 9.7 pt in the PDF)
TITLE_SIZE = 15
TEXT_COLOUR = "#222222"
MUTED = "#555555"

MEDIATOR_COLOURS = {
    "bilateral": "#000000",
    "united_states": "#0072B2",
    "germany_eu": "#E69F00",
    "russia": "#D55E00",
    "osce_minsk_group": "#56B4E9",
    "turkey": "#CC79A7",
    "summit_host": "#009E73",
}
MEDIATOR_LABELS = {
    "bilateral": "Bilateral (no mediator)",
    "united_states": "United States",
    "germany_eu": "Germany / EU",
    "russia": "Russia",
    "osce_minsk_group": "OSCE Minsk Group",
    "turkey": "Turkey",
    "summit_host": "Summit host",
}
# Short enough for the timeline's row labels; "Leaders" = heads of state or government.
FORMAT_LABELS = {
    "heads_of_state_government": "Leaders",
    "foreign_ministers": "Foreign ministers",
    "deputy_prime_ministers": "Deputy PMs",
    "envoys": "Envoys",
}
# Who stated a progress figure (the progress chart shows no mediators), Okabe–Ito in a fixed order.
STATED_BY_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
# Chain statuses, from "nothing has happened" to "done"; colours keep that order readable.
CHAIN_STATUS_COLOURS = {
    "no record": "#FFFFFF",
    "not_started": "#BBBBBB",
    "stalled": "#D55E00",
    "open": "#CC79A7",
    "waiting": "#E69F00",
    "deferred": "#777777",
    "negotiating": "#56B4E9",
    "negotiable": "#0072B2",
    "achieved": "#009E73",
}


def mediator_scale() -> alt.Scale:
    """Colour scale keyed on the mediator *label*, with every mediator in the domain, so a
    subset of mediators never shifts the colours."""
    return alt.Scale(domain=[MEDIATOR_LABELS[m] for m in MEDIATORS],
                     range=[MEDIATOR_COLOURS[m] for m in MEDIATORS])


def chain_status_scale() -> alt.Scale:
    return alt.Scale(domain=list(CHAIN_STATUS_COLOURS), range=list(CHAIN_STATUS_COLOURS.values()))


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
                      "subtitleColor": MUTED, "offset": 10},
            "axis": {"labelFont": FONT, "labelFontSize": FONT_SIZE, "titleFont": FONT,
                     "titleFontSize": FONT_SIZE, "titleFontWeight": "normal", "titleColor": TEXT_COLOUR,
                     "labelColor": TEXT_COLOUR, "gridColor": "#E5E5E5", "domainColor": MUTED,
                     "tickColor": MUTED, "labelLimit": 220},
            "legend": {"labelFont": FONT, "labelFontSize": FONT_SIZE, "titleFont": FONT,
                       "titleFontSize": FONT_SIZE, "titleFontWeight": "normal", "orient": "top",
                       "direction": "horizontal", "columns": 2, "labelLimit": 220, "symbolSize": 90},
            "header": {"labelFont": FONT, "labelFontSize": FONT_SIZE, "titleFont": FONT,
                       "titleFontSize": FONT_SIZE},
            "text": text,
            "point": {"size": 90, "strokeWidth": 1.5},
            "range": {"category": list(MEDIATOR_COLOURS.values())},
        }
    }


@alt.theme.register(THEME_NAME, enable=False)
def _brief_theme() -> alt.theme.ThemeConfig:
    return _config()


def enable() -> None:
    """Make the house theme the active Altair theme (idempotent)."""
    alt.theme.enable(THEME_NAME)
