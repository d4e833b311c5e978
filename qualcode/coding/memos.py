"""Analytic memos: Markdown files under ``memos/`` with title, author, date and codes.

A memo's front matter names the codes it is about (``codes: [coaching]``); its body may cite
segments by id (``bayview/principal-01#1c9e0f3a``). :func:`recode_memos` follows a codebook
rename or merge in the front matter (the body is kept byte for byte); :func:`memo_findings`
lists memos citing codes the codebook lacks, or segments the transcripts no longer have.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import io
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from qualcode.codebook.model import Codebook
from qualcode.common.didyoumean import hint
from qualcode.common.storage import atomic_write, write_error, write_new
from qualcode.common.yamlfile import LineDict, LineList, load_yaml, scalar_to_str
from qualcode.errors import InputError, WriteError

#: A segment id cited in a memo's text: ``<transcript id>#<8 hex digits>[.n]``.
_CITED_SEGMENT = re.compile(r"(?<![\w./-])([\w][\w./-]*#[0-9a-f]{8}(?:\.\d+)?)(?![\w])")


@dataclass
class Memo:
    path: Path
    title: str
    author: str
    date: str
    codes: list[str]
    words: int


def _slug(title: str) -> str:
    """``Équipe de soutien`` -> ``équipe-de-soutien``: letters and digits of any script are kept
    (NFC, lower case); everything else, slashes and dots included, becomes ``-``."""
    text = unicodedata.normalize("NFC", title).lower()
    return re.sub(r"[\W_]+", "-", text).strip("-")[:60].strip("-") or "memo"


def new_memo(
    folder: Path, codebook: Codebook, title: str, author: str, codes: Sequence[str] = (), today: _dt.date | None = None
) -> Path:
    """Create ``<folder>/<date>-<slug>.md`` (never overwriting) and return its path."""
    if not title.strip():
        raise InputError("a memo needs a title, e.g. qualcode memo new 'Coaching and trust'")
    for code in codes:
        codebook.get(code)
    today = today or _dt.date.today()
    created = not folder.exists()
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise write_error(folder, exc, folder.name) from None
    try:
        return _write_memo(folder, title, author, codes, today)
    except WriteError:
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # a failed first memo leaves no empty memos/ behind
        raise


def _write_memo(folder: Path, title: str, author: str, codes: Sequence[str], today: _dt.date) -> Path:
    stem = f"{today.isoformat()}-{_slug(title)}"
    front = yaml.safe_dump(
        {"title": title.strip(), "author": author, "date": today.isoformat(), "codes": list(codes)},
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
    )
    body = f"---\n{front}---\n\n# {title.strip()}\n\n"
    for n in range(1, 1000):
        path = folder / (f"{stem}.md" if n == 1 else f"{stem}-{n}.md")
        try:
            write_new(path, body, f"{folder.name}/{path.name}")
            return path
        except FileExistsError:
            continue
    raise InputError(f"too many memos named {stem}; choose another title")


def list_memos(folder: Path, display: Callable[[Path], str], warn: Callable[[str], None]) -> list[Memo]:
    """Every memo under ``folder``, newest first; unreadable front matter is a warning."""
    memos = []
    for path in sorted(folder.glob("**/*.md")) if folder.is_dir() else []:
        if not path.is_file():
            warn(f"{display(path)}: not read: not a regular file")
            continue
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            warn(f"{display(path)}:{line}: not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the memo as UTF-8")
            text = raw.decode("utf-8", errors="replace")
        text = text.replace("\r\n", "\n")
        meta: dict = {}
        body = text
        if text.startswith("---\n"):
            end = text.find("\n---", 4)
            if end != -1:
                data, problems = load_yaml(text[4:end], display(path), line_offset=1)
                for problem in problems:
                    warn(str(problem))
                meta = data if isinstance(data, dict) else {}
                body = text[end + 4 :]
        codes = meta.get("codes") or []
        memos.append(
            Memo(
                path=path,
                title=scalar_to_str(meta.get("title") or path.stem),
                author=scalar_to_str(meta.get("author") or ""),
                date=scalar_to_str(meta.get("date") or ""),
                codes=[scalar_to_str(c) for c in codes] if isinstance(codes, list) else [scalar_to_str(codes)],
                words=len(body.split()),
            )
        )
    memos.sort(key=lambda m: (m.date, m.path.name), reverse=True)
    return memos


def memo_body(memo: Memo) -> str:
    """The memo's Markdown text without its front matter (and without a first ``# heading``
    repeating the title), as the report shows it."""
    text = memo.path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            text = text[end + 4 :]
    text = text.strip("\n")
    first, _, rest = text.partition("\n")
    if first.startswith("# ") and first[2:].strip() == memo.title.strip():
        text = rest.strip("\n")
    return text.strip()


def _front_matter(text: str) -> tuple[str, int, int] | None:
    """``(newline, start, end)`` of the front matter's YAML inside ``text`` (between the opening
    ``---`` line and the closing one), or None when the memo has none."""
    for newline in ("\r\n", "\n"):
        opening = f"---{newline}"
        if text.startswith(opening):
            end = text.find(f"{newline}---", len(opening) - 1)
            if end == -1:
                return None
            return newline, len(opening), end + len(newline)
    return None


def _memo_paths(folder: Path) -> list[Path]:
    return sorted(folder.glob("**/*.md")) if folder.is_dir() else []


def recode_memos(
    folder: Path, mapping: Mapping[str, str], display: Callable[[Path], str], warn: Callable[[str], None]
) -> list[Path]:
    """Apply a code rename/merge (old id -> new id) to every memo's ``codes:``; return the memos
    changed. Only the front matter is rewritten (a code cited twice after a merge is kept once);
    the body stays byte for byte, and each file is replaced atomically with its mode kept. A memo
    whose front matter cannot be read is left alone, with a warning."""
    from ruamel.yaml import YAML

    changed = []
    for path in _memo_paths(folder):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            warn(f"{display(path)}: not valid UTF-8, so its codes: were not updated; fix the memo by hand")
            continue
        found = _front_matter(text)
        if found is None:
            continue
        newline, start, end = found
        front = text[start:end]
        data, problems = load_yaml(front.replace("\r\n", "\n"), display(path), line_offset=1)
        if problems or not isinstance(data, dict):
            detail = f" ({problems[0]})" if problems else ""
            warn(f"{display(path)}: its front matter could not be read{detail}, so its codes: were not updated")
            continue
        codes = data.get("codes")
        cited = [scalar_to_str(c) for c in codes] if isinstance(codes, list) else []
        if isinstance(codes, str):
            cited = [codes]
        if not any(c in mapping for c in cited):
            continue
        rt = YAML(typ="rt")
        rt.preserve_quotes = True
        rt.width = 4096
        tree = rt.load(front)
        recoded = list(dict.fromkeys(mapping.get(c, c) for c in cited))
        if isinstance(tree["codes"], list):
            del tree["codes"][:]
            tree["codes"].extend(recoded)
        else:
            tree["codes"] = recoded[0]
        out = io.StringIO()
        rt.dump(tree, out)
        new_front = out.getvalue()
        if newline != "\n":
            new_front = new_front.replace("\n", newline)
        if not new_front.endswith(newline):
            new_front += newline
        atomic_write(path, text[:start] + new_front + text[end:], display(path))
        changed.append(path)
    return changed


def memo_findings(
    folder: Path,
    display: Callable[[Path], str],
    codes: Collection[str],
    segments: Collection[str],
) -> list[str]:
    """Warnings for memos citing codes that are not in ``codes`` (in ``codes:``) or segments that
    are not in ``segments`` (anywhere in the text), each as ``FILE:LINE: …``."""
    findings = []
    for path in _memo_paths(folder):
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        name = display(path)
        found = _front_matter(text)
        if found is not None:
            _, start, end = found
            data, problems = load_yaml(text[start:end], name, line_offset=1)
            findings += [str(p) for p in problems]
            cited = data.get("codes") if isinstance(data, LineDict) else None
            items = list(cited) if isinstance(cited, list) else [] if cited is None else [cited]
            for index, code in enumerate(items):
                code = scalar_to_str(code)
                if code in codes:
                    continue
                line = cited.line_of(index) if isinstance(cited, LineList) else data.line_of("codes")
                findings.append(
                    f"{name}:{line}: cites code '{code}', which is not in the codebook{hint(code, codes)}; "
                    "fix the memo's codes: (renames and merges update memos)"
                )
        for number, line_text in enumerate(text.split("\n"), start=1):
            for match in _CITED_SEGMENT.finditer(line_text):
                segment = match.group(1)
                if segment not in segments:
                    findings.append(
                        f"{name}:{number}: cites segment {segment}, which is no longer in the transcripts "
                        "(edited or removed); `qualcode segments --transcript "
                        f"{segment.split('#')[0]}` lists the current ids"
                    )
    return findings
