"""Speaker-turn detection in plain-text and Markdown transcripts.

A turn starts at a line that opens with a speaker label and a colon: ``NAME:``, ``Name
Surname:``, ``Q:``/``A:``, ``Interviewer:``, ``[00:12:31] Speaker 2:``, ``(00:12:31) NAME:``,
and Markdown's ``**Name:**``. A line without a label continues the current turn.

Ordinary prose must not start a turn. A label candidate is accepted when it is *strong*
(timestamped, bold, ALL CAPS, a known role such as ``Interviewer``/``Respondent``/``Speaker 2``)
or when it is a title-case name that does not open like a prose heading (``Note``, ``Example``,
``Next steps``…) and either has two or more words, starts a paragraph, directly follows another turn's
label line, or is used as a label on at least two lines. So ``Note: …`` inside a
paragraph, or a time such as ``at 10:30``, never starts a turn.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_LINE = re.compile(
    rf"""^(?P<ts>(?:\[\s*{_TIME}\s*\]|\(\s*{_TIME}\s*\)|\d{{1,2}}:\d{{2}}:\d{{2}})[ \t]*)?
    (?P<bold>\*\*|__)?
    (?P<label>[^\W\d_][^:\n*]{{0,48}}?)
    [ \t]*(?P<bold2>\*\*|__)?[ \t]*:[ \t]*(?P<bold3>\*\*|__)?
    (?:[ \t]+|$)""",
    re.VERBOSE,
)
_WORD = re.compile(r"^(?:[^\W_][\w.'’\-]*|\d+[a-z]?|&)$")
_PARTICLES = frozenset(
    ["de", "del", "della", "der", "di", "da", "du", "la", "le", "van", "von", "y", "bin", "al", "el", "st"]
)
_ROLE_WORDS = frozenset(
    [
        "interviewer",
        "interviewee",
        "respondent",
        "participant",
        "moderator",
        "facilitator",
        "researcher",
        "question",
        "answer",
        "q",
        "a",
        "r",
        "i",
        "int",
        "resp",
        "speaker",
        "parent",
        "teacher",
        "principal",
        "student",
        "coach",
        "translator",
        "interpreter",
    ]
)
#: Words that open prose lines with a colon and are never speaker labels on their own.
PROSE_HEADS = frozenset(
    [
        "note",
        "notes",
        "nb",
        "n.b",
        "example",
        "examples",
        "e.g",
        "i.e",
        "eg",
        "ie",
        "update",
        "summary",
        "subject",
        "re",
        "ps",
        "p.s",
        "tip",
        "warning",
        "caution",
        "important",
        "source",
        "sources",
        "step",
        "steps",
        "result",
        "results",
        "goal",
        "goals",
        "edit",
        "translation",
        "reminder",
        "definition",
        "objective",
        "agenda",
        "topic",
        "title",
        "date",
        "time",
        "location",
        "attendees",
        "present",
        "absent",
        "comment",
        "comments",
        "background",
        "context",
        "overview",
        "quote",
        "yes",
        "no",
        "so",
        "and",
        "but",
        "well",
        "okay",
        "ok",
        "also",
        "then",
        "first",
        "second",
        "third",
        "finally",
        "here",
        "this",
        "that",
        "there",
        "what",
        "why",
        "how",
        "who",
        "when",
        "where",
        "which",
        "because",
        "for",
        "example",
        "instance",
        "remember",
        "update",
        "key",
        "takeaway",
        "takeaways",
        "outcome",
        "outcomes",
        "purpose",
        "problem",
        "solution",
        "lesson",
        "lessons",
        "action",
        "actions",
        "next",
        "follow",
    ]
)


@dataclass(frozen=True)
class Turn:
    """A speaker turn: ``text[start:end]`` is its content (the label excluded)."""

    speaker: str | None
    start: int
    end: int
    timestamp: str | None = None


@dataclass(frozen=True)
class _Candidate:
    line_no: int
    line_start: int
    content_start: int
    label: str
    timestamp: str | None
    strong: bool
    starts_paragraph: bool


def _label_ok(label: str) -> bool:
    words = label.split(" ")
    if not 1 <= len(words) <= 5 or any(not w for w in words):
        return False
    if not all(_WORD.match(w) for w in words):
        return False
    if not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w[0].isdigit() or w == "&" or w.lower() in _PARTICLES for w in words)


def _is_strong(label: str, timestamp: str | None, bold: bool, known: frozenset[str]) -> bool:
    folded = label.casefold()
    if folded.rstrip(".") in PROSE_HEADS:
        return bool(timestamp)
    if timestamp or bold or folded in known:
        return True
    words = folded.split(" ")
    if words[0] in _ROLE_WORDS and (len(words) == 1 or all(w.isdigit() or len(w) == 1 for w in words[1:])):
        return True  # "Respondent", "Speaker 2", "Parent 1", "Teacher B"
    letters = [c for c in label if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def _candidates(text: str, known: frozenset[str], markdown: bool) -> list[_Candidate]:
    found = []
    offset = 0
    previous_blank = True
    for line_no, line in enumerate(text.split("\n"), start=1):
        match = _LINE.match(line)
        if match and _label_ok(match["label"].strip()):
            label = match["label"].strip()
            ts = match["ts"].strip().strip("[]()").strip() if match["ts"] else None
            bold = bool(match["bold"]) and bool(match["bold2"] or match["bold3"])
            found.append(
                _Candidate(
                    line_no=line_no,
                    line_start=offset,
                    content_start=offset + match.end(),
                    label=label,
                    timestamp=ts,
                    strong=_is_strong(label, ts, bold, known),
                    starts_paragraph=previous_blank,
                )
            )
        previous_blank = not line.strip() or (markdown and line.lstrip().startswith("#"))
        offset += len(line) + 1
    return found


def _plausible(candidate: _Candidate, uses: int, after_turn: bool) -> bool:
    """A title-case label is a speaker unless it reads like a prose heading."""
    words = candidate.label.casefold().split(" ")
    if words[0].rstrip(".") in PROSE_HEADS:
        return False
    return candidate.starts_paragraph or after_turn or uses >= 2 or len(words) >= 2


def detect_turns(text: str, known_speakers: frozenset[str] = frozenset(), markdown: bool = False) -> list[Turn]:
    """Split ``text`` into speaker turns.

    ``known_speakers`` are case-folded labels that are always accepted (e.g. the project's
    ``speakers_to_skip``). In Markdown, ``#`` heading lines end the current turn and belong
    to none. Text before the first label becomes a turn with ``speaker=None``. Turns with
    no content are dropped.
    """
    known = frozenset(k.casefold() for k in known_speakers)
    candidates = _candidates(text, known, markdown)
    uses = Counter(c.label for c in candidates)
    accepted: dict[int, _Candidate] = {}
    previous_line = -1
    for c in candidates:
        # A line straight after another turn's label line starts a turn too (no blank lines
        # between turns is a common layout).
        after_turn = c.line_no == previous_line + 1
        if c.strong or _plausible(c, uses[c.label], after_turn):
            accepted[c.line_start] = c
            previous_line = c.line_no

    turns: list[Turn] = []
    speaker: str | None = None
    timestamp: str | None = None
    start: int | None = None  # start of the current turn's content
    end = 0  # end of its last non-blank line

    def close():
        if start is not None and end > start:
            turns.append(Turn(speaker, start, end, timestamp))

    offset = 0
    for line in text.split("\n"):
        line_end = offset + len(line)
        candidate = accepted.get(offset)
        if candidate is not None:
            close()
            speaker, timestamp = candidate.label, candidate.timestamp
            start, end = None, 0
            content = candidate.content_start
            if line[content - offset :].strip():
                start = content + (len(line[content - offset :]) - len(line[content - offset :].lstrip()))
                end = offset + len(line.rstrip())
        elif markdown and line.lstrip().startswith("#"):
            close()
            speaker, timestamp, start, end = None, None, None, 0
        elif line.strip():
            if start is None:
                start = offset + (len(line) - len(line.lstrip()))
            end = offset + len(line.rstrip())
        offset = line_end + 1
    close()
    return turns


_TIME_MARKER = re.compile(r"^\s*(?:[\[(]\s*\d{1,2}[:.]\d{2}(?:[:.]\d{2})?\s*[\])]|\d{1,2}:\d{2}(?::\d{2})?)\s*$")
_BARE_TIME_LABEL = re.compile(r"^\s*\d{1,2}:\d{2}(?::\d{2})?[ \t]+(?=[^\W\d_])")


def starts_turn(line: str) -> bool:
    """Does ``line`` look like the start of a speaker turn (a label such as ``MARIA:``,
    ``01:29 PARTICIPANT 16:``, ``[00:12:31] Speaker 2:``) or a time marker (``00:12:31`` alone)?

    For readers that must not join such a line to the one before it (a PDF's wrapped lines).
    It errs on the side of yes: deciding which candidates are real turns is
    :func:`detect_turns`'s job.
    """
    if _TIME_MARKER.match(line):
        return True
    candidate = _BARE_TIME_LABEL.sub("", line, count=1).lstrip()
    match = _LINE.match(candidate)
    return bool(match and _label_ok(match["label"].strip()))
