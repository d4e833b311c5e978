"""Codebooks in REFI-QDA: ``<CodeBook>`` / ``<Codes>`` / ``<Code>`` to and from qualcode's model.

**Export.** Every code becomes a ``Code`` with its label as ``name``, its colour as ``#RRGGBB``, a
GUID that stays the same across exports (:mod:`qualcode.interop.refi.guids`), ``isCodable="true"``,
children nested, and one readable ``Description``: the definition, then ``Include:``,
``Exclude:``, ``Examples:``, ``Keywords:``, ``Related words:``, ``Exclude keywords:``, ``Patterns:`` and
``Exclusive:`` paragraphs, and a last ``qualcode id:`` paragraph so that an export imported again
gives the same codebook.

**Import.** The hierarchy is kept; ids are derived from names (lower case, ``_``, made unique)
unless the description carries a ``qualcode id:``; labels are the names; the description's
paragraphs go back to their fields; ``isCodable="false"`` codes are kept as grouping codes (said
in their definition); ATLAS.ti's flat ``parent::child`` names are nested; code groups (``Sets``)
are noted in their members' definitions; colours in other spellings (``#abc``, lower case) are
normalised, and unusable ones dropped with a note. GUIDs are kept as ``guid:``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, SubElement, indent, register_namespace, tostring

from qualcode.codebook.model import ID_PATTERN, Code, Codebook, normalise_color
from qualcode.errors import ImportFileError
from qualcode.interop.refi.archive import open_archive
from qualcode.interop.refi.guids import derived
from qualcode.interop.refi.safexml import (
    CODEBOOK_NS,
    KNOWN_NAMESPACES,
    PROJECT_NS,
    child,
    children,
    local,
    namespace,
    parse,
    text_of,
)

_SECTIONS = {
    "include:": "include",
    "exclude:": "exclude",
    "examples:": "examples",
    "keywords:": "keywords",
    "exclude keywords:": "exclude_keywords",
    "related words:": "related_words",
    "patterns:": "patterns",
    "exclusive:": "exclusive",
    "code groups:": "groups",
    "qualcode id:": "id",
}
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
GROUPING_NOTE = "Grouping code in the source project (it was not used for coding there)."


# ------------------------------------------------------------------------------------------------
# Export
# ------------------------------------------------------------------------------------------------


def code_guid(code: Code) -> str:
    """The code's GUID: its ``guid:`` when the YAML has one, else derived from its id."""
    return code.guid.upper() if code.guid else derived("code", code.id)


def _list(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False) if any(";" in v for v in values) else "; ".join(values)


def description_of(code: Code) -> str:
    """The code's fields as one readable description (see the module docstring)."""
    parts = [code.definition] if code.definition else []
    if code.include:
        parts.append(f"Include: {code.include}")
    if code.exclude:
        parts.append(f"Exclude: {code.exclude}")
    if code.examples:
        parts.append("Examples:\n" + "\n".join(f"- {' '.join(e.split())}" for e in code.examples))
    if code.keywords:
        parts.append(f"Keywords: {_list(code.keywords)}")
    if code.related_words:
        parts.append(f"Related words: {_list(code.related_words)}")
    if code.exclude_keywords:
        parts.append(f"Exclude keywords: {_list(code.exclude_keywords)}")
    if code.patterns:
        parts.append(f"Patterns: {json.dumps(code.patterns, ensure_ascii=False)}")
    if code.exclusive:
        parts.append("Exclusive: yes")
    parts.append(f"qualcode id: {code.id}")
    return "\n\n".join(parts)


def add_codes(parent: Element, book: Codebook, ns: str) -> None:
    """``<Codes>`` with every code of ``book`` under ``parent`` (a CodeBook element)."""
    codes = SubElement(parent, f"{{{ns}}}Codes")

    def add(into: Element, code: Code) -> None:
        attributes = {"guid": code_guid(code), "name": code.name, "isCodable": "true"}
        if code.color:
            attributes["color"] = code.color.upper()
        element = SubElement(into, f"{{{ns}}}Code", attributes)
        SubElement(element, f"{{{ns}}}Description").text = description_of(code)
        for sub in code.children:
            add(element, sub)

    for code in book.codes:
        add(codes, code)


# ------------------------------------------------------------------------------------------------
# Import
# ------------------------------------------------------------------------------------------------


@dataclass
class ForeignCode:
    """A ``<Code>`` as another tool wrote it."""

    guid: str
    name: str
    description: str = ""
    color: str | None = None
    codable: bool = True
    children: list[ForeignCode] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)


def read_codes(codebook: Element) -> list[ForeignCode]:
    """The codes under a ``<CodeBook>`` (or a ``<Project>``'s CodeBook), with their code groups."""
    if local(codebook.tag) == "Project":
        found = child(codebook, "CodeBook")
        if found is None:
            return []
        codebook = found
    codes_element = child(codebook, "Codes")

    def read(element: Element) -> ForeignCode:
        return ForeignCode(
            guid=element.get("guid", ""),
            name=(element.get("name") or "").strip() or "unnamed code",
            description=text_of(element, "Description").strip(),
            color=element.get("color"),
            codable=(element.get("isCodable", "true").strip().lower() != "false"),
            children=[read(sub) for sub in children(element, "Code")],
        )

    codes = [read(element) for element in children(codes_element, "Code")] if codes_element is not None else []
    by_guid = {c.guid.strip("{}").upper(): c for c in _walk(codes)}
    sets = child(codebook, "Sets")
    for group in children(sets, "Set") if sets is not None else []:
        label = (group.get("name") or "").strip()
        about = text_of(group, "Description").strip()
        for member in children(group, "MemberCode"):
            target = by_guid.get((member.get("guid") or member.get("targetGUID") or "").strip("{}").upper())
            if target is not None and label:
                target.groups.append(f"{label} ({about})" if about else label)
    return codes


def _walk(codes: list[ForeignCode]) -> list[ForeignCode]:
    out = []
    for code in codes:
        out.append(code)
        out += _walk(code.children)
    return out


def _nest_flat_names(codes: list[ForeignCode]) -> list[ForeignCode]:
    """ATLAS.ti's ``Coke::diet Coke`` siblings become ``diet Coke`` under ``Coke`` (made when missing)."""
    result: list[ForeignCode] = []
    by_name: dict[str, ForeignCode] = {}
    for code in codes:
        code.children = _nest_flat_names(code.children)
        if "::" not in code.name:
            result.append(code)
            by_name.setdefault(code.name, code)
    for code in codes:
        if "::" not in code.name:
            continue
        path = [part.strip() for part in code.name.split("::") if part.strip()]
        if len(path) < 2:
            code.name = code.name.replace("::", "").strip() or code.name
            result.append(code)
            continue
        siblings, names = result, by_name
        for part in path[:-1]:
            parent = names.get(part)
            if parent is None:
                parent = ForeignCode(guid="", name=part, codable=False)
                siblings.append(parent)
                names[part] = parent
            siblings = parent.children
            names = {c.name: c for c in siblings}
        code.name = path[-1]
        siblings.append(code)
    return result


def slug(name: str) -> str:
    """An id from a name: ASCII, lower case, ``_`` for everything else (``Éducation spéciale`` ->
    ``education_speciale``); ``code`` when nothing is left."""
    ascii_name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    text = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    return text or "code"


def _sections(description: str) -> dict[str, str]:
    """A description's paragraphs split back into the fields :func:`description_of` wrote."""
    fields: dict[str, str] = {}
    current = "definition"
    for paragraph in re.split(r"\n[ \t]*\n", description.strip()):
        head = paragraph.lstrip()
        key = next((k for k in _SECTIONS if head.lower().startswith(k)), None)
        if key is not None:
            current = _SECTIONS[key]
            value = head[len(key) :].strip()
        else:
            value = paragraph.strip()
        fields[current] = f"{fields[current]}\n\n{value}".strip() if current in fields else value
    return fields


def _values(text: str) -> list[str]:
    text = text.strip()
    if text.startswith("["):
        try:
            loaded = json.loads(text)
        except ValueError:
            loaded = None
        if isinstance(loaded, list) and all(isinstance(v, str) for v in loaded):
            return loaded
    return [v.strip() for v in text.split(";") if v.strip()]


def _examples(text: str) -> list[str]:
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return [line[2:].strip() if line.startswith("- ") else line for line in lines]


def to_codebook(
    codes: list[ForeignCode], name: str, display: str = "", guid_ids: dict[str, str] | None = None
) -> tuple[Codebook, list[str]]:
    """qualcode's Codebook from another tool's codes, and notes on what changed on the way.

    ``guid_ids``, when given, is filled with each code's GUID (upper case, no braces) -> its id.
    """
    notes: list[str] = []
    codes = _nest_flat_names(codes)
    wanted_ids: Counter[str] = Counter()
    for code in _walk(codes):
        own = _sections(code.description).get("id", "").strip()
        if ID_PATTERN.match(own):
            wanted_ids[own] += 1
    used: set[str] = set()
    renamed: list[str] = []
    sub_colours: list[str] = []
    guids: set[str] = set()

    def convert(foreign: ForeignCode, parent: str | None) -> Code:
        fields = _sections(foreign.description)
        own = fields.get("id", "").strip()
        base = own if ID_PATTERN.match(own) and wanted_ids[own] == 1 else slug(foreign.name)
        code_id, n = base, 1
        while code_id in used:
            n += 1
            code_id = f"{base}_{n}"
        if code_id != base:
            renamed.append(f"'{foreign.name}' is {code_id}")
        used.add(code_id)
        if guid_ids is not None and foreign.guid.strip():
            guid_ids[foreign.guid.strip().strip("{}").upper()] = code_id
        definition = fields.get("definition", "")
        extra = []
        if not foreign.codable:
            extra.append(GROUPING_NOTE)
        if foreign.groups:
            extra.append("Code groups: " + "; ".join(foreign.groups))
        if extra and GROUPING_NOTE not in definition:
            definition = "\n\n".join([p for p in [definition, *extra] if p])
        color = None
        if foreign.color:
            color = normalise_color(foreign.color.strip())
            if color is None:
                notes.append(f"code '{foreign.name}': colour '{foreign.color}' is not #rgb or #rrggbb; dropped")
            elif parent is not None:  # a codebook colours top-level codes only (README, "The codebook")
                sub_colours.append(foreign.name)
                color = None
        patterns: Any = []
        if fields.get("patterns"):
            try:
                patterns = json.loads(fields["patterns"])
            except ValueError:
                notes.append(f"code '{foreign.name}': its Patterns paragraph is not JSON; kept in the definition")
                definition = f"{definition}\n\nPatterns: {fields['patterns']}".strip()
        guid: str | None = foreign.guid.strip().strip("{}").lower() or None
        if guid is not None and (not _GUID.match(guid) or guid in guids):
            notes.append(
                f"code '{foreign.name}': guid '{foreign.guid}' is not a GUID or is used twice; a new one is derived"
            )
            guid = None
        if guid is not None and guid == derived("code", code_id).lower():
            guid = None  # qualcode's own derived GUID: implied by the id, not worth a YAML line
        if guid is not None:
            guids.add(guid)
        code = Code(
            id=code_id,
            label=foreign.name,
            definition=definition,
            include=fields.get("include", ""),
            exclude=fields.get("exclude", ""),
            examples=_examples(fields.get("examples", "")),
            keywords=_values(fields.get("keywords", "")),
            exclude_keywords=_values(fields.get("exclude_keywords", "")),
            related_words=_values(fields.get("related_words", "")),
            patterns=patterns if isinstance(patterns, list) else [],
            exclusive=fields.get("exclusive", "").strip().lower() in ("yes", "true"),
            color=color,
            guid=guid,
            parent=parent,
        )
        code.children = [convert(sub, code_id) for sub in foreign.children]
        if code.exclusive and not code.children:
            code.exclusive = False
        return code

    converted = [convert(code, None) for code in codes]
    if sub_colours:
        shown = ", ".join(f"'{n}'" for n in sub_colours[:5]) + (
            f" and {len(sub_colours) - 5} more" if len(sub_colours) > 5 else ""
        )
        notes.append(
            f"the colours of {len(sub_colours)} sub-code(s) were dropped ({shown}): "
            "sub-codes are drawn in their top-level code's colour"
        )
    if renamed:
        shown = ", ".join(renamed[:10]) + (f" and {len(renamed) - 10} more" if len(renamed) > 10 else "")
        notes.append(f"{len(renamed)} code(s) share a name with another code and got distinct ids: {shown}")
    return Codebook(name=name, version="", description="", codes=converted, display=display), notes


# ------------------------------------------------------------------------------------------------
# Files
# ------------------------------------------------------------------------------------------------


def qdc_bytes(book: Codebook, origin: str) -> bytes:
    """A QDC codebook file (``urn:QDA-XML:codebook:1.0``), UTF-8 with an XML declaration."""
    root = Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": origin})
    add_codes(root, book, CODEBOOK_NS)
    return serialise(root, CODEBOOK_NS)


def serialise(root: Element, ns: str) -> bytes:
    """``root`` as UTF-8 XML with ``ns`` as the default namespace, indented."""
    register_namespace("", ns)
    indent(root, space="  ")
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + tostring(root, encoding="utf-8") + b"\n"


def read_codebook_file(path: Path, display: str) -> tuple[Codebook, list[str]]:
    """The codebook of a ``.qdc``, or of the project in a ``.qde`` or ``.qdpx`` (and notes)."""
    if not path.is_file():
        raise ImportFileError(f"{display}: file not found")
    suffix = path.suffix.lower()
    if suffix == ".qdpx":
        archive = open_archive(path, display)
        member = archive.project_member()
        root = parse(archive.read(member), f"{display}:{member}")
    else:
        root = parse(path.read_bytes(), display)
    kind = local(root.tag)
    if kind not in ("CodeBook", "Project"):
        raise ImportFileError(f"{display}: the XML is a <{kind}>, not a REFI-QDA CodeBook or Project")
    notes = []
    ns = namespace(root.tag)
    if ns not in KNOWN_NAMESPACES:
        notes.append(f"the file's namespace '{ns}' is not a REFI-QDA one; read as if it were")
    elif ns not in (CODEBOOK_NS, PROJECT_NS, ""):
        notes.append(f"the file uses the namespace '{ns}' (an older or tool-specific spelling); read as 1.0")
    codes = read_codes(root)
    if not codes:
        raise ImportFileError(f"{display}: the file holds no codes")
    name = (root.get("name") or "").strip() or f"Imported from {path.name}"
    book, more = to_codebook(codes, name, display)
    origin = (root.get("origin") or "").strip()
    if origin:
        book.description = f"Imported from {path.name} ({origin})."
    return book, notes + more
