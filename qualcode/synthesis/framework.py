"""The framework matrix: cases as columns, case attributes as context rows, themes as rows, and
in each cell the researcher's summary, the quote count and exemplar quotes.

The quotes of a cell are :func:`qualcode.synthesis.summaries.cell_index`'s (the matrix's counting:
coded-speaker segments, each once, a parent carrying its descendants). Exemplars list the quotes
the summary cites first, then the others in transcript order.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from qualcode.codebook.model import Codebook
from qualcode.coding.resolve import CodingSet
from qualcode.study.corpus import Corpus
from qualcode.study.ordering import ordered_values
from qualcode.synthesis.summaries import Summary, cell_index


@dataclass
class Quote:
    segment: str
    transcript: str
    participant: str
    text: str
    cited: bool = False


@dataclass
class Cell:
    case: str
    code: str
    count: int
    quotes: list[Quote] = field(default_factory=list)  # cited first, then transcript order
    summary: Summary | None = None


@dataclass
class Framework:
    cases: list[str]
    context: list[tuple[str, list[str]]]  # (attribute, text per case)
    themes: list[tuple[str, str]]  # (code id, label)
    cells: dict[tuple[str, str], Cell]
    level: str = "top"

    def cell(self, case: str, code: str) -> Cell:
        return self.cells[(case, code)]


def participant_of(corpus: Corpus, segment_id: str) -> str:
    """The ``participant`` attribute of the segment's transcript, else the speaker."""
    segment = corpus.segment_index[segment_id]
    attributes = corpus.by_id[segment.transcript].attributes
    return str(attributes.get("participant") or segment.speaker or segment.transcript)


def build_framework(
    corpus: Corpus,
    codebook: Codebook,
    codings: CodingSet,
    summaries: Mapping[tuple[str, str], Summary],
    level: str = "top",
    order_by: str | None = None,
    descending: bool = False,
) -> Framework:
    """The framework matrix of these codings and summaries (``order_by``: a case attribute)."""
    from qualcode.analysis.matrix import check_order_by, ordered_cases

    themes = codebook.codes_at(level)
    cases = ordered_values(corpus.cases(), corpus.case_order)
    if order_by is not None:
        check_order_by(corpus, [corpus.case_attribute], order_by)
        cases = ordered_cases(corpus, cases, order_by, descending)
    table = corpus.case_table
    context = [(name, [table.text(case, name) for case in cases]) for name in table.attributes]
    index = cell_index(corpus, codebook, codings)
    cells: dict[tuple[str, str], Cell] = {}
    for code in themes:
        for case in cases:
            ids = index.get((case, code), [])
            summary = summaries.get((case, code))
            cited = [i for i in (summary.citations if summary else []) if i in ids]
            ordered = cited + [i for i in ids if i not in cited]
            quotes = [
                Quote(
                    i,
                    corpus.segment_index[i].transcript,
                    participant_of(corpus, i),
                    corpus.segment_index[i].text,
                    i in cited,
                )
                for i in ordered
            ]
            cells[(case, code)] = Cell(case, code, len(ids), quotes, summary)
    return Framework(cases, context, [(c, codebook.by_id[c].name) for c in themes], cells, level)


# -- flattening ------------------------------------------------------------------------------------
_CITATION = re.compile(r"\s*\[\[[^\[\]]*\]\]")


def flat_text(body: str) -> str:
    """A summary's Markdown on one line, citations left out."""
    return " ".join(_CITATION.sub("", body).split())


def quote_count(count: int) -> str:
    return f"{count} quote" if count == 1 else f"{count} quotes"


def cell_parts(cell: Cell, quotes: int) -> tuple[str, list[tuple[str, str]]]:
    """(summary text or 'n quotes', up to ``quotes`` exemplars as (text, participant))."""
    text = flat_text(cell.summary.body) if cell.summary else quote_count(cell.count)
    return text, [(" ".join(q.text.split()), q.participant) for q in cell.quotes[:quotes]]


def framework_rows(framework: Framework, quotes: int = 0) -> tuple[list[str], list[dict[str, str]]]:
    """Plain rows (one per context attribute, then one per theme) for csv/xlsx/markdown."""
    columns = ["row", *framework.cases]
    rows: list[dict[str, str]] = []
    for name, values in framework.context:
        rows.append({"row": name, **dict(zip(framework.cases, values))})
    for code, label in framework.themes:
        row = {"row": label}
        for case in framework.cases:
            text, exemplars = cell_parts(framework.cell(case, code), quotes)
            row[case] = "\n".join([text, *(f'"{q}" ({p})' for q, p in exemplars)])
        rows.append(row)
    return columns, rows


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def to_markdown_table(framework: Framework, quotes: int = 0) -> str:
    """A pipe table pandoc reads: context rows first, then one row per theme."""
    columns, rows = framework_rows(framework, quotes)
    header = ["", *framework.cases]
    lines = [
        "| " + " | ".join(_md_cell(h) for h in header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
    ]
    for n, row in enumerate(rows):
        label = _md_cell(row["row"])
        label = f"*{label}*" if n < len(framework.context) else f"**{label}**"
        cells = [label, *(_md_cell(row[c]) for c in framework.cases)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def to_docx(framework: Framework, quotes: int = 0) -> bytes:
    """A Word document with the framework matrix as one table (landscape past four cases)."""
    import io

    from docx import Document
    from docx.enum.section import WD_ORIENT

    document = Document()
    if len(framework.cases) > 4:
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    table = document.add_table(rows=1, cols=len(framework.cases) + 1)
    table.style = "Table Grid"
    header = table.rows[0].cells
    header[0].text = ""
    for cell, case in zip(header[1:], framework.cases):
        cell.text = ""
        cell.paragraphs[0].add_run(case).bold = True
    for name, values in framework.context:
        row = table.add_row().cells
        row[0].paragraphs[0].add_run(name).italic = True
        for cell, value in zip(row[1:], values):
            cell.text = value
    for code, label in framework.themes:
        row = table.add_row().cells
        row[0].paragraphs[0].add_run(label).bold = True
        for cell, case in zip(row[1:], framework.cases):
            text, exemplars = cell_parts(framework.cell(case, code), quotes)
            paragraph = cell.paragraphs[0]
            for n, part in enumerate(_BOLD.split(text)):
                if part:
                    paragraph.add_run(part).bold = n % 2 == 1
            for quote, participant in exemplars:
                p = cell.add_paragraph()
                p.add_run(f"\u201c{quote}\u201d").italic = True
                p.add_run(f" ({participant})")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def framework_frame(framework: Framework, quotes: int = 0):
    """The framework matrix as a DataFrame: rows (context, then themes) x cases."""
    import pandas as pd

    columns, rows = framework_rows(framework, quotes)
    return pd.DataFrame(rows, columns=columns).set_index("row")


def framework_json(framework: Framework, quotes: Sequence[int] | None = None) -> dict[str, object]:
    """Plain data for the report page."""
    return {
        "cases": framework.cases,
        "context": [{"attribute": name, "values": values} for name, values in framework.context],
        "themes": [{"code": c, "label": label} for c, label in framework.themes],
        "cells": {
            f"{case}\u241f{code}": {
                "count": cell.count,
                "summary": cell.summary.body if cell.summary else None,
                "author": cell.summary.author if cell.summary else None,
                "updated": cell.summary.updated if cell.summary else None,
                "stale": bool(cell.summary and cell.summary.stale),
                "cited": [q.segment for q in cell.quotes if q.cited],
                "quotes": [q.segment for q in cell.quotes],
            }
            for (case, code), cell in framework.cells.items()
        },
    }
