"""Analytic memos: Markdown files under ``memos/`` with title, author, date and codes."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from qualcode.codebook.model import Codebook
from qualcode.common.storage import write_error
from qualcode.common.yamlfile import load_yaml, scalar_to_str
from qualcode.errors import InputError


@dataclass
class Memo:
    path: Path
    title: str
    author: str
    date: str
    codes: list[str]
    words: int


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:60] or "memo"


def new_memo(
    folder: Path, codebook: Codebook, title: str, author: str, codes: Sequence[str] = (), today: _dt.date | None = None
) -> Path:
    """Create ``<folder>/<date>-<slug>.md`` (never overwriting) and return its path."""
    if not title.strip():
        raise InputError("a memo needs a title, e.g. qualcode memo new 'Coaching and trust'")
    for code in codes:
        codebook.get(code)
    today = today or _dt.date.today()
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise write_error(folder, exc, folder.name) from None
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
            with open(path, "x", encoding="utf-8") as handle:
                handle.write(body)
            return path
        except FileExistsError:
            continue
        except OSError as exc:
            raise write_error(path, exc, f"{folder.name}/{path.name}") from None
    raise InputError(f"too many memos named {stem}; choose another title")


def list_memos(folder: Path, display: Callable[[Path], str], warn: Callable[[str], None]) -> list[Memo]:
    """Every memo under ``folder``, newest first; unreadable front matter is a warning."""
    memos = []
    for path in sorted(folder.glob("**/*.md")) if folder.is_dir() else []:
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
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
