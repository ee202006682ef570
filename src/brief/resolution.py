"""What a build request means for the data, decided before any kernel starts.

Given the validated tables, the raw parameters and the chosen edition, :func:`resolve_for_data`
returns the checked parameters (defaults from the data, ``mediators`` against the actors),
the ``edition`` notebook parameter (previous edition, front page, trend overrides) and the
verdict on every analyst passage — ``brief.qmd``'s ``.analysis`` divs and the front page —
for this view: shown, omitted, or stale. Unknown facts, numbers no fact carries and unknown
confidence levels or tracks are refused here, with file and line. Pandas-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import knowledge, prose
from .descriptor import DESCRIPTOR
from .editions import Edition, edition_context, front_page_edition, list_editions, previous_edition
from .exceptions import DataError, EditionError
from .params import DataDefaults, Params, resolve
from .problems import Problem
from .text import did_you_mean
from .vocabulary import Domain, Vocabulary

QMD = "brief.qmd"


@dataclass(frozen=True)
class Resolution:
    params: Params
    edition: dict  # the `edition` notebook parameter
    verdicts: tuple[prose.Verdict, ...]

    @property
    def stale(self) -> tuple[prose.Verdict, ...]:
        return tuple(v for v in self.verdicts if v.stale)

    def passage_marks(self) -> dict[str, dict]:
        """Per brief.qmd passage id: how the renderer shows it ({"omit": True} or the stale facts)."""
        marks = {}
        for verdict in self.verdicts:
            if verdict.passage.where.split(":")[0] != QMD:
                continue
            if not verdict.shown:
                marks[verdict.passage.key] = {"omit": True}
            elif verdict.stale:
                marks[verdict.passage.key] = {"stale": [
                    {"id": f.id, "title": f.title, "known": f.known_end.isoformat()} for f in verdict.changed],
                    "reviewed": verdict.passage.reviewed.isoformat()}
        return marks


def data_defaults(descriptor: dict, rows: dict) -> DataDefaults:
    """Defaults and allowed values from the data: the latest dates, and the actors ``mediators`` may name."""
    vocab = Vocabulary.from_tables(descriptor, rows)
    try:
        latest, known = knowledge.latest_date(descriptor, rows), knowledge.latest_known(descriptor, rows)
    except ValueError as err:
        raise DataError([Problem(f"data/{DESCRIPTOR}", 1, "resources", str(err),
                                 'declare the tables of dated facts with "brief": {"role": "fact"} and add rows')]
                        ) from None
    return DataDefaults(latest=latest, latest_known=known,
                        actors=vocab["actors"].ids() if "actors" in vocab else ())


def _check_front_page(front: Edition, vocab: Vocabulary) -> None:
    levels = vocab["confidence"] if "confidence" in vocab else Domain("confidence", ())
    for i, judgment in enumerate(front.judgments, 1):
        if judgment.confidence not in levels:
            hint = did_you_mean(judgment.confidence, levels.ids())
            raise EditionError(f"{front.path}: judgments[{i}]: unknown confidence '{judgment.confidence}'",
                               f"{hint + ' ' if hint else ''}levels: {', '.join(levels.ids())}")
    tracks = vocab["tracks"] if "tracks" in vocab else Domain("tracks", ())
    for track in (e for e in front.trend_overrides if e not in tracks):
        hint = did_you_mean(track, tracks.ids())
        raise EditionError(f"{front.path}: trend_overrides: unknown track '{track}'",
                           f"{hint + ' ' if hint else ''}tracks: {', '.join(tracks.where('trend')) or 'none'}")


def resolve_for_data(root: Path, descriptor: dict, rows: dict, raw: dict, chosen: Edition | None,
                     since_edition: Edition | None = None) -> Resolution:
    """Parameters, edition context and passage verdicts for one build (see module doc)."""
    params = resolve(raw, data_defaults(descriptor, rows))
    editions = list_editions(root)
    previous = since_edition or previous_edition(editions, params.as_of, params.since)
    front = front_page_edition(editions, chosen, params.as_of)
    vocab = Vocabulary.from_tables(descriptor, rows)
    for edition in {e.name: e for e in (chosen, front) if e is not None}.values():
        _check_front_page(edition, vocab)
    index = prose.build_index(descriptor, rows)
    qmd = Path(root) / QMD
    passages = prose.parse_passages(qmd.read_text(encoding="utf-8"), QMD) if qmd.is_file() else []
    passages += front.passages() if front else []
    prose.check_references(passages, index)
    verdicts = tuple(prose.judge(p, index, params.view) for p in passages)
    return Resolution(params, edition_context(chosen, previous, front), verdicts)
