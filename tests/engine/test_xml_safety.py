"""Uploaded BPMN is untrusted: no DTDs, no entities, bounded size, nothing leaked."""

from __future__ import annotations

import pytest

from app.engine import DiagramError, ProcessDefinition, parse_bpmn_xml
from app.engine.xml_safety import MAX_BPMN_BYTES
from tests.engine.builders import fixture_bytes

XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE definitions [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x">
  <bpmn:process id="p" name="&xxe;" isExecutable="true">
    <bpmn:startEvent id="Start" name="&xxe;"/>
  </bpmn:process>
</bpmn:definitions>
"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x">
  <bpmn:process id="p" name="&lol9;" isExecutable="true"/>
</bpmn:definitions>
"""


def _passwd_markers() -> list[str]:
    try:
        with open("/etc/passwd") as handle:
            first = handle.readline().strip()
    except OSError:
        first = ""
    return [marker for marker in ("root:x:0:0", first) if marker]


@pytest.mark.parametrize("content", [XXE, BILLION_LAUGHS], ids=["xxe", "billion-laughs"])
def test_dtd_payloads_are_refused_without_leaking(content: bytes) -> None:
    with pytest.raises(DiagramError) as caught:
        ProcessDefinition.from_files({"evil.bpmn": content}, "p")
    text = str(caught.value) + repr(caught.value.__cause__)
    assert "DOCTYPE" in caught.value.message
    for marker in _passwd_markers():
        assert marker not in text


def test_xxe_hidden_in_utf16_is_still_refused() -> None:
    content = XXE.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16")
    with pytest.raises(DiagramError) as caught:
        parse_bpmn_xml(content, "evil16.bpmn")
    for marker in _passwd_markers():
        assert marker not in str(caught.value)


def test_doctype_hidden_in_utf16_is_refused_after_parsing() -> None:
    plain = b'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE definitions><definitions/>'
    with pytest.raises(DiagramError, match="DOCTYPE"):
        parse_bpmn_xml(plain.decode().encode("utf-16"), "doctype16.bpmn")


def test_oversized_file_is_refused_before_parsing() -> None:
    padding = b"<!-- " + b"x" * MAX_BPMN_BYTES + b" -->"
    with pytest.raises(DiagramError, match="larger than"):
        parse_bpmn_xml(fixture_bytes("sub.bpmn") + padding, "big.bpmn")


def test_plain_diagram_parses_to_its_root_element() -> None:
    root = parse_bpmn_xml(fixture_bytes("sub.bpmn"), "sub.bpmn")
    assert root.tag == "{http://www.omg.org/spec/BPMN/20100524/MODEL}definitions"
