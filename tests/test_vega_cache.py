"""The Vega bundle: made by a separate process while a build runs, kept per vl-convert version."""

from __future__ import annotations

import pytest

from brief.render import vega


@pytest.fixture
def fresh(monkeypatch):
    """This process has not made or read the tag yet."""
    for name, value in (("_tag", None), ("_cached", None), ("_making", None)):
        monkeypatch.setattr(vega, name, value)


@pytest.mark.slow
def test_a_prefetched_tag_is_the_bundle_and_is_kept_for_the_next_build(tmp_path, fresh, monkeypatch):
    vega.prefetch(tmp_path)
    assert vega._making is not None, "made by another process, not holding this one's GIL"
    tag = vega.vega_script_tag()
    assert tag.startswith("<script>") and tag.endswith("</script>\n") and "vegaEmbed" in tag
    assert vega.cache_file(tmp_path).read_text(encoding="utf-8") == tag
    assert vega.vega_script_tag() is tag, "once per process"

    for name, value in (("_tag", None), ("_cached", None), ("_making", None)):  # the next build's process
        monkeypatch.setattr(vega, name, value)
    vega.cache_file(tmp_path).write_text("<script>kept</script>\n", encoding="utf-8")
    vega.prefetch(tmp_path)
    assert vega._making is None and vega.vega_script_tag() == "<script>kept</script>\n"


def test_the_cache_is_per_vl_convert_version(tmp_path):
    from importlib.metadata import version

    assert vega.cache_file(tmp_path).name == f"vl-convert-{version('vl-convert-python')}.html"
