"""The bad-input corpus: every file type qualcode reads, broken in the ways people and tools break
them, and hostile command-line arguments.

Each case starts from a small coded study (codings with notes and done marks, an audit log, a
memo, saved suggestions and a review decision), breaks one thing, runs one command, and asserts:
the exit code (1 for a user error, 2 for a usage error, 0 where the input is only warned about),
a message naming the file (and line where there is one), no traceback, and the project tree
unchanged byte for byte and in mode. The corpus is written by the test, so it documents itself.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.helpers import ProjectMaker, build_study, segment, tree

Mutation = Callable[[Path], None]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("bad-template")
    study = build_study(ProjectMaker(base))
    first = segment(study, "We look at the benchmark")
    study.annotate(first.id, "a note", "ana")
    study.mark_done(["alder/teacher-01"], "ana")
    (study.root / "memos").mkdir()
    (study.root / "memos" / "2026-01-01-a-memo.md").write_text("---\ntitle: A memo\ncodes: [family]\n---\n\nText.\n")
    study.save_suggestions(study.suggest())
    from qualcode.suggest.store import Decision

    study.suggestion_store.add_decision(Decision(first.id, first.transcript, "data_use", "accept", "ana"))
    SEGMENT["id"] = segment(study, "Our PLC meets").id  # coded by ana: `code` must read ana's file
    return study.root


# ------------------------------------------------------------------------------------------------
# Mutations
# ------------------------------------------------------------------------------------------------


def put(relative: str, content: str | bytes) -> Mutation:
    def _put(root: Path) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)

    return _put


def edit(relative: str, change: Callable[[str], str]) -> Mutation:
    def _edit(root: Path) -> None:
        path = root / relative
        path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")

    return _edit


def append(relative: str, line: str | bytes) -> Mutation:
    def _append(root: Path) -> None:
        with open(root / relative, "ab") as handle:
            handle.write(line.encode("utf-8") if isinstance(line, str) else line)

    return _append


def coder_line(root: Path, index: int = 1) -> dict:
    """The ``index``-th record of ana's file (0 is the header)."""
    return json.loads((root / "codings" / "ana.jsonl").read_text().splitlines()[index])


def replace_record(kind: str, **changes: object) -> Mutation:
    """Change the first record of ``kind`` in ana's file (a value None deletes the key)."""

    def _replace(root: Path) -> None:
        path = root / "codings" / "ana.jsonl"
        lines = path.read_text().splitlines()
        for number, line in enumerate(lines):
            record = json.loads(line)
            if record.get("type") == kind:
                for key, value in changes.items():
                    if value is None:
                        record.pop(key, None)
                    else:
                        record[key] = value
                lines[number] = json.dumps(record)
                break
        path.write_text("\n".join(lines) + "\n")

    return _replace


def link(relative: str, target: str) -> Mutation:
    def _link(root: Path) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, path)

    return _link


def fifo(relative: str) -> Mutation:
    def _fifo(root: Path) -> None:
        os.mkfifo(root / relative)

    return _fifo


def folder(relative: str) -> Mutation:
    def _folder(root: Path) -> None:
        (root / relative).mkdir(parents=True)

    return _folder


def remove(relative: str) -> Mutation:
    def _remove(root: Path) -> None:
        path = root / relative
        shutil.rmtree(path) if path.is_dir() else path.unlink()

    return _remove


def both(*mutations: Mutation) -> Mutation:
    def _both(root: Path) -> None:
        for mutation in mutations:
            mutation(root)

    return _both


def zip_file(relative: str, members: dict[str, bytes]) -> Mutation:
    def _zip(root: Path) -> None:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)

    return _zip


def nothing(root: Path) -> None:
    pass


@dataclass
class Case:
    mutate: Mutation
    args: list[str]
    exit: int
    says: list[str] = field(default_factory=list)
    changes: bool = False  # the command is allowed to write (the output file of the case)


ANA = "codings/ana.jsonl"
LOG = "codings/log/ana.jsonl"
PENDING = "suggestions/pending.jsonl"
DECISIONS = "suggestions/decisions/ana.jsonl"
BOOK = "codebooks/district-practices.yaml"
T1 = "transcripts/alder/teacher-01.txt"
NEW = "transcripts/alder/new.txt"
MEMO = "memos/2026-01-01-a-memo.md"


def book(text: str) -> Mutation:
    return put(BOOK, text)


#: A real segment id, set by the template (``{SEG}`` in a case's arguments).
SEGMENT: dict[str, str] = {}


def _code(*extra: str) -> list[str]:
    return ["code", "{SEG}", "family", "--coder", "ana", *extra]


CASES: dict[str, Case] = {
    # ---- coder files ------------------------------------------------------------------------
    "coder: header version is text": Case(
        edit(ANA, lambda t: t.replace('"version": 1', '"version": "abc"', 1)), ["check"], 1, [f"{ANA}:1", "version"]
    ),
    "coder: header version is a list": Case(
        edit(ANA, lambda t: t.replace('"version": 1', '"version": [1]', 1)), ["coders"], 1, [f"{ANA}:1", "version"]
    ),
    "coder: header version too new": Case(
        edit(ANA, lambda t: t.replace('"version": 1', '"version": 99', 1)), ["check"], 1, [f"{ANA}:1", "newer"]
    ),
    "coder: anchor is a string": Case(
        replace_record("coding", anchor="just a string"), ["check"], 1, [f"{ANA}:", "anchor"]
    ),
    "coder: anchor is a list, then code": Case(
        replace_record("coding", anchor=[1, 2]), _code(), 1, [f"{ANA}:", "anchor", "left untouched"]
    ),
    "coder: anchor quote is a number": Case(
        replace_record("coding", anchor={"quote": 5}), ["report", "-o", "reports/r.html"], 1, [f"{ANA}:", "anchor"]
    ),
    "coder: invalid UTF-8": Case(append(ANA, b'{"type": "note", "text": "\xff\xfe"}\n'), ["check"], 1, [ANA, "UTF-8"]),
    "coder: invalid UTF-8, then code": Case(append(ANA, b"\xff\n"), _code(), 1, [ANA, "UTF-8"]),
    "coder: a line is a JSON list": Case(append(ANA, "[1, 2]\n"), ["check"], 1, [f"{ANA}:", "JSON object"]),
    "coder: a line is a number": Case(append(ANA, "5\n"), ["quotes", "family"], 1, [f"{ANA}:", "JSON object"]),
    "coder: truncated line": Case(
        append(ANA, '{"type": "coding", "transcript": \n'), ["check"], 1, [f"{ANA}:", "JSON"]
    ),
    "coder: unknown record type": Case(append(ANA, '{"type": "codng"}\n'), ["check"], 1, [f"{ANA}:", "coding"]),
    "coder: record without type": Case(append(ANA, '{"code": "family"}\n'), ["check"], 1, [f"{ANA}:", "type"]),
    "coder: timestamp is a number": Case(replace_record("coding", timestamp=5), ["check"], 1, [f"{ANA}:", "timestamp"]),
    "coder: segment is a number": Case(replace_record("coding", segment=7), ["coders"], 1, [f"{ANA}:", "segment"]),
    "coder: unknown source": Case(replace_record("coding", source="robot"), ["check"], 1, [f"{ANA}:", "robot"]),
    "coder: merge conflict markers": Case(
        append(ANA, "<<<<<<< HEAD\n=======\n>>>>>>> theirs\n"), _code(), 1, [f"{ANA}:", "merge conflict"]
    ),
    "coder: another coder's record": Case(
        replace_record("coding", coder="ben"), ["check"], 1, [f"{ANA}:", "coder 'ben'"]
    ),
    "coder: wrong format in header": Case(
        edit(ANA, lambda t: t.replace("qualcode-codings", "nvivo", 1)), ["check"], 1, [f"{ANA}:1", "nvivo"]
    ),
    "coder: memo is an object": Case(replace_record("coding", memo={"a": 1}), ["check"], 1, [f"{ANA}:", "memo"]),
    "coder: note text is a number": Case(replace_record("note", text=3), ["check"], 1, [f"{ANA}:", "text"]),
    "coder: done mark without transcript": Case(
        replace_record("done", transcript=None), ["check"], 1, [f"{ANA}:", "transcript"]
    ),
    "coder: NUL bytes": Case(append(ANA, b"\x00\x00\n"), ["check"], 1, [f"{ANA}:"]),
    "codings is a regular file": Case(
        both(remove("codings"), put("codings", "not a folder\n")), ["check"], 1, ["codings", "not a folder"]
    ),
    "codings is a regular file, then code": Case(
        both(remove("codings"), put("codings", "x\n")), _code(), 1, ["codings", "not a folder"]
    ),
    # ---- audit logs ---------------------------------------------------------------------------
    "log: a line is a list": Case(append(LOG, "[1, 2]\n"), ["log"], 0, [f"{LOG}:", "skipped"]),
    "log: timestamp is a number": Case(append(LOG, '{"timestamp": 5}\n'), ["log"], 0, [f"{LOG}:", "skipped"]),
    "log: invalid UTF-8": Case(append(LOG, b'{"action": "\xff"}\n'), ["log"], 0, [f"{LOG}:", "UTF-8"]),
    "log: truncated JSON": Case(append(LOG, '{"timestamp": "2026-01\n'), ["log", "--format", "json"], 0, [f"{LOG}:"]),
    "log: action is a list": Case(append(LOG, '{"timestamp": "2026", "action": [1]}\n'), ["log"], 0, [f"{LOG}:"]),
    "log: a folder where the log should be": Case(both(remove(LOG), folder(LOG)), ["log", "--coder", "ana"], 1, [LOG]),
    # ---- suggestions and decisions -------------------------------------------------------------
    "pending: score is text": Case(
        append(PENDING, '{"segment": "a#1", "transcript": "a", "code": "family", "score": "high"}\n'),
        ["review", "--coder", "ana"],
        1,
        [f"{PENDING}:1", "score"],
    ),
    "pending: a line is a list": Case(
        append(PENDING, "[1]\n"), ["review", "--coder", "ana"], 1, [f"{PENDING}:", "JSON object"]
    ),
    "pending: evidence is a string": Case(
        append(PENDING, '{"segment": "a#1", "transcript": "a", "code": "family", "score": 0.5, "evidence": "x"}\n'),
        ["review", "--coder", "ana"],
        1,
        [f"{PENDING}:", "evidence"],
    ),
    "pending: evidence start is text": Case(
        append(
            PENDING,
            '{"segment": "a#1", "transcript": "a", "code": "family", "score": 0.5,'
            ' "evidence": [{"text": "x", "start": "a", "end": 1, "rule": "r"}]}\n',
        ),
        ["review", "--coder", "ana"],
        1,
        [f"{PENDING}:", "start"],
    ),
    "pending: invalid UTF-8": Case(append(PENDING, b"\xff\n"), ["review", "--coder", "ana"], 1, [PENDING, "UTF-8"]),
    "decisions: a line is a number": Case(append(DECISIONS, "7\n"), ["suggest", "--stats"], 1, [f"{DECISIONS}:"]),
    "decisions: score is a list": Case(
        edit(DECISIONS, lambda t: t.replace('"score": 0.0', '"score": [1]', 1)),
        ["review", "--coder", "ana"],
        1,
        [f"{DECISIONS}:"],
    ),
    "decisions: unknown decision": Case(
        edit(DECISIONS, lambda t: t.replace('"accept"', '"maybe"', 1)),
        ["review", "--coder", "ana"],
        1,
        [f"{DECISIONS}:", "maybe"],
    ),
    # ---- the codebook -------------------------------------------------------------------------
    "codebook: tab indentation": Case(
        book("name: x\ncodes:\n\t- id: a\n"), ["codebook", "validate"], 1, [f"{BOOK}:", "tab"]
    ),
    "codebook: bad indentation": Case(
        book("name: x\ncodes:\n  - id: a\n   label: A\n"), ["codebook", "validate"], 1, [f"{BOOK}:"]
    ),
    "codebook: empty file": Case(book(""), ["codebook", "validate"], 1, [BOOK]),
    "codebook: a list at the top": Case(book("- a\n- b\n"), ["check"], 1, [BOOK]),
    "codebook: codes is a string": Case(book("name: x\ncodes: lots\n"), ["codebook", "validate"], 1, [BOOK, "codes"]),
    "codebook: code without id": Case(
        book("name: x\ncodes:\n  - label: A\n"), ["codebook", "validate"], 1, [f"{BOOK}:3", "id"]
    ),
    "codebook: duplicate id": Case(
        book("name: x\ncodes:\n  - id: a\n    label: A\n  - id: a\n    label: B\n"),
        ["codebook", "validate"],
        1,
        [f"{BOOK}:", "a"],
    ),
    "codebook: id with a slash": Case(
        book("name: x\ncodes:\n  - id: a/b\n    label: A\n"), ["codebook", "validate"], 1, [f"{BOOK}:3"]
    ),
    "codebook: children is a string": Case(
        book("name: x\ncodes:\n  - id: a\n    label: A\n    children: b\n"), ["codebook", "validate"], 1, [BOOK]
    ),
    "codebook: keywords is a number": Case(
        book("name: x\ncodes:\n  - id: a\n    label: A\n    keywords: 5\n"), ["codebook", "validate"], 1, [BOOK]
    ),
    "codebook: invalid UTF-8": Case(put(BOOK, b"name: \xff\n"), ["codebook", "validate"], 1, [BOOK, "UTF-8"]),
    "codebook: binary garbage": Case(put(BOOK, bytes(range(256))), ["check"], 1, [BOOK]),
    "codebook: impossible version date": Case(
        book("name: x\nversion: 2026-13-45\ncodes:\n  - id: a\n    label: A\n"), ["codebook", "validate"], 0, []
    ),
    "codebook: bad pattern attribute": Case(
        book("name: x\ncodes:\n  - id: a\n    label: A\n    patterns:\n      - [{LEMA: teach}]\n"),
        ["codebook", "validate"],
        1,
        [f"{BOOK}:", "LEMA"],
    ),
    "codebook: unclosed regex": Case(
        book('name: x\ncodes:\n  - id: a\n    label: A\n    patterns:\n      - [{LOWER: {REGEX: "(time"}}]\n'),
        ["codebook", "validate"],
        1,
        [f"{BOOK}:", "REGEX"],
    ),
    "codebook: missing file": Case(remove(BOOK), ["check"], 1, ["codebook"]),
    "codebook: a folder": Case(both(remove(BOOK), folder(BOOK)), ["check"], 1, [BOOK]),
    "codebook: alias bomb": Case(
        book(
            "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcdefg", "bcdefgh"))
        ),
        ["codebook", "validate"],
        1,
        [BOOK, "aliases"],
    ),
    "codebook: 10 MB": Case(
        book("name: x\ncodes:\n  - id: a\n    label: A\n    keywords:\n" + "      - lorem ipsum dolor\n" * 400_000),
        ["suggest", "--save"],
        1,
        [BOOK, "at most 2 MB"],
    ),
    "codebook: 30,000 keywords": Case(
        book(
            "name: x\ncodes:\n  - id: a\n    label: A\n    keywords:\n"
            + "".join(f"      - w{i}\n" for i in range(30_000))
        ),
        ["suggest", "--save"],
        1,
        [f"{BOOK}:2", "at most 20,000"],
    ),
    # ---- qualcode.yaml ------------------------------------------------------------------------
    "config: unknown key": Case(
        put("qualcode.yaml", "segment_by: turn\nsegmnt_by: x\n"), ["check"], 1, ["qualcode.yaml"]
    ),
    "config: bad segment_by": Case(put("qualcode.yaml", "segment_by: chapter\n"), ["segments"], 1, ["qualcode.yaml"]),
    "config: transcripts outside": Case(
        put("qualcode.yaml", "segment_by: turn\ntranscripts: ../..\n"),
        ["segments"],
        1,
        ["qualcode.yaml:2", "inside the project"],
    ),
    "config: a list": Case(put("qualcode.yaml", "- a\n"), ["segments"], 1, ["qualcode.yaml"]),
    "config: invalid UTF-8": Case(put("qualcode.yaml", b"segment_by: \xff\n"), ["segments"], 1, ["qualcode.yaml"]),
    "config: empty": Case(put("qualcode.yaml", ""), ["segments"], 0, []),
    "config: language unknown": Case(
        put("qualcode.yaml", "segment_by: turn\nlanguage: klingon\n"), ["segments"], 1, ["qualcode.yaml", "language"]
    ),
    "config: codebook outside": Case(
        put("qualcode.yaml", "segment_by: turn\ncodebook: /etc/passwd\n"), ["check"], 1, ["qualcode.yaml"]
    ),
    "config: tab indentation": Case(
        put("qualcode.yaml", "segment_by: turn\nevaluation:\n\tdev: [a]\n"), ["check"], 1, ["qualcode.yaml", "tab"]
    ),
    # ---- transcripts --------------------------------------------------------------------------
    "transcript: invalid UTF-8": Case(put(NEW, b"Teacher: caf\xe9 \xff\xfe\n"), ["segments"], 0, []),
    "transcript: front matter unclosed": Case(put(NEW, "---\ncase: Alder\nTeacher: hi\n"), ["segments"], 1, [NEW]),
    "transcript: front matter is a list": Case(put(NEW, "---\n- a\n---\nTeacher: hi\n"), ["segments"], 1, [NEW]),
    "transcript: front matter bad YAML": Case(
        put(NEW, "---\ncase: [Alder\n---\nTeacher: hi\n"), ["segments"], 1, [f"{NEW}:"]
    ),
    "transcript: impossible date": Case(
        put(NEW, "---\ncase: Alder\ndate: 2026-02-30\n---\nTeacher: hi\n"), ["transcripts"], 0, []
    ),
    "transcript: empty file": Case(put(NEW, ""), ["segments"], 0, []),
    "transcript: docx that is not a zip": Case(
        put("transcripts/alder/new.docx", b"not a word file"), ["segments"], 1, ["transcripts/alder/new.docx"]
    ),
    "transcript: docx zip without document": Case(
        zip_file("transcripts/alder/new.docx", {"a.txt": b"x"}), ["segments"], 1, ["transcripts/alder/new.docx"]
    ),
    "transcript: docx with an XML entity": Case(
        zip_file(
            "transcripts/alder/new.docx",
            {
                "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
                "word/document.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>',
            },
        ),
        ["segments"],
        1,
        ["transcripts/alder/new.docx"],
    ),
    "transcript: pdf garbage": Case(
        put("transcripts/alder/new.pdf", b"%PDF-1.4\ngarbage"), ["segments"], 1, ["transcripts/alder/new.pdf"]
    ),
    "transcript: rtf garbage": Case(put("transcripts/alder/new.rtf", b"{\\rtf1 \\bin999999 "), ["segments"], 0, []),
    "transcript: vtt with bad times": Case(
        put("transcripts/alder/new.vtt", "WEBVTT\n\n00:xx --> 00:01.000\nhello\n"),
        ["segments"],
        1,
        ["transcripts/alder/new.vtt"],
    ),
    "transcript: srt with bad times": Case(
        put("transcripts/alder/new.srt", "1\n00:00:01,000 --> soon\nhello\n"),
        ["segments"],
        1,
        ["transcripts/alder/new.srt"],
    ),
    "transcript: symlink to /etc/passwd": Case(
        link("transcripts/alder/passwd.txt", "/etc/passwd"),
        ["segments"],
        0,
        ["transcripts/alder/passwd.txt", "outside the project"],
    ),
    "transcript: symlink folder outside": Case(
        link("transcripts/etc", "/etc"), ["segments"], 0, ["transcripts/etc", "outside the project"]
    ),
    "transcript: dangling symlink": Case(
        link("transcripts/alder/gone.txt", "nowhere.txt"), ["segments"], 0, ["transcripts/alder/gone.txt"]
    ),
    "transcript: a FIFO": Case(fifo("transcripts/alder/pipe.txt"), ["segments"], 0, ["transcripts/alder/pipe.txt"]),
    "transcript: a folder named x.txt": Case(
        folder("transcripts/alder/x.txt"), ["segments"], 0, ["transcripts/alder/x.txt", "folder"]
    ),
    "transcript: id clash": Case(
        put("transcripts/alder/teacher-01.md", "Teacher: hi\n"), ["segments"], 1, ["teacher-01"]
    ),
    # ---- attributes.csv -----------------------------------------------------------------------
    "attributes: a folder": Case(
        folder("transcripts/attributes.csv"), ["transcripts"], 0, ["attributes.csv", "folder"]
    ),
    "attributes: unclosed quote": Case(
        put("transcripts/attributes.csv", 'transcript,role\nalder/teacher-01,"teacher\n'),
        ["transcripts"],
        1,
        ["transcripts/attributes.csv:2", "never closed"],
    ),
    "attributes: no transcript column": Case(
        put("transcripts/attributes.csv", "name,role\na,b\n"), ["transcripts"], 1, ["attributes.csv:1"]
    ),
    "attributes: invalid UTF-8": Case(
        put("transcripts/attributes.csv", b"transcript,role\nalder/teacher-01,\xff\n"),
        ["transcripts"],
        0,
        ["transcripts/attributes.csv:2", "UTF-8"],
    ),
    "attributes: unknown transcript": Case(
        put("transcripts/attributes.csv", "transcript,role\nnobody,teacher\n"),
        ["check"],
        0,
        ["attributes.csv:2", "nobody"],
    ),
    # ---- memos ----------------------------------------------------------------------------------
    "memo: bad front matter": Case(put(MEMO, "---\ncodes: [a\n---\nText\n"), ["check"], 0, [f"{MEMO}:"]),
    "memo: codes is a number": Case(put(MEMO, "---\ncodes: 5\n---\nText\n"), ["check"], 0, [f"{MEMO}:2", "'5'"]),
    "memo: invalid UTF-8": Case(put(MEMO, b"---\ntitle: \xff\n---\n"), ["memo", "list"], 0, [f"{MEMO}:2", "UTF-8"]),
    "memo: alias bomb": Case(
        put(
            MEMO,
            "---\na: &a [x,x,x,x,x,x,x,x,x,x]\n"
            + "".join(f"{n}: &{n} [{', '.join(['*' + p] * 10)}]\n" for p, n in zip("abcdefg", "bcdefgh"))
            + "---\n",
        ),
        ["memo", "list"],
        0,
        [MEMO],
    ),
    # ---- import files ---------------------------------------------------------------------------
    "import: csv without a code column": Case(
        put("in.csv", "segment,coder\nx,ana\n"), ["import", "codings", "{ROOT}/in.csv", "--coder", "ana"], 1, ["in.csv"]
    ),
    "import: csv invalid UTF-8": Case(
        put("in.csv", b"segment,code\n\xff\xfe\x00,family\n"),
        ["import", "codings", "{ROOT}/in.csv", "--coder", "ana"],
        1,
        ["in.csv"],
    ),
    "import: xlsx that is not a zip": Case(
        put("in.xlsx", b"plain text"), ["import", "codings", "{ROOT}/in.xlsx", "--coder", "ana"], 1, ["in.xlsx"]
    ),
    "import: qdpx that is not a zip": Case(
        put("in.qdpx", b"plain"), ["import", "qdpx", "{ROOT}/in.qdpx", "--into", "{ROOT}/../imported"], 1, ["in.qdpx"]
    ),
    "import: qdpx with path traversal": Case(
        zip_file("in.qdpx", {"project.qde": b"<Project/>", "../../evil.txt": b"x"}),
        ["import", "qdpx", "{ROOT}/in.qdpx", "--into", "{ROOT}/../imported"],
        1,
        ["in.qdpx"],
    ),
    "import: qdpx with an XML bomb": Case(
        zip_file(
            "in.qdpx",
            {
                "project.qde": b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY a "aaaaaaaaaa">'
                b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Project>&b;</Project>'
            },
        ),
        ["import", "qdpx", "{ROOT}/in.qdpx", "--into", "{ROOT}/../imported"],
        1,
        ["in.qdpx"],
    ),
    # ---- command-line arguments -----------------------------------------------------------------
    "cli: agree --seed -1": Case(nothing, ["agree", "--coders", "ana,ben", "--seed", "-1"], 2, ["--seed"]),
    "cli: agree --bootstrap huge": Case(
        nothing, ["agree", "--coders", "ana,ben", "--bootstrap", "99999999999999999999"], 2, ["--bootstrap"]
    ),
    "cli: agree --bootstrap negative": Case(
        nothing, ["agree", "--coders", "ana,ben", "--bootstrap", "-5"], 2, ["--bootstrap"]
    ),
    "cli: empty --coder": Case(nothing, ["code", "alder/teacher-01#x", "family", "--coder", ""], 2, ["--coder"]),
    "cli: --coder with a newline": Case(
        nothing, ["code", "alder/teacher-01#x", "family", "--coder", "ana\nben"], 2, ["--coder"]
    ),
    "cli: --coder with a slash": Case(
        nothing, ["code", "alder/teacher-01#x", "family", "--coder", "a/b"], 2, ["--coder"]
    ),
    "cli: --coder 300 characters": Case(
        nothing, ["code", "alder/teacher-01#x", "family", "--coder", "a" * 300], 2, ["--coder"]
    ),
    "cli: --min-score 2": Case(nothing, ["suggest", "--min-score", "2"], 2, ["--min-score"]),
    "cli: unknown --format": Case(nothing, ["segments", "--format", "yaml"], 2, ["--format"]),
    "cli: empty -o": Case(nothing, ["report", "-o", ""], 2, ["-o"]),
    "cli: -o a folder": Case(nothing, ["report", "-o", "transcripts"], 1, ["transcripts"]),
    "cli: -o onto a coder file": Case(nothing, ["export", "codings", "-o", ANA], 2, [ANA, "project's own data"]),
    "cli: -o onto qualcode.yaml": Case(nothing, ["report", "-o", "qualcode.yaml"], 2, ["qualcode.yaml"]),
    "cli: -o onto a transcript": Case(nothing, ["matrix", "--format", "csv", "-o", T1], 2, [T1]),
    "cli: unknown code": Case(nothing, ["quotes", "famly"], 1, ["famly", "family"]),
    "cli: unknown transcript": Case(nothing, ["show", "alder/teacher-99"], 1, ["alder/teacher-99"]),
    "cli: unknown segment": Case(
        nothing, ["code", "alder/teacher-01#missing", "family", "--coder", "ana"], 1, ["alder/teacher-01#missing"]
    ),
    "cli: -C missing folder": Case(nothing, ["-C", "/nonexistent/x", "segments"], 1, ["/nonexistent/x"]),
    "cli: --limit negative": Case(nothing, ["log", "--limit", "-3"], 2, ["--limit"]),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_input(name, template, tmp_path, cli):
    case = CASES[name]
    root = tmp_path / "study"
    shutil.copytree(template, root, symlinks=True)
    case.mutate(root)
    before = tree(root)
    args = [a.replace("{SEG}", SEGMENT["id"]).replace("{ROOT}", str(root)) for a in case.args]
    args = args if args[0] == "-C" else ["-C", root, *args]
    result = cli(*args)
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    assert result.exit_code == case.exit, (result.exit_code, result.stderr[-2000:])
    for words in case.says:
        assert words in result.stderr, (words, result.stderr[-2000:])
    assert tree(root) == before


def test_the_corpus_is_big_enough():
    assert len(CASES) >= 80
    kinds = {name.split(":")[0] for name in CASES}
    assert {
        "coder",
        "log",
        "pending",
        "codebook",
        "config",
        "transcript",
        "attributes",
        "memo",
        "import",
        "cli",
    } <= kinds


@pytest.mark.parametrize("value", ["ana\nben", "a/b", "x" * 300, "   "])
def test_a_bad_coder_name_in_the_environment_is_a_usage_error(template, tmp_path, cli, value):
    root = tmp_path / "study"
    shutil.copytree(template, root, symlinks=True)
    before = tree(root)
    seg = SEGMENT["id"]
    result = cli("-C", root, "code", seg, "family", env={"QUALCODE_CODER": value})
    assert result.exit_code == 2, result.stderr
    assert "$QUALCODE_CODER" in result.stderr and "Traceback" not in result.output
    assert tree(root) == before
