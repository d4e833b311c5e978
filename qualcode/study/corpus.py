"""The loaded study: every transcript, its attributes and its segments, read once.

:func:`load_corpus` reads a project's transcripts folder; :class:`Corpus` answers lookups
(with did-you-mean errors) and counts with the rules of :mod:`qualcode.study.attributes`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property

from qualcode.common.didyoumean import closest, hint
from qualcode.errors import (
    AnalysisError,
    Problem,
    TranscriptError,
    UnknownAttributeError,
    UnknownCaseError,
    UnknownSegmentError,
    UnknownTranscriptError,
)
from qualcode.study.attributes import participant_key, word_count
from qualcode.study.cases import CaseTable, find_cases_file, read_case_table
from qualcode.study.corpuscache import CorpusCache
from qualcode.study.files import scan_transcripts
from qualcode.study.project import Project
from qualcode.study.segment import Segment, segment_transcripts
from qualcode.study.transcripts import (
    ATTRIBUTES_FILE,
    TRANSCRIPT_EXTENSIONS,
    ReadResult,
    Transcript,
    merge_attributes,
    read_attributes_csv,
    read_transcript,
)

Warn = Callable[[str], None]


@dataclass
class Corpus:
    """Transcripts in id order and their segments in reading order."""

    transcripts: list[Transcript]
    segments_by_transcript: dict[str, list[Segment]]
    case_attribute: str = "case"
    segment_by: str = "turn"
    #: ``case_order`` in qualcode.yaml: cases listed there come first, in that order
    case_order: tuple[str, ...] = ()
    #: the case attributes (``cases.csv``); empty when the project has none
    case_table: CaseTable = field(default_factory=CaseTable)
    by_id: dict[str, Transcript] = field(init=False)
    #: files that could not be read or parsed (left out), and folder entries that are not transcripts
    problems: list[Problem] = field(default_factory=list, init=False)
    skipped: list[tuple[str, str]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.by_id = {t.id: t for t in self.transcripts}

    @cached_property
    def segments(self) -> list[Segment]:
        return [s for t in self.transcripts for s in self.segments_by_transcript[t.id]]

    @cached_property
    def segment_index(self) -> dict[str, Segment]:
        return {s.id: s for s in self.segments}

    # -- lookups -----------------------------------------------------------------------------
    def case_of(self, transcript_id: str) -> str | None:
        return self.by_id[transcript_id].attributes.get(self.case_attribute)

    def attributes_of(self, transcript_id: str) -> dict[str, str]:
        """The transcript's attributes and the text of its case's attributes (cases.csv)."""
        attributes = dict(self.by_id[transcript_id].attributes)
        if self.case_table.attributes:
            attributes.update(self.case_table.texts_of(self.case_of(transcript_id)))
        return attributes

    def typed_attributes_of(self, transcript_id: str) -> dict[str, str | int | float | None]:
        """Like :meth:`attributes_of`, with the case attributes' typed values (numbers, None)."""
        attributes: dict[str, str | int | float | None] = dict(self.by_id[transcript_id].attributes)
        case = self.case_of(transcript_id)
        for name in self.case_table.attributes:
            attributes[name] = self.case_table.value(case, name)
        return attributes

    @cached_property
    def attributes_by_id(self) -> dict[str, dict[str, str]]:
        """:meth:`attributes_of` for every transcript, computed once."""
        return {t.id: self.attributes_of(t.id) for t in self.transcripts}

    def transcript(self, transcript_id: str) -> Transcript:
        """The transcript with this id, or an error suggesting the nearest ids."""
        try:
            return self.by_id[transcript_id]
        except KeyError:
            raise UnknownTranscriptError(
                f"no transcript '{transcript_id}'{hint(transcript_id, self.by_id)}; `qualcode transcripts` lists them"
            ) from None

    def segment(self, segment_id: str) -> Segment:
        """The segment with this id, or an error naming its transcript's nearest ids."""
        found = self.segment_index.get(segment_id)
        if found is not None:
            return found
        transcript_id = segment_id.split("#", 1)[0]
        if transcript_id in self.by_id:
            ids = [s.id for s in self.segments_by_transcript[transcript_id]]
            listing = ", ".join(closest(segment_id, ids, limit=3, cutoff=0))
            raise UnknownSegmentError(
                f"no segment '{segment_id}' in transcript '{transcript_id}'; nearest ids: {listing}. "
                f"`qualcode segments --transcript {transcript_id}` lists them all"
            )
        raise UnknownSegmentError(
            f"no segment '{segment_id}': no transcript '{transcript_id}'{hint(transcript_id, self.by_id)}; "
            "segment ids look like 'alder-creek/principal-01#3fa9c2d1' (see `qualcode segments`)"
        )

    @cached_property
    def attribute_names(self) -> frozenset[str]:
        """Every attribute name some transcript has, and the case attributes."""
        return frozenset(k for t in self.transcripts for k in t.attributes) | set(self.case_table.attributes)

    def require_attributes(self, names: Iterable[str], extra: Iterable[str] = ()) -> None:
        """Raise an error with a did-you-mean for a name no transcript has (``extra`` also allowed)."""
        known = self.attribute_names | set(extra)
        for name in names:
            if name not in known:
                raise UnknownAttributeError(
                    f"no transcript has an attribute '{name}'{hint(name, known)}; "
                    f"attributes: {', '.join(sorted(known))}"
                )

    def cases(self) -> list[str]:
        """The case names (values of the case attribute), sorted."""
        return sorted({c for c in (self.case_of(t.id) for t in self.transcripts) if c})

    def require_case(self, case: str) -> str:
        """The case named ``case`` (matched case-insensitively), or an error with a did-you-mean."""
        cases = self.cases()
        for known in cases:
            if known.casefold() == case.casefold():
                return known
        raise UnknownCaseError(f"no case '{case}'{hint(case, cases)}; cases: {', '.join(cases)}")

    def require_complete(self) -> None:
        """A TranscriptError listing every file that could not be read, if there is one."""
        if self.problems:
            raise TranscriptError(problems=self.problems)

    def require_transcripts(self) -> None:
        """An error when the study has no transcripts yet."""
        if not self.transcripts:
            raise AnalysisError("the project has no transcripts yet; add .txt or .md files to the transcripts folder")

    # -- counting (the rules of qualcode.study.attributes) -----------------------------------
    def coded_segments(self, transcript_ids: Iterable[str] | None = None) -> list[Segment]:
        """Segments of coded speakers (not ``speakers_to_skip``), of some transcripts or all."""
        if transcript_ids is None:
            return [s for s in self.segments if not s.skipped]
        return [s for t in transcript_ids for s in self.segments_by_transcript[t] if not s.skipped]

    def word_count(self, transcript_ids: Iterable[str]) -> int:
        """Words spoken in these transcripts' segments (interviewer included)."""
        return sum(word_count(s.text) for t in transcript_ids for s in self.segments_by_transcript[t])

    def participants(self, transcript_ids: Iterable[str]) -> set[str]:
        """Distinct participants among the coded speakers of these transcripts."""
        return {
            participant_key(self.by_id[s.transcript].attributes, s.transcript, s.speaker)
            for s in self.coded_segments(transcript_ids)
        }


def load_corpus(project: Project, warn: Warn) -> Corpus:
    """Read every transcript of the project.

    Every folder entry that is not read is reported through ``warn`` with the reason (and kept in
    ``Corpus.skipped``). Files that cannot be read or parsed are collected in ``Corpus.problems``
    (with file and line) while the other transcripts still load; a caller that needs the whole
    study raises them (:meth:`Corpus.require_complete`).
    """
    folder = project.transcripts_dir
    config = project.config
    if not folder.is_dir():
        raise TranscriptError(
            f"transcripts folder '{config.transcripts}' does not exist; "
            "create it, or set 'transcripts' in qualcode.yaml"
        )
    files, skipped = scan_transcripts(folder, None if config.allow_outside_links else project.root)
    for entry in skipped:
        warn(f"{project.display(entry.path)}: {entry.reason}")
    if not files:
        kinds = ", ".join(TRANSCRIPT_EXTENSIONS)
        warn(f"no transcripts ({kinds}) in '{project.display(folder)}'; add interview files there")
    problems: list[Problem] = []
    transcripts: list[Transcript] = []
    first_file: dict[str, str] = {}
    cache = CorpusCache.for_project(project.root, config.skip_set, config.aliases, config.segment_by, config.language)
    segments: dict[str, list[Segment]] = {}
    unsegmented: list[tuple[Transcript, ReadResult, str | None]] = []
    for path in files:
        display = project.display(path)
        key = cache.key(path, display)
        cached = cache.get(key, path)
        result = cached[0] if cached else read_transcript(path, folder, display, config.skip_set, config.aliases)
        for warning in result.warnings:
            warn(warning)
        problems += result.problems
        if result.transcript is None:
            continue
        tid = result.transcript.id
        if tid in first_file:
            problems.append(
                Problem(
                    display, 0, f"transcript id '{tid}' is also used by {first_file[tid]}; rename or remove one of them"
                )
            )
            continue
        first_file[tid] = display
        transcripts.append(result.transcript)
        if cached is not None:
            segments[tid] = cached[1]
        else:
            unsegmented.append((result.transcript, result, key))
    # Segments depend on the text and turns only, not on attributes.csv (merged below): the
    # cache keeps what the file alone gives.
    fresh = segment_transcripts([t for t, _r, _k in unsegmented], config.segment_by, config.skip_set, config.language)
    for transcript, result, key in unsegmented:
        cache.put(key, result, fresh[transcript.id])
    segments.update(fresh)
    cache.save()

    attributes_path = folder / ATTRIBUTES_FILE
    if os.path.lexists(attributes_path) and not attributes_path.is_file():
        warn(
            f"{project.display(attributes_path)}: not read: it is a folder or not a regular file; "
            "attributes.csv must be a CSV file"
        )
    elif attributes_path.is_file():
        csv_display = project.display(attributes_path)
        rows, csv_problems, csv_warnings = read_attributes_csv(attributes_path, csv_display)
        problems += csv_problems
        for warning in csv_warnings:
            warn(warning)
        merge_attributes(transcripts, rows, csv_display, warn)

    transcripts.sort(key=lambda t: t.id)
    for transcript in transcripts:
        if config.case_attribute not in transcript.attributes:
            warn(
                f"{transcript.display_path}: no '{config.case_attribute}' attribute; add it to the front matter "
                f"or to {ATTRIBUTES_FILE} so the transcript belongs to a case"
            )
    segments = {t.id: segments[t.id] for t in transcripts}
    cases_path, cases_problems = find_cases_file(project.root, config.cases)
    problems += cases_problems
    case_key = config.case_attribute
    case_names = sorted({t.attributes[case_key] for t in transcripts if t.attributes.get(case_key)})
    case_table, table_problems = read_case_table(
        cases_path,
        project.display(cases_path) if cases_path else "",
        case_names,
        {k for t in transcripts for k in t.attributes},
        "in transcript front matter or attributes.csv",
    )
    problems += table_problems
    corpus = Corpus(transcripts, segments, config.case_attribute, config.segment_by, config.case_order, case_table)
    corpus.problems = problems
    corpus.skipped = [(project.display(s.path), s.reason) for s in skipped]
    return corpus
