"""Hardened XML parsing for uploaded BPMN files.

Diagrams may be uploaded by process owners, so a BPMN file is untrusted input. BPMN never needs a
DTD, hence any DOCTYPE is refused outright: that closes external entities (XXE, e.g. reading
/etc/passwd) and entity expansion bombs (billion laughs) without relying on parser defaults.
The lxml parser is additionally configured never to resolve entities, load DTDs or touch the
network, and the input size is capped.
"""

from __future__ import annotations

import re

from lxml import etree

from .errors import DiagramError

MAX_BPMN_BYTES = 2 * 1024 * 1024

# Quick refusal before parsing; the docinfo check after parsing covers encodings this misses.
_DTD_MARKUP = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


def parse_bpmn_xml(content: bytes, filename: str) -> etree._Element:
    """Parse ``content`` safely and return the root element; raises DiagramError.

    Entities are never resolved, so no message can carry content of a file the XML points at.
    """
    if not isinstance(content, bytes):
        raise DiagramError("BPMN content must be bytes", filename=filename)
    if len(content) > MAX_BPMN_BYTES:
        raise DiagramError(f"{filename}: file is larger than {MAX_BPMN_BYTES} bytes", filename=filename)
    if _DTD_MARKUP.search(content):
        raise DiagramError(f"{filename}: DOCTYPE/ENTITY declarations are not allowed", filename=filename)
    try:
        root = etree.fromstring(content, _parser())
    except etree.XMLSyntaxError as exc:
        detail = (exc.msg or "syntax error")[:200]
        raise DiagramError(f"{filename}: not well-formed XML: {detail}", filename=filename) from None
    if root is None:
        raise DiagramError(f"{filename}: empty document", filename=filename)
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise DiagramError(f"{filename}: DOCTYPE declarations are not allowed", filename=filename)
    return root
