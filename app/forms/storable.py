"""What form data the system can keep: text it can encode, drafts of a bounded size.

JSON lets a client send a lone UTF-16 surrogate (``"\\ud800"``): Python holds it in a ``str`` but
cannot encode it, so it would break the history hash, PostgreSQL and every page that shows it.
A NUL (``"\\u0000"``) is refused by PostgreSQL in any text it compares or stores as such. Text
holding either is refused on every entry (:func:`unstorable_text`, part of validation and of the
draft checks), and what was stored before this rule is shown with U+FFFD instead (:func:`readable`).

Drafts are saved unvalidated, so their size is capped here (:func:`draft_problems`): a text field
at most its schema's ``maxLength``, any field at most ``DRAFT_FIELD_MAX_BYTES`` and the whole
draft at most ``DRAFT_MAX_BYTES`` (UTF-8 JSON). The caps are above anything a valid submission of
our forms holds (four plan sections of 30,000 characters are about 360 KB).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from flask_babel import gettext as _

from app.forms.definition import FormDefinition
from app.forms.errors import FieldError
from app.forms.messages import too_long_message

DRAFT_FIELD_MAX_BYTES = 200 * 1024
DRAFT_MAX_BYTES = 1024 * 1024

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def has_unstorable_character(text: str) -> bool:
    """A NUL or a lone surrogate (in a Python ``str`` every surrogate code point is a lone one)."""
    return _UNSTORABLE.search(text) is not None


def unstorable_text(data: Mapping[str, Any]) -> list[FieldError]:
    """A field error for each field whose text (or key) holds a NUL or a lone surrogate."""
    message = _(
        "This text contains an invalid character (NUL or a lone UTF-16 surrogate); please type it again."
    )
    return [FieldError(path, message) for path in _surrogate_paths(data, ())]


def readable(value: Any) -> Any:
    """``value`` with every NUL and lone surrogate replaced by U+FFFD, so stored data can be shown."""
    if isinstance(value, str):
        return _UNSTORABLE.sub("\ufffd", value)
    if isinstance(value, list):
        return [readable(v) for v in value]
    if isinstance(value, dict):
        return {readable(k): readable(v) for k, v in value.items()}
    return value


def draft_problems(form: FormDefinition, data: Mapping[str, Any]) -> list[FieldError]:
    """Why ``data`` cannot be kept as a draft: unencodable text, a field or the whole too large."""
    problems = unstorable_text(data)
    if problems:
        return problems
    for name, value in data.items():
        field = form.field(name)
        limit = field.schema.get("maxLength") if field else None
        if isinstance(value, str) and isinstance(limit, int) and len(value) > limit:
            problems.append(FieldError(name, too_long_message(limit, len(value))))
        elif _size(value) > DRAFT_FIELD_MAX_BYTES:
            problems.append(
                FieldError(
                    name,
                    _(
                        "This field holds %(size)s KB; a draft keeps at most %(limit)s KB per field.",
                        size=_size(value) // 1024,
                        limit=DRAFT_FIELD_MAX_BYTES // 1024,
                    ),
                )
            )
    if not problems and _size(data) > DRAFT_MAX_BYTES:
        problems.append(
            FieldError(
                "",
                _(
                    "The draft holds %(size)s KB; a draft keeps at most %(limit)s KB.",
                    size=_size(data) // 1024,
                    limit=DRAFT_MAX_BYTES // 1024,
                ),
            )
        )
    return problems


def _size(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, default=str).encode("utf-8"))


def _surrogate_paths(value: Any, path: tuple[str, ...]) -> Iterator[str]:
    if isinstance(value, str):
        if has_unstorable_character(value):
            yield ".".join(path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _surrogate_paths(item, (*path, str(index)))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            key_text = str(key)
            if has_unstorable_character(key_text):
                yield ".".join((*path, readable(key_text)))
            else:
                yield from _surrogate_paths(item, (*path, key_text))
