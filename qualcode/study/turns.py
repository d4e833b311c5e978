"""Speaker-turn detection in transcript text (every format's text goes through here).

A turn starts at a line that opens with a speaker label and a colon: ``NAME:``, ``Name
Surname:``, ``Q:``/``A:``, ``I1:``, ``Interviewer:``, a time before the label (``[00:12:31]
Speaker 2:``, ``(00:12:31) NAME:``, ``01:29 PARTICIPANT 16:``, ``*0:0 = I1:``), and Markdown's
``**Name:**``. The words may follow on the same line or on the lines after a label that stands
alone. A line without a label continues the current turn.

Ordinary prose must not start a turn. A label candidate is accepted when it is *strong*
(timestamped, bold, ALL CAPS, a known role such as ``Interviewer``/``Respondent``/``Speaker 2``,
a short code such as ``I1``/``K`` used three or more times, a label named by the transcript's
legend or the project's ``speaker_aliases``/``speakers_to_skip``) or when it is a title-case name
that does not open like prose (``Note``, ``Example``, ``Honestly``…) and either has two or more
words, starts a paragraph, directly follows another turn's label line, or is used as a label on
at least two lines. A line right after a label that stands alone is that turn's first line of
words unless it is strong. So ``Note: …`` inside a paragraph, or a time such as ``at 10:30``,
never starts a turn.

Two kinds of lines belong to no turn: a **legend** at the top naming short labels
(``I1: Interviewer 1``, ``K: Kvinde``, or ``I = Interviewer; Y = informant`` on one line), which
:func:`detect_turns` returns so the labels can be named; and a **time marker** alone on its line
(``00:00:07``, ``(07.45)``, ``[1:04:46]``), which gives the next turn its start time.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_LINE = re.compile(
    rf"""^[ \t]{{0,3}}(?P<ts>(?:\*[ \t]*\d{{1,2}}[:.]\d{{1,2}}(?:[:.]\d{{1,2}})?[ \t]*=[ \t]*
               |\[\s*{_TIME}\s*\]|\(\s*{_TIME}\s*\)|\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?=[ \t]))[ \t]*)?
    (?P<bold>\*\*|__)?
    (?P<label>[^\W\d_][^:=\n*]{{0,48}}?)
    (?:[ \t]*[\[(]\s*(?P<ts2>{_TIME})\s*[\])])?
    [ \t]*(?P<bold2>\*\*|__)?[ \t]*:[ \t]*(?P<bold3>\*\*|__)?
    (?:[ \t]+|$)""",
    re.VERBOSE,
)
#: Otter.ai's layout: ``Jane Doe  0:03`` alone on its line, the words on the next lines.
_NAME_TIME = re.compile(r"^[ \t]{0,3}(?P<label>[^\W\d_][^:=\n*]{0,48}?)[ \t]+(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)[ \t]*$")
#: How many ``Name  0:03`` lines make that layout a transcript's convention.
NAME_TIME_USES = 3
#: A short code followed by ``;`` or ``.`` instead of a colon: ``I1; Ja.``, ``K. Nej``.
_CODE_TYPO = re.compile(
    r"^[ \t]{0,3}(?P<ts>\*[ \t]*\d{1,2}[:.]\d{1,2}(?:[:.]\d{1,2})?[ \t]*=[ \t]*)?"
    r"(?P<label>[^\W\d_][^\W_]{0,2})[;.][ \t]+(?=\S)"
)
#: A timestamped label whose colon was forgotten: ``40:20 PARTICIPANT 22`` alone on its line (a
#: label only when the transcript uses the same name with a colon elsewhere).
_TIME_NAME = re.compile(
    rf"^[ \t]{{0,3}}(?P<ts>\d{{1,2}}:\d{{2}}(?::\d{{2}})?|\[\s*{_TIME}\s*\]|\(\s*{_TIME}\s*\))[ \t]+"
    r"(?P<label>[^\W\d_][^:=\n*]{0,48}?)[ \t]*$"
)
_TIME_MARKER = re.compile(
    r"^\s*(?:[\[(]\s*(?P<a>\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)\s*[\])]|(?P<b>\d{1,2}:\d{2}(?::\d{2})?))\s*$"
)
_BARE_TIME_LABEL = re.compile(r"^\s*\d{1,2}:\d{2}(?::\d{2})?[ \t]+(?=[^\W\d_])")
_WORD = re.compile(r"^(?:[^\W_][\w.'’\-]*|\d+[a-z]?|&)$")
_SHORT_CODE = re.compile(r"^[^\W\d_a-z][^\W_a-z]{0,2}$")  # I, K, I1, X1, AB: upper-case letters and digits
_LEGEND_ITEM = re.compile(r"^\s*(?P<label>[^\W\d_][^\W_]{0,3})\s*[:=]\s*(?P<name>[^\W\d_][\w'’\- ]{0,40}?)\s*$")
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
        "informant",
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
        "instance",
        "remember",
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
        "honestly",
        "actually",
        "basically",
        "anyway",
        "seriously",
        "frankly",
        "obviously",
        "personally",
        "really",
        "literally",
        "clearly",
        "definitely",
        "absolutely",
        "exactly",
        "sure",
        "right",
        "look",
        "listen",
        "see",
        "hey",
        "oh",
        "um",
        "uh",
        "hmm",
        "wow",
        "yeah",
        "yep",
        "nope",
        "true",
        "fine",
        "great",
        "cool",
        "wait",
        "sorry",
        "thanks",
        "please",
        "however",
        "otherwise",
        "therefore",
        "instead",
        "besides",
        "meanwhile",
        "unfortunately",
        "fortunately",
        "interestingly",
        "importantly",
        "again",
        "plus",
        "anyhow",
    ]
)
#: How many times a short code (``K``, ``I1``) must be used to count as a speaker label by itself.
SHORT_CODE_USES = 3
#: Lines at the top of a transcript where a legend may stand.
LEGEND_WINDOW = 25


@dataclass(frozen=True)
class Turn:
    """A speaker turn: ``text[start:end]`` is its content (the label excluded).

    ``speaker`` is the name the turn is counted under (after the legend and aliases are
    applied); ``label`` the label as written. Times are in seconds from the start of the
    recording, when the transcript gives them: ``time_start`` from a timestamped label, a time
    marker or a caption cue, ``time_end`` from a cue, else the next turn's start.
    """

    speaker: str | None
    start: int
    end: int
    timestamp: str | None = None
    label: str | None = None
    time_start: float | None = None
    time_end: float | None = None
    line: int = 0  # file line (of the body) where the turn's label stands


@dataclass
class Detection:
    """The turns of a text, plus what the text says about its labels."""

    turns: list[Turn]
    legend: dict[str, str] = field(default_factory=dict)  # label -> name, from the legend block
    legend_lines: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class _Candidate:
    line_no: int
    line_start: int
    content_start: int
    label: str
    timestamp: str | None
    bold: bool
    starts_paragraph: bool
    has_content: bool


def parse_time(text: str) -> float | None:
    """``00:12:31`` -> 751.0, ``1:40`` -> 100.0, ``(1.04.46)`` -> 3886.0, ``*0:0`` -> 0.0;
    ``00:12:31.5`` keeps the fraction. None when it is not a time."""
    value = text.strip().strip("[]()*= \t")
    fraction = 0.0
    if ":" in value:
        found = re.match(r"^(.*?\d)[.,](\d{1,3})$", value)
        if found and found.group(1).count(":") >= 1 and not re.search(r"[.,]", found.group(1)):
            value, fraction = found.group(1), float("0." + found.group(2))
        parts = value.split(":")
    else:
        parts = value.split(".")
    if not 2 <= len(parts) <= 3 or not all(p.isdigit() for p in parts):
        return None
    numbers = [int(p) for p in parts]
    if any(n >= 60 for n in numbers[1:]):
        return None
    seconds = 0
    for number in numbers:
        seconds = seconds * 60 + number
    return float(seconds) + fraction


def _label_ok(label: str) -> bool:
    role = re.match(r"^(?P<name>.*?)\s*\((?P<role>[^()]{1,30})\)$", label)
    if role:  # "Respondent (teacher)", "P2 (principal)"
        return len(role["role"].split()) <= 4 and _label_ok(role["name"])
    words = label.split(" ")
    if not 1 <= len(words) <= 5 or any(not w for w in words):
        return False
    if not all(_WORD.match(w) for w in words):
        return False
    if not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w[0].isdigit() or w == "&" or w.lower() in _PARTICLES for w in words)


def _is_strong(c: _Candidate, known: frozenset[str], uses: int) -> bool:
    label = c.label
    folded = label.casefold()
    if folded.rstrip(".") in PROSE_HEADS:
        return bool(c.timestamp)
    if c.timestamp or c.bold or folded in known:
        return True
    words = folded.split(" ")
    if words[0] in _ROLE_WORDS and (len(words) == 1 or all(w.isdigit() or len(w) == 1 for w in words[1:])):
        return True  # "Respondent", "Speaker 2", "Parent 1", "Teacher B"
    if _SHORT_CODE.match(label) and uses >= SHORT_CODE_USES:
        return True  # "K", "I1", "X1" used throughout the transcript
    letters = [ch for ch in label if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _plausible(candidate: _Candidate, uses: int, after_turn: bool) -> bool:
    """A title-case label is a speaker unless it reads like prose."""
    words = candidate.label.casefold().split(" ")
    if words[0].rstrip(".") in PROSE_HEADS:
        return False
    if len(words) == 1 and uses == 1 and words[0].endswith("ly") and not candidate.starts_paragraph:
        return False  # "Honestly:", "Basically:" inside a turn
    return candidate.starts_paragraph or after_turn or uses >= 2 or len(words) >= 2


def _timestamp(raw: str | None) -> str | None:
    if not raw:
        return None
    return raw.strip().strip("*=").strip().strip("[]()").strip().rstrip("=").strip() or None


def _candidates(lines: list[str], markdown: bool) -> list[_Candidate]:
    found = []
    offset = 0
    previous_blank = True
    name_time = sum(1 for line in lines if (m := _NAME_TIME.match(line)) and _label_ok(m["label"].strip()))
    for line_no, line in enumerate(lines, start=1):
        match = _LINE.match(line)
        if match and _label_ok(match["label"].strip()):
            found.append(
                _Candidate(
                    line_no=line_no,
                    line_start=offset,
                    content_start=offset + match.end(),
                    label=match["label"].strip(),
                    timestamp=_timestamp(match["ts"]) or match["ts2"],
                    bold=bool(match["bold"]) and bool(match["bold2"] or match["bold3"]),
                    starts_paragraph=previous_blank,
                    has_content=bool(line[match.end() :].strip()),
                )
            )
        elif name_time >= NAME_TIME_USES and (other := _NAME_TIME.match(line)) and _label_ok(other["label"].strip()):
            found.append(
                _Candidate(
                    line_no,
                    offset,
                    offset + len(line),
                    other["label"].strip(),
                    other["ts"],
                    False,
                    previous_blank,
                    False,
                )
            )
        previous_blank = not line.strip() or (markdown and line.lstrip().startswith("#"))
        offset += len(line) + 1
    return _forgotten_colons(lines, found)


def _forgotten_colons(lines: list[str], found: list[_Candidate]) -> list[_Candidate]:
    """Add the labels typed without their colon, when the transcript uses them with one elsewhere:
    ``40:20 PARTICIPANT 22`` alone on its line, and a short code used throughout followed by ``;``
    or ``.`` instead (``I1; Ja.``, ``K. Nej``)."""
    labels = Counter(c.label for c in found)
    taken = {c.line_no for c in found}
    extra = []
    offset = 0
    previous_blank = True
    for line_no, line in enumerate(lines, start=1):
        match = _TIME_NAME.match(line)
        typo = _CODE_TYPO.match(line)
        if line_no in taken:
            pass
        elif match and match["label"].strip() in labels:
            label, stamp = match["label"].strip(), _timestamp(match["ts"])
            extra.append(_Candidate(line_no, offset, offset + len(line), label, stamp, False, previous_blank, False))
        elif typo and _SHORT_CODE.match(typo["label"]) and labels[typo["label"]] >= SHORT_CODE_USES:
            label, stamp = typo["label"], _timestamp(typo["ts"])
            extra.append(_Candidate(line_no, offset, offset + typo.end(), label, stamp, False, previous_blank, True))
        previous_blank = not line.strip()
        offset += len(line) + 1
    return sorted(found + extra, key=lambda c: c.line_no) if extra else found


def _legend_pairs(line: str) -> list[tuple[str, str]] | None:
    """``I1: Interviewer 1, K: Kvinde`` -> ``[("I1", "Interviewer 1"), ("K", "Kvinde")]``, else None."""
    items = [item for item in re.split(r"[;,]", line) if item.strip()]
    parsed = [_LEGEND_ITEM.match(item) for item in items]
    if not parsed or not all(parsed):
        return None
    pairs = [(m["label"], " ".join(m["name"].split())) for m in parsed if m]
    plain = len(pairs) == 1 and "=" not in line  # "I1: Interviewer 1" could also be a short turn
    for label, name in pairs:
        if not _SHORT_CODE.match(label) or not 1 <= len(name.split()) <= 4:
            return None
        if plain and name[0].casefold() != label[0].casefold():
            return None  # "Q: Hi" is a turn; "K: Kvinde" names K
    return pairs


def _legend(lines: list[str], candidates: list[_Candidate]) -> tuple[dict[str, str], list[int]]:
    """The legend block near the top: ``{label: name}`` and its line numbers (1-based).

    A legend line holds one or more ``LABEL: Name`` / ``LABEL = Name`` items separated by ``;`` or
    ``,``; labels are short codes (``I1``, ``K``), names one to four words (a lone ``LABEL: Name``
    item must start with the label's letter). Only lines before the first turn, among the first
    :data:`LEGEND_WINDOW` lines, count, and only when the legend names two or more labels and
    every one of them is used as a turn label further down.
    """
    by_line = {c.line_no: c for c in candidates}
    legend: dict[str, str] = {}
    legend_lines: list[int] = []
    for number, line in enumerate(lines[:LEGEND_WINDOW], start=1):
        if not line.strip():
            continue
        pairs = _legend_pairs(line)
        if pairs is None:
            if legend or (number in by_line and by_line[number].has_content):
                break  # the legend ended, or the first turn came first
            continue
        legend.update(pairs)
        legend_lines.append(number)
    if len(legend) < 2:
        return {}, []
    used = Counter(c.label for c in candidates if c.line_no not in legend_lines)
    if any(used[label] < 1 for label in legend):
        return {}, []
    return legend, legend_lines


def detect(text: str, known_speakers: frozenset[str] = frozenset(), markdown: bool = False) -> Detection:
    """Split ``text`` into speaker turns (speakers as labelled; see :func:`detect_turns`)."""
    known = frozenset(k.casefold() for k in known_speakers)
    lines = text.split("\n")
    candidates = _candidates(lines, markdown)
    legend, legend_lines = _legend(lines, candidates)
    legend_set = set(legend_lines)
    known = known | {label.casefold() for label in legend}
    uses = Counter(c.label for c in candidates if c.line_no not in legend_set)
    accepted: dict[int, _Candidate] = {}
    previous: _Candidate | None = None
    for c in candidates:
        if c.line_no in legend_set:
            continue
        strong = _is_strong(c, known, uses[c.label])
        after_label = previous is not None and c.line_no == previous.line_no + 1
        if after_label and previous is not None and not previous.has_content and not strong:
            continue  # the words of a label standing alone: "Honestly: I only go…"
        # A line straight after another turn's label line starts a turn too (no blank lines
        # between turns is a common layout).
        if strong or _plausible(c, uses[c.label], after_label):
            accepted[c.line_start] = c
            previous = c
    return Detection(_build(lines, accepted, legend_set, markdown), legend, legend_lines)


def _build(lines: list[str], accepted: dict[int, _Candidate], skip_lines: set[int], markdown: bool) -> list[Turn]:
    turns: list[Turn] = []
    state: dict = {"speaker": None, "timestamp": None, "start": None, "end": 0, "line": 0}
    pending_time: list[str | None] = [None]

    def close() -> None:
        start, end = state["start"], state["end"]
        if start is not None and end > start:
            stamp = state["timestamp"]
            turns.append(
                Turn(
                    state["speaker"],
                    start,
                    end,
                    stamp,
                    state["speaker"],
                    parse_time(stamp) if stamp else None,
                    None,
                    state["line"],
                )
            )

    def begin(speaker: str | None, stamp: str | None, line_no: int) -> None:
        close()
        if stamp is None and pending_time[0] is not None:
            stamp, pending_time[0] = pending_time[0], None
        state.update(speaker=speaker, timestamp=stamp, start=None, end=0, line=line_no)

    offset = 0
    for line_no, line in enumerate(lines, start=1):
        line_end = offset + len(line)
        candidate = accepted.get(offset)
        marker = _TIME_MARKER.match(line)
        if line_no in skip_lines:
            begin(None, None, line_no)
        elif candidate is not None:
            begin(candidate.label, candidate.timestamp, line_no)
            content = candidate.content_start
            rest = line[content - offset :]
            if rest.strip():
                state["start"] = content + (len(rest) - len(rest.lstrip()))
                state["end"] = offset + len(line.rstrip())
        elif marker is not None:
            begin(None, None, line_no)
            pending_time[0] = marker["a"] or marker["b"]
        elif markdown and line.lstrip().startswith("#"):
            begin(None, None, line_no)
        elif line.strip():
            if state["start"] is None:
                state["start"] = offset + (len(line) - len(line.lstrip()))
                if state["speaker"] is None:
                    state["line"] = line_no
            state["end"] = offset + len(line.rstrip())
        offset = line_end + 1
    close()
    # A labelled time gives the start; the next turn's start is the end.
    timed: list[Turn] = []
    for index, turn in enumerate(turns):
        following = turns[index + 1].time_start if index + 1 < len(turns) else None
        end = (
            following
            if turn.time_start is not None and following is not None and following >= turn.time_start
            else None
        )
        timed.append(
            Turn(turn.speaker, turn.start, turn.end, turn.timestamp, turn.label, turn.time_start, end, turn.line)
        )
    return timed


def detect_turns(text: str, known_speakers: frozenset[str] = frozenset(), markdown: bool = False) -> list[Turn]:
    """Split ``text`` into speaker turns.

    ``known_speakers`` are labels that are always accepted (e.g. the project's
    ``speakers_to_skip``); case does not matter. In Markdown, ``#`` heading lines end the current
    turn and belong to none. Text before the first label becomes a turn with ``speaker=None``.
    Turns with no content are dropped. Speakers are the labels as written; the transcript reader
    names them (legend, aliases, spelling variants: :mod:`qualcode.study.speakers`).
    """
    return detect(text, known_speakers, markdown).turns


def starts_turn(line: str) -> bool:
    """Does ``line`` look like the start of a speaker turn (a label such as ``MARIA:``,
    ``01:29 PARTICIPANT 16:``, ``[00:12:31] Speaker 2:``) or a time marker (``00:12:31`` alone)?

    For readers that must not join such a line to the one before it (a PDF's wrapped lines).
    It errs on the side of yes: deciding which candidates are real turns is
    :func:`detect_turns`'s job.
    """
    if _TIME_MARKER.match(line):
        return True
    forgotten = _TIME_NAME.match(line)
    if forgotten and _label_ok(forgotten["label"].strip()):
        return True
    candidate = _BARE_TIME_LABEL.sub("", line, count=1).lstrip()
    match = _LINE.match(candidate)
    return bool(match and _label_ok(match["label"].strip()))


def is_label_only(line: str) -> bool:
    """Is ``line`` a label with no words after it (``00:19 PARTICIPANT 12:``, ``MARIA:``, a
    timestamped name without its colon such as ``40:20 PARTICIPANT 22``) or a time alone?"""
    if _TIME_MARKER.match(line):
        return True
    forgotten = _TIME_NAME.match(line)
    if forgotten and _label_ok(forgotten["label"].strip()):
        return True
    candidate = _BARE_TIME_LABEL.sub("", line, count=1).lstrip()
    match = _LINE.match(candidate)
    return bool(match and _label_ok(match["label"].strip()) and not candidate[match.end() :].strip(" \t*_"))
