"""A REFI-QDA project (``.qdpx``, or a ``.qde`` with its ``sources/`` folder) as a new qualcode project.

What comes through (see the README's mapping table): the codebook; each text source as a
transcript (``.txt`` sources as they are, ``.docx``/``.pdf`` sources through qualcode's readers);
``Variables`` as attributes and ``Cases`` as the case attribute (in ``transcripts/attributes.csv``);
each ``PlainTextSelection``'s codings, per user, on every segment the selection overlaps (the exact
selected text kept in the coding's anchor); a coding's notes as its memo; notes on a selection as
notes on its segments; the project's other notes as analytic memos. Picture, audio and video
sources, PDF coordinates, links, sets of sources and graphs are left out, and counted.

Offsets are counted in the text as the source file stores it (decoded, then mapped onto
qualcode's normalised text: CRLF -> LF, NFC, no byte-order mark), so a file with Windows line
ends or a BOM still lands on the right words. Nothing is written on any error: the project is
built in a temporary folder beside the target and moved into place at the end.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree.ElementTree import Element

import yaml

from qualcode.codebook.model import Codebook
from qualcode.codebook.write import codebook_yaml
from qualcode.coding.anchoring import Anchor, anchor_for, segments_overlapping
from qualcode.coding.records import Coding, Note, now
from qualcode.coding.store import CodingStore
from qualcode.errors import ImportFileError, PathError
from qualcode.interop.refi.archive import Archive, open_archive, source_name
from qualcode.interop.refi.codebook import read_codes, slug, to_codebook
from qualcode.interop.refi.guids import normalised
from qualcode.interop.refi.project_export import SETTINGS_PREFIX
from qualcode.interop.refi.safexml import child, children, local, parse, text_of, walk
from qualcode.study.config import CONFIG_FILE, parse_config
from qualcode.study.corpus import load_corpus
from qualcode.study.project import Project

UNKNOWN_USER = "imported"
_SETTINGS_KEYS = (
    "segment_by",
    "case_attribute",
    "language",
    "speakers_to_skip",
    "speaker_aliases",
    "codebook_name",
    "codebook_version",
    "codebook_description",
)
_VALUE_ELEMENTS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")
_UNSUPPORTED_SOURCES = ("PictureSource", "AudioSource", "VideoSource")


@dataclass
class _Selection:
    start: int
    end: int
    user: str
    codes: list[tuple[str, str, str]]  # (code id, user, timestamp) per coding
    memos: dict[str, list[str]]  # code id -> note texts
    notes: list[str]  # notes on the selection itself
    guid: str


@dataclass
class _Source:
    name: str
    text: str  # normalised
    attributes: dict[str, str]
    selections: list[_Selection]
    suffix: str = ".txt"
    raw: bytes | None = None  # for a .docx/.pdf source read with qualcode's readers


@dataclass
class ImportReport:
    """What an import brought in, and what it left out (with reasons)."""

    origin: str = ""
    transcripts: int = 0
    codes: int = 0
    users: list[str] = field(default_factory=list)
    selections: int = 0
    codings: int = 0
    off_boundary: int = 0
    past_end: int = 0
    notes: int = 0
    memos: int = 0
    left_out: list[str] = field(default_factory=list)
    codebook_notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------
# Reading the project XML
# ------------------------------------------------------------------------------------------------


def _map_offsets(stored: str) -> tuple[str, list[int]]:
    """qualcode's normalised text of ``stored`` and, for every code point of ``stored`` (and its
    end), the matching offset in it: CRLF and CR become LF, a leading BOM goes, text is NFC."""
    out: list[str] = []
    positions: list[int] = []
    length = 0
    i = 0
    if stored.startswith("\ufeff"):
        positions.append(0)
        i = 1
    while i < len(stored):
        char = stored[i]
        if char == "\r":
            positions.append(length)
            if i + 1 < len(stored) and stored[i + 1] == "\n":
                positions.append(length)
                i += 1
            out.append("\n")
            length += 1
            i += 1
            continue
        # a base character and the combining marks after it are normalised together
        j = i + 1
        while j < len(stored) and unicodedata.combining(stored[j]):
            j += 1
        cluster = unicodedata.normalize("NFC", stored[i:j])
        positions.extend([length] * (j - i))
        out.append(cluster)
        length += len(cluster)
        i = j
    positions.append(length)
    return "".join(out), positions


def _decode(data: bytes) -> str:
    """The text as stored: UTF-8 (a BOM kept as a character, so offsets count it), UTF-16 with
    its BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _users(root: Element) -> dict[str, str]:
    users = {}
    found = child(root, "Users")
    for user in children(found, "User") if found is not None else []:
        guid = normalised(user.get("guid", ""))
        users[guid] = (user.get("name") or user.get("id") or "").strip() or f"user-{guid[:8].lower()}"
    return users


def _notes(root: Element) -> dict[str, Element]:
    found = child(root, "Notes")
    return {normalised(n.get("guid", "")): n for n in children(found, "Note")} if found is not None else {}


def _value(element: Element) -> str | None:
    for name in _VALUE_ELEMENTS:
        found = child(element, name)
        if found is not None and found.text is not None:
            return found.text.strip()
    return None


def _settings(root: Element) -> dict[str, object]:
    description = text_of(root, "Description")
    for line in description.splitlines():
        if line.startswith(SETTINGS_PREFIX):
            try:
                loaded = json.loads(line[len(SETTINGS_PREFIX) :])
            except ValueError:
                return {}
            return {k: v for k, v in loaded.items() if k in _SETTINGS_KEYS} if isinstance(loaded, dict) else {}
    return {}


def _transcript_name(name: str, used: set[str]) -> str:
    """A safe transcript id from a source name (folders kept; nothing that leaves the folder)."""
    parts = []
    for part in PurePosixPath(name.replace("\\", "/")).parts:
        clean = re.sub(r"[^\w.\- ]+", "_", part).strip(" .")
        if clean and clean not in ("..", "."):
            parts.append(clean)
    base = "/".join(parts) or "source"
    base = re.sub(r"\.(txt|md|docx|odt|pdf|rtf|vtt|srt)$", "", base, flags=re.IGNORECASE)
    candidate, n = base, 1
    while candidate.casefold() in used:
        n += 1
        candidate = f"{base}-{n}"
    used.add(candidate.casefold())
    return candidate


class _Reader:
    """Reads the sources, selections and notes of one project file."""

    def __init__(self, root: Element, display: str, files: _Files, codes: dict[str, str], report: ImportReport):
        self.root = root
        self.display = display
        self.files = files
        self.codes = codes  # normalised code guid -> code id
        self.report = report
        self.users = _users(root)
        self.notes = _notes(root)
        self.used_notes: set[str] = set()

    def user(self, guid: str | None) -> str:
        if not guid:
            return UNKNOWN_USER
        return self.users.get(normalised(guid), UNKNOWN_USER)

    def note_text(self, element: Element) -> list[str]:
        texts = []
        for ref in children(element, "NoteRef"):
            guid = normalised(ref.get("targetGUID", ""))
            note = self.notes.get(guid)
            if note is None:
                continue
            self.used_notes.add(guid)
            text = (text_of(note, "PlainTextContent") or text_of(note, "Description")).strip()
            if not text and note.get("plainTextPath"):
                data = self.files.read(note.get("plainTextPath", ""))
                text = _decode(data).strip() if data is not None else ""
            if text:
                texts.append(text)
        return texts

    def variables(self) -> dict[str, str]:
        found = child(self.root, "Variables")
        return {
            normalised(v.get("guid", "")): (v.get("name") or "").strip()
            for v in (children(found, "Variable") if found is not None else [])
        }

    def sources(self) -> list[_Source]:
        variables = self.variables()
        cases: dict[str, list[str]] = defaultdict(list)  # source guid -> case names
        case_values: dict[str, dict[str, str]] = defaultdict(dict)  # source guid -> the case's attributes
        cases_element = child(self.root, "Cases")
        for case in children(cases_element, "Case") if cases_element is not None else []:
            name = (case.get("name") or "").strip()
            values = {}
            for value in children(case, "VariableValue"):
                variable_ref = child(value, "VariableRef")
                variable = (
                    variables.get(normalised(variable_ref.get("targetGUID", ""))) if variable_ref is not None else None
                )
                given = _value(value)
                if variable and given:
                    values[variable] = given
            for ref in children(case, "SourceRef"):
                if name:
                    cases[normalised(ref.get("targetGUID", ""))].append(name)
                for key, given in values.items():
                    case_values[normalised(ref.get("targetGUID", ""))].setdefault(key, given)
        found = child(self.root, "Sources")
        result = []
        used: set[str] = set()
        for element in list(found) if found is not None else []:
            kind = local(element.tag)
            label = _source_label(element)
            if kind in _UNSUPPORTED_SOURCES:
                self.report.left_out.append(f"{kind} '{label}': qualcode reads text sources only")
                continue
            source = self.source(element, kind, label, used)
            if source is None:
                continue
            for value in children(element, "VariableValue"):
                variable_ref = child(value, "VariableRef")
                variable = (
                    variables.get(normalised(variable_ref.get("targetGUID", ""))) if variable_ref is not None else None
                )
                given = _value(value)
                if variable and given is not None and given != "":
                    source.attributes[variable] = given
            guid = normalised(element.get("guid", ""))
            for key, given in case_values.get(guid, {}).items():
                source.attributes.setdefault(key, given)  # the case's attributes, unless the source has its own
            if cases.get(guid):
                source.attributes.setdefault("case", cases[guid][0])
                if len(cases[guid]) > 1:
                    first = cases[guid][0]
                    self.report.left_out.append(
                        f"source '{label}' belongs to {len(cases[guid])} cases; qualcode keeps the first, '{first}'"
                    )
            result.append(source)
        return result

    def source(self, element: Element, kind: str, label: str, used: set[str]) -> _Source | None:
        if kind == "PDFSource":
            data = self.files.read(element.get("path", "") or element.get("currentPath", ""))
            if data is None:
                self.report.left_out.append(f"PDF source '{label}': its file is not in the archive")
                return None
            if list(walk(element, "PDFSelection")):
                self.report.left_out.append(
                    f"PDF source '{label}': its selections are page areas, which qualcode cannot place"
                )
            return _Source(_transcript_name(label, used), "", {}, [], ".pdf", data)
        plain = element.get("plainTextPath")
        stored: str | None = None
        if plain:
            data = self.files.read(plain)
            if data is not None:
                stored = _decode(data)
        if stored is None and child(element, "PlainTextContent") is not None:
            stored = text_of(element, "PlainTextContent")
        if stored is None and element.get("richTextPath", "").lower().endswith(".docx"):
            data = self.files.read(element.get("richTextPath", ""))
            if data is not None:
                if list(walk(element, "PlainTextSelection")):
                    self.report.left_out.append(
                        f"source '{label}': its selections count characters of a plain text that is not in the "
                        "archive; the Word file is read without them"
                    )
                return _Source(_transcript_name(label, used), "", {}, [], ".docx", data)
        if stored is None:
            self.report.left_out.append(f"source '{label}': its text ({plain or 'no path'}) is not in the archive")
            return None
        text, positions = _map_offsets(stored)
        selections = []
        for selection in children(element, "PlainTextSelection"):
            try:
                start, end = int(selection.get("startPosition", "")), int(selection.get("endPosition", ""))
            except ValueError:
                self.report.left_out.append(f"a selection of '{label}' has no usable start and end")
                continue
            if not 0 <= start < end:
                self.report.left_out.append(f"a selection of '{label}' runs from {start} to {end}; left out")
                continue
            if end > len(stored):
                self.report.past_end += 1
                self.report.left_out.append(
                    f"a selection of '{label}' ends at {end}, past the end of its text ({len(stored)}); cut there"
                )
                end = len(stored)
                if start >= end:
                    continue
            owner = self.user(selection.get("creatingUser"))
            codes: list[tuple[str, str, str]] = []
            memos: dict[str, list[str]] = defaultdict(list)
            for coding in children(selection, "Coding"):
                ref = child(coding, "CodeRef")
                code = self.codes.get(normalised(ref.get("targetGUID", ""))) if ref is not None else None
                if code is None:
                    self.report.left_out.append(f"a coding in '{label}' refers to a code that is not in the codebook")
                    continue
                who = self.user(coding.get("creatingUser")) if coding.get("creatingUser") else owner
                codes.append((code, who, coding.get("creationDateTime", "")))
                memos[code] += self.note_text(coding)
            selections.append(
                _Selection(
                    positions[start],
                    positions[end],
                    owner,
                    codes,
                    memos,
                    self.note_text(selection),
                    selection.get("guid", ""),
                )
            )
        if children(element, "Coding"):
            self.report.left_out.append(f"source '{label}': codings of the whole source are not carried over")
        return _Source(_transcript_name(label, used), text, {}, selections)


def _source_label(element: Element) -> str:
    """A source's name, else its file's name without the extension, else its GUID."""
    name = (element.get("name") or "").strip()
    if name:
        return name
    for attribute in ("plainTextPath", "richTextPath", "path", "currentPath"):
        file_name = source_name(element.get(attribute) or "")
        if file_name:
            return PurePosixPath(file_name).stem
    return element.get("guid") or "unnamed source"


class _Files:
    """Source files of a project: members of the archive, or files beside a ``.qde``."""

    def __init__(self, archive: Archive | None, folder: Path | None):
        self.archive = archive
        self.folder = folder

    def read(self, path: str) -> bytes | None:
        if self.archive is not None:
            member = self.archive.source_member(path)
            return self.archive.read(member) if member is not None else None
        name = source_name(path)
        if name is None or self.folder is None:
            return None
        for folder in (self.folder / "sources", self.folder / "Sources", self.folder):
            candidate = folder / name
            if candidate.is_file() and candidate.resolve().is_relative_to(self.folder.resolve()):
                return candidate.read_bytes()
        return None


# ------------------------------------------------------------------------------------------------
# Writing the new project
# ------------------------------------------------------------------------------------------------


def _open(path: Path, display: str) -> tuple[Element, _Files]:
    if not path.is_file():
        raise ImportFileError(f"{display}: file not found")
    if path.suffix.lower() == ".qde":
        return parse(path.read_bytes(), display), _Files(None, path.parent)
    archive = open_archive(path, display)
    member = archive.project_member()
    return parse(archive.read(member), f"{display}:{member}"), _Files(archive, None)


def _target_ready(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise PathError(f"{target} already exists and is not an empty folder; choose a new folder for the project")
    if not target.parent.is_dir():
        raise PathError(f"{target.parent} does not exist; create it first or choose another folder")


def _config(settings: dict[str, object], codebook_file: str) -> str:
    data: dict[str, object] = {"codebook": codebook_file, "transcripts": "transcripts"}
    data["segment_by"] = settings.get("segment_by", "paragraph")
    for key in ("case_attribute", "language", "speakers_to_skip", "speaker_aliases"):
        if key in settings:
            data[key] = settings[key]
    text = "# Imported from a REFI-QDA project; see README.md, 'qualcode.yaml'.\n" + yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True
    )
    parse_config(text)  # what is written must be a valid config
    return text


def _attributes_csv(sources: list[_Source]) -> str | None:
    names = sorted({k for s in sources for k in s.attributes})
    if not names:
        return None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["transcript", *names])
    for source in sources:
        writer.writerow([source.name, *(source.attributes.get(n, "") for n in names)])
    return buffer.getvalue()


def _memo_file(note: Element, reader: _Reader) -> tuple[str, str]:
    users = reader.users
    title = (note.get("name") or "Imported note").strip()
    text = text_of(note, "PlainTextContent").strip() or text_of(note, "Description").strip()
    if not text and note.get("plainTextPath"):  # NVivo keeps a note's text in a file of its own
        data = reader.files.read(note.get("plainTextPath", ""))
        text = _decode(data).strip() if data is not None else ""
    if text.startswith("---\n"):
        return slug(title), text + "\n"
    author = users.get(normalised(note.get("creatingUser", "")), "")
    date = (note.get("creationDateTime") or "")[:10]
    front = yaml.safe_dump(
        {"title": title, "author": author, "date": date, "codes": []},
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
    )
    return slug(title), f"---\n{front}---\n\n{text}\n"


def import_qdpx(path: Path, display: str, target: Path) -> ImportReport:
    """Create a qualcode project in ``target`` (new, or an empty folder) from the REFI-QDA project."""
    _target_ready(target)
    root, files = _open(path, display)
    if local(root.tag) != "Project":
        raise ImportFileError(f"{display}: the XML is a <{local(root.tag)}>, not a REFI-QDA Project")
    report = ImportReport(origin=(root.get("origin") or "").strip())
    codes = read_codes(root)
    name = (root.get("name") or "").strip() or path.stem
    guid_to_id: dict[str, str] = {}
    book, report.codebook_notes = to_codebook(codes, name, guid_ids=guid_to_id)
    reader = _Reader(root, display, files, guid_to_id, report)
    sources = reader.sources()
    settings = _settings(root)
    book.name = str(settings.get("codebook_name") or book.name)
    book.version = str(settings.get("codebook_version") or "")
    book.description = str(settings.get("codebook_description") or "")
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.import-", dir=target.parent))
    try:
        _build(work, book, sources, settings, reader, report)
        if target.exists():
            target.rmdir()
        os.rename(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return report


def _build(
    work: Path,
    book: Codebook,
    sources: list[_Source],
    settings: dict[str, object],
    reader: _Reader,
    report: ImportReport,
) -> None:
    codebook_file = f"codebooks/{slug(book.name)}.yaml"
    (work / "codebooks").mkdir()
    (work / "transcripts").mkdir()
    (work / "codings").mkdir()
    (work / "memos").mkdir()
    (work / "reports").mkdir()
    if book.codes:
        (work / codebook_file).write_text(
            codebook_yaml(book, [f"Imported from a REFI-QDA project ({report.origin or 'unknown tool'})."]),
            encoding="utf-8",
        )
    else:
        (work / codebook_file).write_text(
            "# The imported project had no codes.\nname: Imported codebook\ncodes:\n  - id: unsorted\n"
            "    label: Unsorted\n",
            encoding="utf-8",
        )
    (work / CONFIG_FILE).write_text(_config(settings, codebook_file), encoding="utf-8")
    for source in sources:
        destination = work / "transcripts" / f"{source.name}{source.suffix}"
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(source.raw if source.raw is not None else source.text.encode("utf-8"))
        if source.raw is None and source.text.startswith("---\n"):
            report.left_out.append(f"source '{source.name}' starts with '---': qualcode reads it as front matter")
    table = _attributes_csv(sources)
    if table:
        (work / "transcripts" / "attributes.csv").write_text(table, encoding="utf-8")
    project = Project(work.resolve(), parse_config((work / CONFIG_FILE).read_text(encoding="utf-8")))
    warnings: list[str] = []
    corpus = load_corpus(project, warnings.append)
    corpus.require_complete()
    report.transcripts = len(corpus.transcripts)
    report.codes = sum(1 for _ in book.walk())
    store = CodingStore(project.codings_dir, project.display)
    per_user: dict[str, list[Coding]] = defaultdict(list)
    notes: dict[str, list[Note]] = defaultdict(list)
    for source in sources:
        if source.raw is not None:
            continue
        transcript = corpus.by_id.get(source.name)
        if transcript is None:
            continue
        segments = corpus.segments_by_transcript[transcript.id]
        for selection in source.selections:
            report.selections += 1
            hit = segments_overlapping(segments, selection.start, selection.end)
            if not hit:
                report.left_out.append(f"a selection of '{source.name}' covers no segment (only blank text)")
                continue
            if (hit[0].start, hit[-1].end) != (selection.start, selection.end):
                report.off_boundary += 1
            selected = transcript.text[selection.start : selection.end]
            for segment in hit:
                anchor = anchor_for(segment, transcript.text)
                if selected.strip() != segment.text.strip():
                    anchor = Anchor(anchor.quote, anchor.before, anchor.after, selected)
                for code, user, stamp in selection.codes:
                    memo = "\n\n".join(selection.memos.get(code, []))
                    per_user[user].append(
                        Coding(transcript.id, segment.id, code, user, "import", stamp or now(), memo, anchor)
                    )
                for text in selection.notes:
                    notes[selection.user].append(Note(transcript.id, segment.id, selection.user, text, now(), anchor))
    for user in sorted(set(per_user) | set(notes)):
        with store.transaction(user) as current:
            for coding in per_user[user]:
                if coding.key not in current.codings:
                    current.codings[coding.key] = coding
            current.notes.extend(notes[user])
            current.record("import", file="REFI-QDA project", added=len(current.codings))
        report.codings += len({c.key for c in per_user[user]})
        report.notes += len(notes[user])
    report.users = sorted(set(per_user) | set(notes))
    names: Counter[str] = Counter()
    for guid, note in reader.notes.items():
        if guid in reader.used_notes:
            continue
        stem, text = _memo_file(note, reader)
        names[stem] += 1
        file_name = f"{stem}.md" if names[stem] == 1 else f"{stem}-{names[stem]}.md"
        (work / "memos" / file_name).write_text(text, encoding="utf-8")
        report.memos += 1
    for kind in ("Links", "Graphs"):
        found = child(reader.root, kind)
        if found is not None and len(found):
            report.left_out.append(f"{len(found)} {kind.lower()[:-1]}(s): qualcode has no {kind.lower()}")
    sets = child(reader.root, "Sets")
    if sets is not None and any(children(s, "MemberSource") for s in children(sets, "Set")):
        report.left_out.append("sets of sources: qualcode groups transcripts by attributes instead")
