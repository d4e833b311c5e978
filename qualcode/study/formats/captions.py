"""Caption files (``.vtt`` with webvtt-py, ``.srt`` with srt): the cues, each with its speaker, words and times.

The reader returns ``Extracted(text="", cues=[...])``, one :class:`Cue` per cue in file order with
its start and end in seconds (to the millisecond). A cue's speaker is

- its WebVTT voice tag (``<v Maria Lopez>``, ``<v.loud Maria Lopez>``, as Teams writes them); a cue
  with several voice spans becomes one cue per span, all with the cue's times;
- otherwise a ``Name:`` label at the start of the cue, or of one of its lines (Zoom writes
  ``Maria Lopez: Good morning``; subtitles ``MARIA: …`` or ``- Maria: …``). The label must look like
  a name (the rules of :mod:`qualcode.study.turns`: one to five capitalised words, not a prose word
  such as ``Note`` or ``Well``) and either be strong (ALL CAPS, or a role such as ``Interviewer`` or
  ``Speaker 2``) or start at least two cues of the file. A cue line with such a label starts a new
  cue with the same times;
- otherwise None, and the cue's text is kept whole.

Voice tags and labels are removed from the text; so is markup (``<i>``, ``<c.yellow>``,
``<00:00:01.000>`` karaoke times, ``{\\an8}``). HTML entities are decoded, the cue's lines joined
with one space, whitespace collapsed, the text NFC-normalised; cues left empty are dropped, and
WebVTT NOTE, STYLE and REGION blocks are not cues. Bytes are decoded as in
:mod:`qualcode.study.formats.text` (UTF-8 with or without a BOM, else Windows-1252 with a warning).

A file that is not WebVTT or SRT raises :class:`~qualcode.errors.UnreadableFileError` with the
reason (and the line, for SRT). A WebVTT cue whose times cannot be read is left out with a warning
naming its line (webvtt-py skips such cues silently); when no cue is readable the file is refused.
"""

from __future__ import annotations

import html
import io
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import srt
import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError
from webvtt.models import Caption, Timestamp
from webvtt.vtt import WebVTTCueBlock

from qualcode.errors import UnreadableFileError
from qualcode.study.formats import Cue, Extracted, normalise
from qualcode.study.formats.text import decode_bytes

# One home for what a speaker label looks like: the text transcripts' rules.
from qualcode.study.turns import _LINE, _ROLE_WORDS, PROSE_HEADS, _label_ok

_VTT_HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")
_VOICE = re.compile(r"<v(?:\.[\w-]+)*(?:[ \t]+(?P<name>[^>]*))?>")
# Cue markup: tags (<i>, </c>, <c.yellow>, <v Name>, <font color=…>) and karaoke times
# (<00:00:01.000>). A "<" not followed by a letter or "/" stays: "I <3 it", "a < b".
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|</>|<\d+(?::\d{2}){1,2}\.\d{3}>")
_SSA = re.compile(r"\{\\[^{}]*\}")  # {\an8}, {\i1}: SubStation overrides left in SRT files
_DASH = re.compile(r"^[-‐‑–—][ \t]*")  # "- Maria: …": a dialogue dash before the label
_SNIPPET = 60


@dataclass(frozen=True)
class _Block:
    """Lines of one cue (or one voice span of it), markup removed; ``voice`` is None without a voice tag."""

    start: float
    end: float
    voice: str | None
    lines: list[str]


def read_vtt(path: Path) -> Extracted:
    """Read a WebVTT file into cues (see the module docstring)."""
    text, warning = decode_bytes(path.read_bytes())
    warnings = [warning] if warning else []
    lines = text.split("\n")
    if not _VTT_HEADER.match(lines[0]):
        if not text.strip():
            found = "the file is empty"
        elif not lines[0].strip():
            found = "the first line is empty"
        else:
            found = f"the first line is {_snippet(lines[0])!r}"
        raise UnreadableFileError(f"not a WebVTT file: it must start with the line WEBVTT ({found})", line=1)
    try:
        captions = webvtt.from_buffer(io.StringIO(text)).captions
    except (MalformedFileError, MalformedCaptionError) as exc:  # pragma: no cover - the header was checked
        raise UnreadableFileError(f"not a WebVTT file: {exc}", line=1) from None
    skipped = _unreadable_timings(text)
    if skipped and not captions:
        line, _ = skipped[0]
        raise UnreadableFileError(
            f"not a readable WebVTT file: no cue has times that can be read (line {line}: "
            f"{_snippet(lines[line - 1].strip())!r}); "
            "times are written like 00:01:02.500 --> 00:01:05.000",
            line=line,
        )
    warnings += skipped
    blocks = [block for caption in captions for block in _vtt_blocks(caption)]
    return Extracted("", cues=_cues(blocks), warnings=warnings)


def read_srt(path: Path) -> Extracted:
    """Read a SubRip (SRT) file into cues (see the module docstring)."""
    text, warning = decode_bytes(path.read_bytes())
    subtitles: list[srt.Subtitle] = []
    try:
        subtitles.extend(srt.parse(text))
    except srt.SRTParseError as exc:
        unmatched: str = exc.unmatched_content
        position = exc.expected_start + len(unmatched) - len(unmatched.lstrip())
        found = unmatched.strip().split("\n", 1)[0]
        raise UnreadableFileError(
            f"not a readable SRT file at cue {len(subtitles) + 1}: expected a cue number and a time line "
            f"such as 00:01:02,500 --> 00:01:05,000, found {_snippet(found)!r}",
            line=text.count("\n", 0, position) + 1,
        ) from None
    except ValueError as exc:  # srt.TimestampParseError
        raise UnreadableFileError(f"not a readable SRT file at cue {len(subtitles) + 1}: {exc}") from None
    blocks = [
        _Block(_seconds(s.start), _seconds(s.end), None, [_clean(line) for line in s.content.split("\n")])
        for s in subtitles
    ]
    return Extracted("", cues=_cues(blocks), warnings=[warning] if warning else [])


def _snippet(text: str) -> str:
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"


def _seconds(delta: timedelta) -> float:
    return round(delta / timedelta(milliseconds=1)) / 1000


def _unreadable_timings(text: str) -> list[tuple[int, str]]:
    """A warning for each cue timings line (a line with ``-->``) whose times webvtt-py cannot read."""
    found = []
    for number, line in enumerate(text.split("\n"), start=1):
        if "-->" not in line:
            continue
        match = WebVTTCueBlock.CUE_TIMINGS_PATTERN.match(line)
        try:
            if match is None:
                raise MalformedCaptionError(line)
            Timestamp.from_string(match.group(1))
            Timestamp.from_string(match.group(2))
        except MalformedCaptionError:
            found.append(
                (
                    number,
                    f"cue left out: its times cannot be read ({_snippet(line.strip())!r}); "
                    "write them like 00:01:02.500 --> 00:01:05.000",
                )
            )
    return found


def _vtt_blocks(caption: Caption) -> list[_Block]:
    """The cue's text before any voice tag, then one block per voice span."""
    start = caption.start_time.in_milliseconds() / 1000
    end = caption.end_time.in_milliseconds() / 1000
    raw: str = caption.raw_text
    tags = list(_VOICE.finditer(raw))
    pieces: list[tuple[str | None, str]] = [(None, raw[: tags[0].start()] if tags else raw)]
    for index, tag in enumerate(tags):
        stop = tags[index + 1].start() if index + 1 < len(tags) else len(raw)
        voice = _collapse(html.unescape(tag["name"] or "")) or None
        pieces.append((voice, raw[tag.end() : stop]))
    return [_Block(start, end, voice, [_clean(line) for line in text.split("\n")]) for voice, text in pieces]


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _clean(line: str) -> str:
    """One line of cue text without markup, entities decoded, whitespace collapsed."""
    return _collapse(html.unescape(_TAG.sub("", _SSA.sub("", line))))


def _label(line: str) -> tuple[str, str] | None:
    """``(label, words after it)`` when ``line`` opens with a name-like ``Label:``, else None."""
    bare = _DASH.sub("", line, count=1)
    match = _LINE.match(bare)
    if match is None or match["ts"] or match["bold"]:
        return None
    label = match["label"].strip()
    if not _label_ok(label):
        return None
    return label, bare[match.end() :]


def _is_speaker(label: str, uses: int) -> bool:
    """A strong label (ALL CAPS, a role) or a name that starts two or more cues; never prose (``Note:``)."""
    folded = label.casefold()
    if folded.rstrip(".") in PROSE_HEADS:
        return False
    words = folded.split(" ")
    if words[0] in _ROLE_WORDS and all(w.isdigit() or len(w) == 1 for w in words[1:]):
        return True  # "Interviewer", "Speaker 2", "Participant 3"
    letters = [ch for ch in label if ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return True
    return words[0].rstrip(".") not in PROSE_HEADS and uses >= 2


def _cues(blocks: list[_Block]) -> list[Cue]:
    labels = [[_label(line) for line in block.lines] if block.voice is None else [] for block in blocks]
    uses = Counter(label for found in labels for label in {item[0] for item in found if item})
    cues = []
    for block, found in zip(blocks, labels):
        if block.voice is not None:
            groups: Iterable[tuple[str | None, list[str]]] = [(block.voice, block.lines)]
        else:
            groups = _split_at_labels(block.lines, found, uses)
        for speaker, lines in groups:
            text = normalise(_collapse(" ".join(lines)))
            if text:
                cues.append(Cue(normalise(speaker) if speaker else None, text, block.start, block.end))
    return cues


def _split_at_labels(
    lines: list[str], found: list[tuple[str, str] | None], uses: Counter[str]
) -> list[tuple[str | None, list[str]]]:
    """Group a cue's lines into ``(speaker, lines)``: a line with a speaker label starts a group."""
    groups: list[tuple[str | None, list[str]]] = []
    for line, item in zip(lines, found):
        if item is not None and _is_speaker(item[0], uses[item[0]]):
            groups.append((item[0], [item[1]]))
        elif groups:
            groups[-1][1].append(line)
        else:
            groups.append((None, [line]))
    return groups
