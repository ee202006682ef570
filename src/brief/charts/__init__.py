"""Altair charts in the house theme; each function takes the edition context and returns a Figure."""

from .cadence import cadence_chart
from .chain import chain_chart
from .common import Figure
from .map import map_chart
from .progress import progress_chart
from .timeline import timeline_chart

__all__ = ["Figure", "cadence_chart", "chain_chart", "map_chart", "progress_chart", "timeline_chart"]
