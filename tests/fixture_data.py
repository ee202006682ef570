"""The fixture project's dataset for the content tests: loaded once per test process, never the shipped data.

Expected values in the content tests are worked out by hand from ``tests/fixtures/project/`` (its CSVs,
seeds and editions); the comments next to them say how. Two facts the arithmetic keeps using:

* ``src_alpha`` (field notes) is dated 2024-06, so its facts became known on 30 June 2024;
* ``src_beta`` (year-end review) is dated 2024-12, so its facts became known on 31 December 2024.
No fixture row sets ``reported``.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from brief.context import Context
from brief.dataset import Dataset, load_dataset
from brief.editions import Edition, edition_context, list_editions, previous_edition
from brief.params import resolve

from .helpers import FIXTURE

ALPHA_KNOWN = "2024-06-30"
BETA_KNOWN = "2024-12-31"


def copy_data(dest: Path) -> Path:
    """The fixture's data/ and seeds/ (all that loading the dataset needs) under ``dest``; returns ``dest``."""
    for name in ("data", "seeds"):
        shutil.copytree(FIXTURE / name, dest / name)
    return dest


@functools.cache
def fixture_dataset() -> Dataset:
    """The fixture dataset, validated and loaded once (in a private copy: validation writes a stamp)."""
    root = Path(tempfile.mkdtemp(prefix="brief-fixture-"))
    atexit.register(shutil.rmtree, root, True)
    return load_dataset(copy_data(root) / "data")


def context(ds: Dataset | None = None, *, edition: dict | None = None, provenance: dict | None = None,
            **params) -> Context:
    """An edition context over the fixture (or ``ds``) with the given raw parameters (CLI forms)."""
    ds = ds or fixture_dataset()
    return Context(ds, resolve(params, ds.defaults), edition or {}, provenance or {})


@functools.cache
def fixture_editions() -> dict[str, Edition]:
    """The fixture's editions by name (2024-06: retrospective mid-year; 2024-12: year-end)."""
    return {e.name: e for e in list_editions(FIXTURE)}


def edition_context_of(name: str) -> dict:
    """The ``edition`` notebook parameter a build of the fixture edition ``name`` passes."""
    editions = fixture_editions()
    chosen = editions[name]
    params = resolve(chosen.params, fixture_dataset().defaults)
    return edition_context(chosen, previous_edition(list(editions.values()), params.as_of, params.since), chosen)


def edition_ctx(name: str, ds: Dataset | None = None) -> Context:
    """The context a build of fixture edition ``name`` gives its notebooks."""
    edition = fixture_editions()[name]
    return context(ds, edition=edition_context_of(name), **edition.params)
