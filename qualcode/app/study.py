"""The opened project: what the command line and notebooks work with.

A :class:`Study` holds a :class:`~qualcode.study.project.Project` (its root and settings) and
loads each part on first use, once: the corpus, the codebook, the spaCy pipeline and the two
stores. The stages below it never see a ``Study``; each method hands them the parts they need
and calls one stage function. So a notebook gets the same numbers as the command line::

    import qualcode
    study = qualcode.open_project("path/to/study")
    study.matrix(measure="share")

Warnings (an edited transcript, an attribute conflict…) go to the ``warn`` callback when one is
given (the CLI prints them on stderr), else through Python's :mod:`warnings` module as
:class:`~qualcode.errors.QualcodeWarning`; either way they are kept in :attr:`Study.warnings`.
Heavy libraries (pandas, numpy, spaCy) are imported only by the methods that need them.
"""

from __future__ import annotations

import warnings as _warnings
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.codebook.model import Codebook
from qualcode.codebook.parse import load_codebook
from qualcode.coding import handcoding
from qualcode.coding.identity import split_coders
from qualcode.coding.records import Note
from qualcode.coding.resolve import CodingSet, Reanchored, load_codings, save_reanchored
from qualcode.coding.store import CodingStore
from qualcode.common.cachefiles import CACHE_FOLDER
from qualcode.errors import QualcodeWarning
from qualcode.study.config import Config
from qualcode.study.corpus import Corpus, load_corpus
from qualcode.study.project import Project, locate_project
from qualcode.suggest.records import DEFAULT_MIN_SCORE, Suggestion, scope_codes
from qualcode.suggest.store import Decision, SuggestionStore, rule_stats

if TYPE_CHECKING:
    import pandas as pd
    from spacy.language import Language

    from qualcode.analysis.selection import Selection
    from qualcode.coding.session import CodingSession
    from qualcode.interop.refi.project_export import ExportSummary
    from qualcode.suggest.cache import ParseCache
    from qualcode.suggest.engine import Progress
    from qualcode.suggest.evaluate import CrossValidation, Evaluation
    from qualcode.suggest.learn import CodeProgress
    from qualcode.suggest.model import LearnedModel
    from qualcode.suggest.review import Review
    from qualcode.synthesis.framework import Framework
    from qualcode.synthesis.summaries import Summary

Warn = Callable[[str], None]
Coders = str | Sequence[str] | None


def open_project(directory: str | Path | None = None, warn: Warn | None = None) -> Study:
    """Open the project at ``directory`` (or the nearest one above the current folder).

    Raises :class:`qualcode.QualcodeError` (a :class:`~qualcode.errors.ProjectNotFoundError` or
    :class:`~qualcode.errors.ConfigError`) when there is no valid project there.
    """
    return Study(locate_project(directory), warn=warn)


class Study:
    """A project with its parts loaded on first use (see the module docstring)."""

    def __init__(self, project: Project, warn: Warn | None = None):
        self.project = project
        self._warn = warn
        self.warnings: list[str] = []

    def __repr__(self) -> str:
        return f"<qualcode.Study {self.project.root}>"

    # -- the project ---------------------------------------------------------------------------
    @property
    def root(self) -> Path:
        return self.project.root

    @property
    def config(self) -> Config:
        return self.project.config

    def display(self, path: Path | str) -> str:
        return self.project.display(path)

    def path(self, relative: str | Path) -> Path:
        """A project-relative path (refusing one that leaves the project)."""
        return self.project.path(relative)

    def warning(self, message: str) -> None:
        """Record a warning once and pass it on (callback, else Python's warnings module)."""
        if message in self.warnings:
            return
        self.warnings.append(message)
        if self._warn is not None:
            self._warn(message)
        else:
            _warnings.warn(message, QualcodeWarning, stacklevel=3)

    # -- parts, loaded once --------------------------------------------------------------------
    @cached_property
    def readable_corpus(self) -> Corpus:
        """Every transcript that could be read, and its segments; ``problems`` lists the files
        that could not (for commands that can go on without them: listings, ``check``)."""
        return load_corpus(self.project, self.warning)

    @property
    def corpus(self) -> Corpus:
        """Every transcript and its segments; a TranscriptError when a file could not be read."""
        corpus = self.readable_corpus
        corpus.require_complete()
        return corpus

    @cached_property
    def codebook(self) -> Codebook:
        """The codebook, structurally validated. spaCy pattern schemas are checked where patterns
        are used (``codebook validate``, ``check``, the matcher): importing spaCy costs seconds
        that hand-coding commands should not pay."""
        path = self.project.codebook_path
        return load_codebook(path, display=self.project.display(path), check_patterns=False)

    @cached_property
    def nlp(self) -> Language:
        from qualcode.suggest.nlp import load_nlp

        return load_nlp(self.config.nlp, self.config.language)

    @cached_property
    def store(self) -> CodingStore:
        return CodingStore(self.project.codings_dir, self.project.display, self.root / CACHE_FOLDER)

    @cached_property
    def suggestion_store(self) -> SuggestionStore:
        return SuggestionStore(self.project.suggestions_dir, self.project.display)

    # -- codings ---------------------------------------------------------------------------------
    def load_codings(
        self, coders: Coders = None, warn_orphans: bool = True, transcripts: Sequence[str] | None = None
    ) -> CodingSet:
        """All (or some) coders' codings resolved against today's transcripts (nothing is
        written); with ``transcripts``, only the codings and notes of those transcripts."""
        names = None if coders is None else split_coders(coders)
        only = None if transcripts is None else frozenset(transcripts)
        return load_codings(self.store, self.corpus, self.codebook, names, self.warning, warn_orphans, only)

    def code(
        self, segment_id: str, code_ids: Sequence[str], coder: str, memo: str = "", source: str = "manual"
    ) -> tuple[list[str], list[str]]:
        """Code a segment; return ``(added, already present)``."""
        return handcoding.add_codings(
            self.store, self.corpus, self.codebook, segment_id, code_ids, coder, memo, source, self.warning
        )

    def uncode(self, segment_id: str, code_ids: Sequence[str], coder: str) -> list[str]:
        """Remove codes from a segment; return those removed."""
        return handcoding.remove_codings(self.store, self.corpus, self.codebook, segment_id, code_ids, coder)

    def annotate(self, segment_id: str, text: str, coder: str) -> Note:
        """Attach a note to a segment."""
        return handcoding.annotate(self.store, self.corpus, segment_id, text, coder)

    def remove_notes(self, segment_id: str, coder: str, text: str | None = None) -> int:
        return handcoding.remove_notes(self.store, self.corpus, segment_id, coder, text)

    def mark_done(self, transcript_ids: Sequence[str], coder: str, undo: bool = False) -> list[str]:
        """Mark transcripts fully coded by ``coder`` (or unmark); return those changed."""
        return handcoding.mark_done(self.store, self.corpus, transcript_ids, coder, undo)

    def coding_session(self, transcript_id: str, coder: str) -> CodingSession:
        """An interactive-coding session over one transcript (``qualcode code TRANSCRIPT``)."""
        from qualcode.coding.session import CodingSession

        return CodingSession(self.store, self.corpus, self.codebook, transcript_id, coder, self.warning)

    def reanchor(self, coders: Coders = None) -> Reanchored:
        """Save the new anchors of codings and notes that transcript edits moved; return the moves
        (``.codings`` and ``.notes``)."""
        names = None if coders is None else split_coders(coders)
        return save_reanchored(self.store, self.corpus, names)

    # -- suggestions ---------------------------------------------------------------------------
    @cached_property
    def model(self) -> LearnedModel | None:
        """The learned model (``models/learned.json``), or None when there is none.

        A model learned with another version of the codebook is still used for the codes that
        remain, with a warning to learn again.
        """
        path = self.project.model_path
        if not path.is_file():
            return None  # (without importing the model module: scipy costs a second)
        from qualcode.suggest.model import codebook_hash, read_model

        model = read_model(path, self.display(path))
        if model.codebook_hash and model.codebook_hash != codebook_hash(self.codebook):
            self.warning(
                f"{self.display(path)} was learned with another version of the codebook (codes, keywords or "
                "patterns changed); run `qualcode learn` again"
            )
        return model

    def rule_factors(self) -> dict[tuple[str, str], float]:
        """How much each rule counts, lowered for rules that review keeps rejecting."""
        from qualcode.suggest.scoring import rule_factors

        if not self.project.suggestions_dir.is_dir():
            return {}
        return rule_factors(self.decisions())

    def suggest(
        self,
        transcript: str | None = None,
        code: str | None = None,
        min_score: float = DEFAULT_MIN_SCORE,
        progress: Progress | None = None,
        use_model: bool = True,
    ) -> list[Suggestion]:
        """Suggestions for the coded-speaker segments (of one transcript, for one code subtree).

        With ``use_model`` (the default) the learned model is used when there is one.
        """
        from qualcode.suggest.engine import suggest

        model = self.model if use_model else None
        found = suggest(
            self.corpus,
            self.codebook,
            self.nlp,
            transcript,
            code,
            min_score,
            progress,
            model,
            self.rule_factors(),
            self.parse_cache,
        )
        self.save_parse_cache()
        return found

    @cached_property
    def parse_cache(self) -> ParseCache:
        """Parsed segments kept under ``.qualcode/cache/`` (see :mod:`qualcode.suggest.cache`)."""
        from qualcode.suggest.cache import ParseCache

        return ParseCache.for_project(self.root, self.codebook.sha256 or "", self.nlp)

    def save_parse_cache(self) -> None:
        """Write newly parsed segments to the cache (those of today's segments only)."""
        from qualcode.suggest.cache import text_key

        if self.parse_cache.dirty:
            self.parse_cache.save({text_key(s.text) for s in self.corpus.segments})

    def learn(
        self, coders: Coders = None, part: str | None = None, progress: CodeProgress | None = None
    ) -> LearnedModel:
        """Learn a model from ``coders``' codings (all coders by default) and review decisions.

        With an evaluation split, the ``test`` part is left out unless ``part`` is ``all``.
        """
        from qualcode.suggest.learn import learn_model

        codings = self.load_codings(None if coders is None else split_coders(coders), warn_orphans=False)
        transcripts = self._learning_transcripts(part)
        names = set(codings.coders)
        decisions = [d for d in self.decisions() if d.coder in names] if self.project.suggestions_dir.is_dir() else []
        model = learn_model(
            self.corpus,
            self.codebook,
            codings,
            self.nlp,
            decisions,
            transcripts,
            progress=progress,
            cache=self.parse_cache,
        )
        self.save_parse_cache()
        return model

    def _learning_transcripts(self, part: str | None) -> set[str] | None:
        from qualcode.suggest.split import split_transcripts

        split = self.config.split
        if not split or part == "all":
            return None
        ids = [t.id for t in self.corpus.transcripts]
        parts = split_transcripts(split, ids)
        if part == "dev":
            return set(parts["dev"])
        return set(ids) - set(parts["test"])

    def save_model(self, model: LearnedModel, output: str | Path | None = None) -> Path:
        """Write ``model`` as JSON (to ``models/learned.json`` by default); return the path."""
        import json

        from qualcode.common.storage import atomic_write

        path = self.project.model_path if output is None else self.project.output_path(output, allow="models")
        atomic_write(path, json.dumps(model.to_json(), indent=1, ensure_ascii=False) + "\n", self.display(path))
        self.__dict__.pop("model", None)
        return path

    def save_suggestions(
        self, suggestions: list[Suggestion], transcript: str | None = None, code: str | None = None
    ) -> int:
        """Replace the pending suggestions of this scope (a transcript, a code subtree, or all)."""
        return self.suggestion_store.save_pending(suggestions, transcript, scope_codes(self.codebook, code))

    def pending_suggestions(self) -> list[Suggestion]:
        """Saved pending suggestions whose segment and code still exist."""
        return self.suggestion_store.load_pending(self.corpus.segment_index, self.codebook)

    def decisions(self, coder: str | None = None) -> list[Decision]:
        """Review decisions (of one coder, or everyone's) on segments that still exist."""
        return self.suggestion_store.load_decisions(self.corpus.segment_index, coder)

    def rule_stats(self) -> list[dict[str, Any]]:
        """Per code and rule, how often review accepted its suggestions."""
        return rule_stats(self.decisions())

    def open_review(
        self, coder: str, transcript: str | None = None, code: str | None = None, min_score: float = DEFAULT_MIN_SCORE
    ) -> tuple[Review, bool]:
        """The coder's review queue (suggestions computed and saved first when none are saved)."""
        from qualcode.suggest.review import ReviewParts, open_review

        parts = ReviewParts(self.store, self.suggestion_store, self.corpus, self.codebook)
        return open_review(parts, coder, lambda: self.suggest(transcript, code, min_score), transcript, code, min_score)

    def evaluate(
        self,
        gold: str = "gold",
        coder: str | None = None,
        level: str = "top",
        min_score: float = DEFAULT_MIN_SCORE,
        part: str | None = None,
        use_model: bool = True,
    ) -> Evaluation:
        """Score the suggestions (or ``coder``'s codings) against the ``gold`` coder.

        ``part`` is ``dev``, ``test`` or ``all`` (default: ``test`` when qualcode.yaml has an
        evaluation split, else ``all``). Suggestions use the learned model when there is one
        and ``use_model`` is True.
        """
        from qualcode.suggest.evaluate import evaluate

        part, transcripts = self._part(part)
        gold_set = self.load_codings([gold])
        if coder is not None:
            other = self.load_codings([coder])
            return evaluate(
                self.corpus, self.codebook, gold_set, level, min_score, other=other, transcripts=transcripts, part=part
            )
        model = self.model if use_model else None
        result = evaluate(
            self.corpus,
            self.codebook,
            gold_set,
            level,
            min_score,
            nlp=self.nlp,
            transcripts=transcripts,
            model=model,
            factors=self.rule_factors(),
            part=part,
        )
        if model is not None:
            scored = set(gold_set.done.get(gold_set.coders[0], ()))
            if transcripts is not None:
                scored &= transcripts
            seen = scored & set(model.transcripts)
            result.notes.insert(0, f"suggestions use {self.display(self.project.model_path)}")
            if seen:
                result.notes.insert(
                    1,
                    f"the model learned from {len(seen)} of the transcripts scored here, so these scores are "
                    "optimistic; use --cv K for an honest figure, or --no-model",
                )
        return result

    def cross_validate(
        self,
        gold: str = "gold",
        folds: int = 5,
        level: str = "top",
        min_score: float = DEFAULT_MIN_SCORE,
        part: str | None = None,
    ) -> CrossValidation:
        """K-fold cross-validation by transcript of learning from the ``gold`` coder."""
        from qualcode.suggest.evaluate import cross_validate

        part, transcripts = self._part(part)
        gold_set = self.load_codings([gold])
        return cross_validate(
            self.corpus, self.codebook, gold_set, self.nlp, folds, level, min_score, transcripts, part
        )

    def _part(self, part: str | None) -> tuple[str, set[str] | None]:
        from qualcode.suggest.split import part_transcripts

        return part_transcripts(self.config.split, [t.id for t in self.corpus.transcripts], part)

    # -- exchange ----------------------------------------------------------------------------------
    def export_qdpx(self) -> tuple[bytes, ExportSummary]:
        """The project as a REFI-QDA ``.qdpx`` (bytes) and a summary of what is in it."""
        from qualcode import __version__
        from qualcode.coding.memos import list_memos
        from qualcode.interop.refi.project_export import MemoDoc, export_qdpx

        config, book = self.config, self.codebook
        settings: dict[str, object] = {
            "segment_by": config.segment_by,
            "case_attribute": config.case_attribute,
            "language": config.language,
            "speakers_to_skip": list(config.speakers_to_skip),
            "speaker_aliases": dict(config.speaker_aliases),
            "codebook_name": book.name,
            "codebook_version": book.version,
            "codebook_description": book.description,
        }
        memos = [
            MemoDoc(
                self.display(m.path), m.title, m.author, m.date, m.path.read_text(encoding="utf-8", errors="replace")
            )
            for m in list_memos(self.project.memos_dir, self.display, self.warning)
        ]
        name = book.name or self.root.name
        return export_qdpx(self.corpus, book, self.load_codings(), name, f"qualcode {__version__}", settings, memos)

    # -- analysis --------------------------------------------------------------------------------
    def select(
        self,
        coders: Coders = None,
        include_suggestions: bool = False,
        min_score: float = 0.0,
        suggestions: Sequence[Suggestion] | None = None,
    ) -> Selection:
        """The codings a matrix or report counts: these coders' (all when None), plus the current
        suggestions at or above ``min_score`` as the coder 'suggestions' when asked."""
        from qualcode.analysis.selection import select

        codings = self.load_codings(coders)
        if include_suggestions and suggestions is None:
            suggestions = self.suggest(min_score=min_score)
        return select(codings, suggestions if include_suggestions else None, min_score)

    def reconciled_coders(self, named: Coders = None) -> dict[str, tuple[str, ...]]:
        """Coders made by ``reconcile`` -> the coders they merge, leaving out those ``named``
        (a reconciled coder named explicitly is compared like any other)."""
        from qualcode.coding.reconcile import reconciled_coders
        from qualcode.coding.records import coder_slug

        wanted = {coder_slug(c) for c in (split_coders(named) if isinstance(named, str) else named or ())}
        return {c: v for c, v in reconciled_coders(self.store).items() if coder_slug(c) not in wanted}

    def memo_texts(self) -> list[dict[str, object]]:
        """The analytic memos for the report: title, author, date, codes, file and body."""
        from qualcode.coding.memos import list_memos, memo_body

        return [
            {
                "title": m.title,
                "author": m.author,
                "date": m.date,
                "codes": m.codes,
                "file": self.display(m.path),
                "body": memo_body(m),
            }
            for m in list_memos(self.project.memos_dir, self.display, self.warning)
        ]

    # -- summaries: the synthesis per cell -------------------------------------------------------
    def summary_cells(self, coders: Coders = None) -> dict[tuple[str, str], list[str]]:
        """Every cell (case, code) with quotes -> its segment ids (these coders', all by default)."""
        from qualcode.synthesis.summaries import cell_index

        return cell_index(self.corpus, self.codebook, self.load_codings(coders))

    def summaries(self, coders: Coders = None) -> dict[tuple[str, str], Summary]:
        """Every summary under ``summaries/`` by (case, code), ``stale`` set against the current
        quotes; a SummaryError naming file:line for a file that cannot be used."""
        from qualcode.synthesis.summaries import load_summaries, mark_stale

        found = load_summaries(
            self.project.summaries_dir, self.display, self.corpus.cases(), [c.id for c in self.codebook.walk()]
        )
        mark_stale(found, self.summary_cells(coders))
        return found

    def summary_status(self, coders: Coders = None) -> dict[str, list[dict[str, object]]]:
        """What ``qualcode summaries`` lists: missing, stale and current summaries."""
        from qualcode.synthesis.summaries import load_summaries, summary_status

        found = load_summaries(
            self.project.summaries_dir, self.display, self.corpus.cases(), [c.id for c in self.codebook.walk()]
        )
        return summary_status(self.corpus, self.codebook, self.summary_cells(coders), found, self.display)

    def summary_cell(self, case: str, code: str, coders: Coders = None) -> tuple[str, str, list[str]]:
        """``(case, code, quotes)``: the cell named loosely (case by name, any case, or folder;
        code by id or path), with did-you-mean errors, and its quotes."""
        from qualcode.synthesis.summaries import match_case

        code = self.codebook.resolve(code)
        case = match_case(case, self.corpus.cases())
        return case, code, self.summary_cells(coders).get((case, code), [])

    def summarize(self, case: str, code: str, text: str, author: str, coders: Coders = None) -> Summary | None:
        """Write the summary of a cell (stamped with its current quotes); None when ``text`` is
        empty (no file written)."""
        from qualcode.synthesis.summaries import write_summary

        case, code, quotes = self.summary_cell(case, code, coders)
        return write_summary(self.project.summaries_dir, self.display, case, code, text, author, quotes)

    def framework(
        self,
        coders: Coders = None,
        level: str = "top",
        order_by: str | None = None,
        descending: bool = False,
    ) -> Framework:
        """The framework matrix: cases x themes with each cell's summary, quote count and exemplar
        quotes (cited first), the case attributes as context rows (see ``qualcode framework``)."""
        from qualcode.synthesis.framework import build_framework

        return build_framework(
            self.corpus, self.codebook, self.load_codings(coders), self.summaries(coders), level, order_by, descending
        )

    # -- the public data frames (see "Using qualcode from Python" in the README) -----------------
    def segments(self) -> pd.DataFrame:
        """One row per segment: id, transcript, case, speaker, start, end, text, skipped, + attributes."""
        from qualcode.analysis.frames import segments_frame

        return segments_frame(self.corpus)

    def cases(self) -> pd.DataFrame:
        """One row per case: case, transcripts, participants, segments, words, + the case attributes
        of cases.csv (numeric columns where every value is a number)."""
        from qualcode.analysis.frames import cases_frame

        return cases_frame(self.corpus)

    def codings(self, coders: Coders = None) -> pd.DataFrame:
        """One row per coding: transcript, case, segment, speaker, code, coder, source, quote, memo,
        + attributes."""
        from qualcode.analysis.frames import codings_frame

        return codings_frame(self.corpus, self.load_codings(coders))

    def matrix(
        self,
        measure: str = "segments",
        by: str | Sequence[str] | None = "case",
        level: str = "top",
        coders: Coders = None,
        order_by: str | None = None,
        descending: bool = False,
    ) -> pd.DataFrame:
        """Codes x values of ``by`` (default: the case attribute): the numbers of ``qualcode matrix``;
        ``order_by`` orders the case columns by a case attribute (see ``qualcode matrix --order-by``)."""
        from qualcode.analysis.matrix import build_matrix

        return build_matrix(
            self.corpus, self.codebook, self.select(coders).codings, by, measure, level, order_by, descending
        )

    def agreement(
        self, coders: Coders = None, level: str = "all", bootstrap: int = 1000, seed: int = 1
    ) -> pd.DataFrame:
        """Per code: agreement (%), kappa, alpha, alpha_low, alpha_high, units (as ``qualcode agree``)."""
        from qualcode.analysis.agreement import compare, prepare
        from qualcode.analysis.frames import agreement_frame

        found = prepare(self.load_codings(coders), self.corpus, self.codebook, (), level)
        return agreement_frame(compare(found.table, found.codes, found.groups, bootstrap, seed))

    def suggestions(self, min_score: float = DEFAULT_MIN_SCORE) -> pd.DataFrame:
        """One row per current suggestion: segment, transcript, code, score, rules."""
        from qualcode.analysis.frames import suggestions_frame

        return suggestions_frame(self.suggest(min_score=min_score))
