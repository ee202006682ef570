"""brief: a reproducible policy brief on the Armenia–Azerbaijan peace process."""

__version__ = "0.1.0"
