"""How ``qualcode review`` shows a segment and its suggestions: the text once, evidence highlighted."""

from __future__ import annotations

import textwrap

import click

from qualcode.codebook.model import Codebook
from qualcode.study.corpus import Corpus
from qualcode.study.segment import Segment
from qualcode.suggest.records import Evidence, Suggestion


def render(
    corpus: Corpus,
    codebook: Codebook,
    numbered: list[tuple[int, Suggestion]],
    first: int,
    total: int,
    styled: bool = False,
    width: int = 88,
    coder: str | None = None,
) -> str:
    """One segment and all its open suggestions: the text once, with every suggestion's evidence
    highlighted, then the suggestions (numbered when there are several), each with its score, a
    one-line definition and its rules. ``first`` is the queue number of the first suggestion."""
    suggestions = [s for _, s in numbered]
    segment = corpus.segment_index[suggestions[0].segment]
    transcript = corpus.by_id[segment.transcript]
    role = transcript.attributes.get("role")
    speaker = (segment.speaker or "no speaker") + (f" ({role})" if role else "")
    bold = (lambda t: click.style(t, bold=True)) if styled else (lambda t: t)
    span = f"{first}" if len(suggestions) == 1 else f"{first}-{first + len(suggestions) - 1}"
    lines = [
        bold(f"── {span} of {total} ── {segment.id}"),
        f"case: {corpus.case_of(segment.transcript) or '—'} · speaker: {speaker}"
        + (f" · coder: {coder}" if coder else ""),
        "",
        _highlight(segment, [e for s in suggestions for e in s.evidence], styled, width),
        "",
    ]
    if len(suggestions) == 1:
        lines += _suggestion_lines(codebook, suggestions[0], "suggested: ", "  ", bold, width)
    else:
        lines.append(f"suggested ({len(suggestions)}):")
        lines += render_open(codebook, numbered, styled, width).split("\n")
    return "\n".join(lines)


def render_open(
    codebook: Codebook, numbered: list[tuple[int, Suggestion]], styled: bool = False, width: int = 88
) -> str:
    """The numbered suggestions still open on a segment (shown again after some were decided)."""
    bold = (lambda t: click.style(t, bold=True)) if styled else (lambda t: t)
    lines: list[str] = []
    for number, s in numbered:
        lines += _suggestion_lines(codebook, s, f"{number:>3}  ", "       ", bold, width)
    return "\n".join(lines)


def _suggestion_lines(codebook, suggestion: Suggestion, lead: str, indent: str, bold, width: int) -> list[str]:
    code = codebook.by_id[suggestion.code]
    lines = [f"{lead}{bold(codebook.path_of(code.id))} — {code.name} (score {suggestion.score:.2f})"]
    definition = " ".join(code.definition.split())
    if definition:
        lines.append(indent + textwrap.shorten(f"definition: {definition}", width - len(indent), placeholder=" …"))
    lines.append(f"{indent}rules: {', '.join(suggestion.rules)}")
    return lines


def render_info(
    codebook: Codebook, numbered: list[tuple[int, Suggestion]], show_numbers: bool = False, width: int = 88
) -> str:
    """Each code's definition, include, exclude and examples in full (the ``i`` key)."""
    blocks = []
    for number, s in numbered:
        code = codebook.by_id[s.code]
        lead = f"{number}  " if show_numbers else ""
        lines = [f"{lead}{codebook.path_of(code.id)} — {code.name}"]
        for key in ("definition", "include", "exclude"):
            value = " ".join(getattr(code, key).split())
            if value:
                lines.append(textwrap.fill(f"{key}: {value}", width, initial_indent="  ", subsequent_indent="    "))
        if code.examples:
            lines.append("  examples:")
            lines += [
                textwrap.fill(f"- {' '.join(e.split())}", width, initial_indent="    ", subsequent_indent="      ")
                for e in code.examples
            ]
        if len(lines) == 1:
            lines.append("  (no definition, include, exclude or examples in the codebook)")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _highlight(segment: Segment, evidence: list[Evidence], styled: bool, width: int) -> str:
    """The segment text, wrapped, with evidence spans styled (or ``[[...]]`` when plain)."""
    spans: list[list[int]] = []
    for e in sorted(evidence, key=lambda e: e.start):
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
