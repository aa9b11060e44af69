"""The details of a security-log row as labelled lines a person reads (失败次数：5), not raw JSON."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

_KEY_LABELS = {
    "message": _l("Message"),
    "reason": _l("Reason"),
    "limit": _l("Limit"),
    "failures": _l("Failed attempts"),
    "sessions_ended": _l("Sessions ended"),
    "tokens_revoked": _l("API tokens revoked"),
    "what": _l("Exported"),
    "rows": _l("Rows"),
    "bytes": _l("Size (bytes)"),
    "instance_id": _l("Application"),
    "filters": _l("Filters"),
}
_EXPORT_LABELS = {
    "events_xlsx": _l("History events as Excel"),
    "audit_package": _l("Audit package of an application"),
}


def _text(key: str, value: Any) -> str:
    if key == "instance_id":
        return f"#{value}"
    if key == "what" and value in _EXPORT_LABELS:
        return str(_EXPORT_LABELS[value])
    if isinstance(value, dict):
        return "；".join(f"{k} = {_text(k, v)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_text(key, v) for v in value)
    if value is None:
        return ""
    return str(value)


def detail_lines(detail: dict[str, Any] | None) -> list[tuple[str, str]]:
    """(label, text) per recorded detail, in the order recorded; unknown keys keep their name."""
    return [(str(_KEY_LABELS.get(key, key)), _text(key, value)) for key, value in (detail or {}).items()]
