"""The one ``<script>`` that loads Vega, Vega-Lite and vega-embed into an HTML brief.

Inlined once per page (no CDN), so the single-file HTML works offline; every chart's
``text/html`` output calls ``vegaEmbed`` and relies on it. Both engines include this tag.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def vega_script_tag() -> str:
    import vl_convert

    # The bundle is JavaScript; "</script" cannot occur in it unescaped (checked by a test).
    return f"<script>{vl_convert.javascript_bundle()}</script>\n"
