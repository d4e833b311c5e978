"""How ``qualcode review`` shows one suggestion: the segment with its evidence highlighted."""

from __future__ import annotations

import textwrap

import click

from qualcode.codebook.model import Codebook
from qualcode.study.corpus import Corpus
from qualcode.study.segment import Segment
from qualcode.suggest.records import Suggestion


def render(
    corpus: Corpus,
    codebook: Codebook,
    suggestion: Suggestion,
    number: int,
    total: int,
    styled: bool = False,
    width: int = 88,
) -> str:
    """The segment with its evidence highlighted, its case and speaker, and the code's definition."""
    segment = corpus.segment_index[suggestion.segment]
    transcript = corpus.by_id[segment.transcript]
    code = codebook.by_id[suggestion.code]
    role = transcript.attributes.get("role")
    speaker = (segment.speaker or "no speaker") + (f" ({role})" if role else "")
    bold = (lambda t: click.style(t, bold=True)) if styled else (lambda t: t)
    lines = [
        bold(f"── {number} of {total} ── {segment.id}"),
        f"case: {corpus.case_of(segment.transcript) or '—'} · speaker: {speaker}",
        f"suggested: {bold(codebook.path_of(code.id))} — {code.name} (score {suggestion.score:.2f})",
    ]
    for key in ("definition", "include", "exclude"):
        value = " ".join(getattr(code, key).split())
        if value:
            lines.append("  " + textwrap.shorten(f"{key}: {value}", width - 2, placeholder=" …"))
    lines.append(f"  rules: {', '.join(suggestion.rules)}")
    lines.append("")
    lines.append(_highlight(segment, suggestion, styled, width))
    return "\n".join(lines)


def _highlight(segment: Segment, suggestion: Suggestion, styled: bool, width: int) -> str:
    """The segment text, wrapped, with evidence spans styled (or ``[[...]]`` when plain)."""
    spans: list[list[int]] = []
    for e in sorted(suggestion.evidence, key=lambda e: e.start):
        start, end = e.start - segment.start, e.end - segment.start
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    text, cursor, parts = segment.text, 0, []
    for start, end in spans:
        parts += [text[cursor:start], "\x01", text[start:end], "\x02"]
        cursor = end
    parts.append(text[cursor:])
    marked = " ".join("".join(parts).split())
    wrapped = textwrap.fill(marked, width, initial_indent="  ", subsequent_indent="  ")
    if styled:
        on, off = click.style("", fg="yellow", bold=True, reverse=True, reset=False), click.style("", reset=True)
        return wrapped.replace("\x01", on).replace("\x02", off)
    return wrapped.replace("\x01", "[[").replace("\x02", "]]")
