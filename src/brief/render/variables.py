"""What the templates print besides the body, computed once for both engines.

The HTML template and the Typst partials (``templates/``) read these variables; the built-in
engine passes them to pandoc, the Quarto engine writes them to ``_executed/brief-metadata.yml``
(``metadata-files`` in ``_quarto.yml``).
"""

from __future__ import annotations

import datetime as dt


def template_variables(front: dict, metadata: dict) -> dict:
    """Title-block and page variables from brief.qmd's front matter and the build's metadata.

    ``metadata`` is the build's render metadata (``as_of``, ``edition``, ``subtitle`` = the
    edition's title, …); the edition title is printed as ``edition-title`` so that it wins over
    brief.qmd's own ``subtitle`` in Quarto too, where front matter outranks metadata files.
    """
    as_of = dt.date.fromisoformat(str(metadata.get("as_of") or metadata.get("date")))
    authors = front.get("author") or []
    authors = [authors] if isinstance(authors, str) else [a.get("name", a) if isinstance(a, dict) else a
                                                          for a in authors]
    return {
        "edition-title": str(metadata.get("subtitle") or front.get("subtitle") or ""),
        "as-of-long": str(metadata.get("as-of-long") or as_of.isoformat()),  # worded by the build (brief.dates)
        "date": as_of.isoformat(),
        "year": as_of.year, "month": as_of.month, "day": as_of.day,
        "author-string": ", ".join(str(a) for a in authors),
        # How passages.lua shows each analyst passage in this view (brief.request.Request.passage_marks).
        "brief-passages": metadata.get("brief-passages") or {},
        # when-known.lua leaves brief.qmd's .when-known part out of a view that can cite no source.
        "brief-nothing-known": bool(metadata.get("brief-nothing-known")),
    }
