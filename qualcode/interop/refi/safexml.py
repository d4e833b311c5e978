"""XML from other tools, parsed safely and read without caring about namespace spellings.

defusedxml refuses DTDs, entity declarations and external references, so a billion-laughs file
or an XXE trick is an error, never expanded. Element names are compared by their local name:
real files use ``urn:QDA-XML:codebook:1.0``, ATLAS.ti's pre-1.0 ``urn:QDA-XML:codebook:0:4``,
NVivo for Mac's ``urn:QDA-XML:codebook:1:0``, or no namespace at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from qualcode.errors import ImportFileError, Problem

#: The namespaces qualcode writes.
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
KNOWN_NAMESPACES = frozenset(
    [CODEBOOK_NS, PROJECT_NS, "urn:QDA-XML:codebook:0:4", "urn:QDA-XML:codebook:1:0", "urn:QDA-XML:project:1:0", ""]
)


_FORBIDDEN = {
    "DTDForbidden": "a document type (DTD)",
    "EntitiesForbidden": "entities",
    "ExternalReferenceForbidden": "an external reference",
}


def local(tag: str) -> str:
    """``{urn:QDA-XML:codebook:1.0}Code`` -> ``Code``."""
    return tag.rsplit("}", 1)[-1]


def namespace(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def parse(data: bytes, display: str) -> Element:
    """The root element, or an ImportFileError naming the file and line."""
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        what = _FORBIDDEN.get(type(exc).__name__, "something qualcode does not read")
        message = f"refused: the XML declares {what}, which qualcode never expands or follows; export the file again"
        raise ImportFileError(problems=[Problem(display, 0, message)]) from None
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else 0
        raise ImportFileError(
            problems=[Problem(display, line, f"not well-formed XML ({exc}); the file may be cut off, export it again")]
        ) from None


def children(element: Element, name: str) -> list[Element]:
    """Direct children with this local name."""
    return [child for child in element if local(child.tag) == name]


def child(element: Element, name: str) -> Element | None:
    found = children(element, name)
    return found[0] if found else None


def text_of(element: Element, name: str) -> str:
    """The text of the first child called ``name`` ("" when there is none)."""
    found = child(element, name)
    return (found.text or "") if found is not None else ""


def walk(element: Element, name: str) -> Iterator[Element]:
    """Every descendant with this local name, in document order."""
    for node in element.iter():
        if local(node.tag) == name:
            yield node
