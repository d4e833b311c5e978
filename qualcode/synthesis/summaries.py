"""Summaries: the researcher's synthesis of one cell (case x code) as a Markdown file.

A cell is the cross-case matrix's cell: a case (the value of the transcript's case attribute,
``Corpus.case_of``) and a codebook code (any level; a parent carries its children's segments).
Its quotes are the coded-speaker segments of that case carrying the code (each segment once,
however many coders applied it), in reading order.

Each summary lives in ``summaries/<case dir>/<code id>.md`` (the folder is the ``summaries:``
key of ``qualcode.yaml``). The case folder is the case's own name when that is a safe file name
(ASCII letters, digits, ``.``, ``_``, ``-``; starting with a letter or digit; at most 64
characters), otherwise a slug (:func:`case_dirname`, the one rule). The front matter holds
``case``, ``code``, ``author``, ``updated`` (ISO 8601, UTC) and ``quotes``: the segment ids the
cell had when the summary was last written, the stamp that tells a stale summary (quotes added
or removed since) from a current one. The body is the researcher's Markdown; it cites quotes as
``[[transcript-id#segment-id]]``.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from qualcode.codebook.model import Codebook
from qualcode.coding.resolve import CodingSet
from qualcode.common.didyoumean import hint
from qualcode.common.storage import atomic_write, remove_together
from qualcode.common.yamlfile import LineDict, load_yaml, scalar_to_str
from qualcode.errors import Problem, SummaryError, UnknownCaseError
from qualcode.study.corpus import Corpus

Display = Callable[[Path], str]
#: A citation in a summary's body: ``[[alder-creek/principal-01#3fa9c2d1]]`` (``.n`` for repeats).
CITATION = re.compile(r"\[\[\s*([^\[\]\s#]+#[0-9a-f]{8}(?:\.\d+)?)\s*\]\]")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
#: the template's quote listing, removed again from what the editor returns
_TEMPLATE_START = "<!-- qualcode:"
FRONT_KEYS = ("case", "code", "author", "updated", "quotes")


@dataclass
class Summary:
    """One cell's summary as read from (or written to) its file."""

    case: str
    code: str
    author: str
    updated: str
    body: str
    path: Path
    citations: list[str] = field(default_factory=list)  # segment ids cited, in order of first citation
    quotes: list[str] = field(default_factory=list)  # the stamp: the cell's segment ids when written
    stale: bool = False  # computed against the current quotes by whoever has them (see staleness)
    #: the line of each front-matter key in the file, for messages
    lines: dict[str, int] = field(default_factory=dict, repr=False, compare=False)


# -- paths -----------------------------------------------------------------------------------------
def case_dirname(case: str) -> str:
    """The folder of a case under ``summaries/``: the name itself when it is a safe file name
    (``Bayview``, ``district-7``), else a slug: NFC, lower case, every run of characters other
    than ASCII letters and digits becomes ``-`` (``Alder Creek`` -> ``alder-creek``, ``../x`` ->
    ``x``); ``case`` when nothing is left. ``.`` and ``..`` are never kept."""
    if _SAFE_NAME.match(case) and not case.endswith(".") and case not in (".", ".."):
        return case
    text = unicodedata.normalize("NFKD", case).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:64].strip("-") or "case"


def summary_path(root: Path, case: str, code: str) -> Path:
    """``root/<case dir>/<code>.md`` (``root`` is the summaries folder)."""
    return root / case_dirname(case) / f"{code}.md"


def match_case(typed: str, cases: Sequence[str]) -> str:
    """The case ``typed`` names: exactly, case-insensitively, or by its folder name (slug)."""
    for case in cases:
        if case == typed:
            return case
    for case in cases:
        if case.casefold() == typed.casefold() or case_dirname(case).casefold() == typed.casefold():
            return case
    raise UnknownCaseError(f"no case '{typed}'{hint(typed, cases)}; cases: {', '.join(cases)}")


# -- quotes of a cell ------------------------------------------------------------------------------
def cell_index(corpus: Corpus, codebook: Codebook, codings: CodingSet) -> dict[tuple[str, str], list[str]]:
    """Every non-empty cell -> its quotes (segment ids in reading order). Like the matrix: only
    coded-speaker segments, each once; a parent code holds its descendants' segments."""
    ancestors: dict[str, list[str]] = defaultdict(list)
    for code in codebook.walk():
        for member in codebook.descendants(code.id):
            ancestors[member].append(code.id)
    cells: dict[tuple[str, str], set[str]] = defaultdict(set)
    for coding in codings.codings:
        segment = corpus.segment_index.get(coding.segment)
        if segment is None or segment.skipped:
            continue
        case = corpus.case_of(segment.transcript)
        if not case:
            continue
        for code_id in ancestors.get(coding.code, ()):
            cells[(case, code_id)].add(segment.id)
    order = {s.id: n for n, s in enumerate(corpus.segments)}
    return {cell: sorted(ids, key=order.__getitem__) for cell, ids in cells.items()}


def cell_quotes(corpus: Corpus, codebook: Codebook, codings: CodingSet, case: str, code: str) -> list[str]:
    """The quotes behind one cell (segment ids in reading order); ``case`` matched loosely."""
    codebook.get(code)
    case = match_case(case, corpus.cases())
    return cell_index(corpus, codebook, codings).get((case, code), [])


def citations_in(body: str) -> list[str]:
    """The segment ids cited in ``body`` (``[[id]]``), each once, in order."""
    return list(dict.fromkeys(m.group(1) for m in CITATION.finditer(body)))


# -- reading ---------------------------------------------------------------------------------------
def _split(text: str) -> tuple[str, str] | None:
    """``(front matter YAML, body)``, or None without a ``---`` block at the top."""
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---", 3)
    if end == -1:
        return None
    rest = text[end + 4 :]
    if rest and not rest.startswith("\n"):
        return None
    return text[4 : end + 1], rest[1:]


def parse_summary(text: str, path: Path, name: str) -> tuple[Summary | None, list[Problem]]:
    """A summary file's text -> Summary, or the problems (file:line) that stop it being read."""
    text = text.replace("\r\n", "\n")
    parts = _split(text)
    if parts is None:
        return None, [
            Problem(
                name,
                1,
                "no front matter; a summary starts with a '---' line, its case:, code:, author:, "
                "updated: and quotes:, and a closing '---' line (`qualcode summarize` writes one)",
            )
        ]
    front, body = parts
    data, problems = load_yaml(front, name, line_offset=1)
    if problems:
        return None, problems
    if not isinstance(data, LineDict):
        return None, [Problem(name, 2, "the front matter must be 'key: value' lines (case:, code:, author:, updated:)")]
    for key in ("case", "code"):
        if data.get(key) in (None, ""):
            return None, [Problem(name, 2, f"the front matter has no '{key}:'; add it (e.g. {key}: …)")]
    quotes = data.get("quotes") or []
    if not isinstance(quotes, list):
        return None, [Problem(name, data.line_of("quotes"), "'quotes' must be a list of segment ids")]
    body = body.strip("\n")
    summary = Summary(
        case=scalar_to_str(data["case"]),
        code=scalar_to_str(data["code"]),
        author=scalar_to_str(data.get("author") or ""),
        updated=scalar_to_str(data.get("updated") or ""),
        body=body,
        path=path,
        citations=citations_in(body),
        quotes=[scalar_to_str(q) for q in quotes],
    )
    summary.lines = {str(key): data.line_of(key) for key in data}
    return summary, []


def summary_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*/*.md") if p.is_file()) if folder.is_dir() else []


def read_summaries(
    folder: Path, display: Display, cases: Collection[str], codes: Collection[str]
) -> tuple[dict[tuple[str, str], Summary], list[Problem]]:
    """Every summary under ``folder`` and the problems of those that cannot be used: unreadable
    files, unknown cases or codes (did-you-mean), two files for one cell."""
    found: dict[tuple[str, str], Summary] = {}
    problems: list[Problem] = []
    for path in summary_files(folder):
        name = display(path)
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            problems.append(Problem(name, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8"))
            continue
        summary, trouble = parse_summary(text, path, name)
        problems += trouble
        if summary is None:
            continue

        def line_of(key: str, summary: Summary = summary) -> int:
            return summary.lines.get(key, 2)

        if summary.case not in cases:
            problems.append(
                Problem(
                    name,
                    line_of("case"),
                    f"case '{summary.case}' is not a case of the study{hint(summary.case, cases)}; "
                    "`qualcode cases` lists them",
                )
            )
            continue
        if summary.code not in codes:
            problems.append(
                Problem(
                    name,
                    line_of("code"),
                    f"code '{summary.code}' is not in the codebook{hint(summary.code, codes)}; "
                    "fix code: (renames and merges move summaries)",
                )
            )
            continue
        key = (summary.case, summary.code)
        if key in found:
            problems.append(
                Problem(
                    name,
                    line_of("case"),
                    f"a second summary of {summary.case} / {summary.code} "
                    f"(the first is {display(found[key].path)}); merge them into one file",
                )
            )
            continue
        found[key] = summary
    return found, problems


def load_summaries(
    folder: Path, display: Display, cases: Collection[str], codes: Collection[str]
) -> dict[tuple[str, str], Summary]:
    """Every summary, keyed by (case, code); a SummaryError listing every problem otherwise."""
    found, problems = read_summaries(folder, display, cases, codes)
    if problems:
        raise SummaryError(problems=problems)
    return found


def staleness(summary: Summary, current: Sequence[str]) -> tuple[list[str], list[str]]:
    """``(added, removed)``: the quotes the cell gained and lost since the summary was written."""
    stamp = set(summary.quotes)
    now = set(current)
    return [q for q in current if q not in stamp], [q for q in summary.quotes if q not in now]


def mark_stale(summaries: Mapping[tuple[str, str], Summary], cells: Mapping[tuple[str, str], Sequence[str]]) -> None:
    for key, summary in summaries.items():
        added, removed = staleness(summary, cells.get(key, []))
        summary.stale = bool(added or removed)


# -- writing ---------------------------------------------------------------------------------------
def now_utc() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def render_summary(case: str, code: str, author: str, updated: str, quotes: Sequence[str], body: str) -> str:
    front = yaml.safe_dump(
        {"case": case, "code": code, "author": author, "updated": updated, "quotes": list(quotes)},
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,
    )
    return f"---\n{front}---\n\n{body.strip()}\n"


def read_summary(path: Path, name: str) -> Summary | None:
    """The summary already at ``path``; a SummaryError (never an overwrite) when it cannot be read."""
    if not path.exists():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problem = Problem(name, 1, "not valid UTF-8; save it as UTF-8 (it was not replaced)")
        raise SummaryError(problems=[problem]) from None
    summary, problems = parse_summary(text, path, name)
    if summary is None:
        raise SummaryError(
            problems=[Problem(p.file, p.line, p.message + "; the file was not replaced") for p in problems]
        )
    return summary


def write_summary(
    folder: Path,
    display: Display,
    case: str,
    code: str,
    body: str,
    author: str,
    quotes: Sequence[str],
    updated: str | None = None,
) -> Summary | None:
    """Write the summary of (case, code) atomically (the file's mode kept) and return it, stamped
    with ``quotes``; None, and nothing written, when ``body`` is empty. An existing file that
    cannot be parsed, or that is another case's, is never overwritten."""
    path = summary_path(folder, case, code)
    name = display(path)
    existing = read_summary(path, name)
    if existing is not None and existing.case != case:
        raise SummaryError(
            f"{name}: holds the summary of case '{existing.case}', whose folder name is the same as "
            f"'{case}'s; rename one of the cases (or move the file)"
        )
    body = body.strip()
    if not body:
        return None
    updated = updated or now_utc()
    atomic_write(path, render_summary(case, code, author, updated, quotes, body), name)
    return Summary(case, code, author, updated, body, path, citations_in(body), list(quotes))


# -- the editor ------------------------------------------------------------------------------------
def editor_text(case: str, code: str, author: str, quotes: Sequence[tuple[str, str]], existing: Summary | None) -> str:
    """What ``qualcode summarize`` opens in the editor: the current file, or for a new cell the
    front matter and the cell's quotes (id and text) as a Markdown comment to cite from."""
    if existing is not None:
        return existing.path.read_text(encoding="utf-8")
    lines = [
        f"{_TEMPLATE_START} the {len(quotes)} quote(s) of {case} / {code}; cite one as [[segment-id]].",
        "     This comment is removed when you save; an empty summary writes no file.",
    ]
    for segment_id, text in quotes:
        flat = " ".join(text.split()).replace("--", "- -")
        lines.append(f"     [[{segment_id}]] {flat}")
    lines.append("-->")
    front = render_summary(case, code, author, now_utc(), [s for s, _ in quotes], "")
    return front.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n\n"


def edited_body(text: str) -> str:
    """The body of what the editor returned: the front matter and the template's comment removed."""
    text = text.replace("\r\n", "\n")
    parts = _split(text)
    body = parts[1] if parts is not None else text
    start = body.find(_TEMPLATE_START)
    if start != -1:
        end = body.find("-->", start)
        body = body[:start] + (body[end + 3 :] if end != -1 else "")
    return body.strip()


# -- checking citations ----------------------------------------------------------------------------
def citation_problems(
    summaries: Iterable[Summary], display: Display, segments: Collection[str], moved: Mapping[str, str]
) -> list[Problem]:
    """Citations of segments the transcripts no longer have, at their file:line, with the id the
    segment's codings were re-anchored to (``moved``: old id -> new id) when there is one."""
    problems = []
    for summary in summaries:
        text = summary.path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        for number, line in enumerate(text.split("\n"), start=1):
            for match in CITATION.finditer(line):
                cited = match.group(1)
                if cited in segments:
                    continue
                new = moved.get(cited)
                fix = (
                    f"the quote is now {new}: cite [[{new}]]"
                    if new
                    else f"`qualcode segments --transcript {cited.split('#')[0]}` lists the current ids"
                )
                problems.append(
                    Problem(
                        display(summary.path),
                        number,
                        f"cites segment {cited}, which is no longer in the transcripts (edited or removed); {fix}",
                    )
                )
    return problems


# -- following a rename or merge -------------------------------------------------------------------
@dataclass
class SummaryMove:
    """One summary file that followed its code: moved, or merged into the target's summary."""

    source: Path
    target: Path
    merged: bool


def plan_recode(folder: Path, display: Display, mapping: Mapping[str, str]) -> list[tuple[Summary, Summary | None]]:
    """The summaries of the codes in ``mapping`` with the target cell's summary (or None), every
    file involved parsed first: a SummaryError before anything is written otherwise."""
    plan = []
    problems: list[Problem] = []
    for path in summary_files(folder):
        if path.stem not in mapping:
            continue
        try:
            source = read_summary(path, display(path))
        except SummaryError as exc:
            problems += exc.problems
            continue
        assert source is not None
        target_path = path.parent / f"{mapping[path.stem]}.md"
        try:
            target = read_summary(target_path, display(target_path))
        except SummaryError as exc:
            problems += exc.problems
            continue
        plan.append((source, target))
    if problems:
        raise SummaryError(problems=problems)
    return plan


def recode_summaries(
    plan: Sequence[tuple[Summary, Summary | None]], display: Display, mapping: Mapping[str, str]
) -> list[SummaryMove]:
    """Carry out :func:`plan_recode`'s plan: a summary whose cell has no target summary moves to
    the target file (``code:`` updated); otherwise its body is appended under a heading to the
    target's, the stamps are joined, and the source file is removed. Nothing is lost."""
    moves = []
    targets: dict[Path, Summary] = {}
    for source, target in plan:
        new_code = mapping[source.code] if source.code in mapping else mapping[source.path.stem]
        target_path = source.path.parent / f"{new_code}.md"
        target = targets.get(target_path, target)
        if target is None:
            body = source.body
            quotes = source.quotes
            author, updated = source.author, source.updated
        else:
            body = f"{target.body}\n\n## Merged from {source.code}\n\n{source.body}"
            quotes = list(dict.fromkeys([*target.quotes, *source.quotes]))
            author, updated = target.author, now_utc()
        text = render_summary(source.case, new_code, author, updated, quotes, body)
        atomic_write(target_path, text, display(target_path))
        targets[target_path] = Summary(
            source.case, new_code, author, updated, body, target_path, citations_in(body), quotes
        )
        remove_together([source.path], {source.path: display(source.path)})
        moves.append(SummaryMove(source.path, target_path, merged=target is not None))
    return moves


# -- what is left to write -------------------------------------------------------------------------
def summary_status(
    corpus: Corpus,
    codebook: Codebook,
    cells: Mapping[tuple[str, str], Sequence[str]],
    summaries: Mapping[tuple[str, str], Summary],
    display: Display,
) -> dict[str, list[dict[str, object]]]:
    """The JSON contract of ``qualcode summaries``: ``missing`` (cells with quotes and no summary,
    most quotes first), ``stale`` (summaries whose quotes changed: ``added``/``removed`` counts),
    ``current`` (up-to-date summaries). Ties follow the case order, then the codebook's."""
    from qualcode.study.ordering import ordered_values

    case_rank = {c: n for n, c in enumerate(ordered_values(corpus.cases(), corpus.case_order))}
    code_rank = {c.id: n for n, c in enumerate(codebook.walk())}

    def rank(cell: tuple[str, str]) -> tuple[int, int]:
        return case_rank.get(cell[0], len(case_rank)), code_rank.get(cell[1], len(code_rank))

    missing = [
        {"case": case, "code": code, "quotes": len(ids)}
        for (case, code), ids in sorted(cells.items(), key=lambda item: (-len(item[1]), rank(item[0])))
        if ids and (case, code) not in summaries
    ]
    stale, current = [], []
    for cell in sorted(summaries, key=rank):
        summary = summaries[cell]
        added, removed = staleness(summary, cells.get(cell, []))
        row: dict[str, object] = {"case": cell[0], "code": cell[1], "path": display(summary.path)}
        if added or removed:
            stale.append({**row, "added": len(added), "removed": len(removed)})
        else:
            current.append({**row, "quotes": len(summary.quotes)})
    return {"missing": missing, "stale": stale, "current": current}
