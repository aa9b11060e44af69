"""The form layer: forms are data (JSON Schema 2020-12 + display hints in ``forms/*.json``),
rendered by the server as HTML, decoded from POSTs and validated here.

- :mod:`definition`  loading and checking a form file (``load_form``, ``FormDefinition``, ``Field``)
- :mod:`decoding`    HTML POST -> typed data (``decode_submission``)
- :mod:`validation`  schema errors + named checks -> ``FieldError`` list (``validate_submission``)
- :mod:`normalising` the text rules every entry shares (outer spaces, blanks, empty rows)
- :mod:`storable`    text the system can encode, draft size caps (``draft_problems``, ``readable``)
- :mod:`messages`    user-facing wording of JSON Schema errors
- :mod:`checks`      the registry of named checks (rules R1-R3 and their constants)
- :mod:`rendering`   view models + Jinja templates in ``templates/forms/`` (``render_form``)
"""

from app.forms.checks import (
    CHECKS,
    GUIDING_COMMITTEES,
    MAX_PERIOD_MONTHS,
    PLAN_DOCUMENT,
    PLAN_MIN_CHARS,
    PLAN_SECTIONS,
    count_characters,
    count_plan_characters,
    document_minimum,
    period_months,
)
from app.forms.decoding import decode_submission, settle_submission
from app.forms.definition import Field, FormDefinition, load_form
from app.forms.errors import FieldError, FormDefinitionError
from app.forms.rendering import render_form
from app.forms.storable import (
    DRAFT_FIELD_MAX_BYTES,
    DRAFT_MAX_BYTES,
    draft_problems,
    has_unstorable_character,
    readable,
)
from app.forms.validation import validate_submission
from app.forms.views import PersonChoice

__all__ = [
    "CHECKS",
    "DRAFT_FIELD_MAX_BYTES",
    "DRAFT_MAX_BYTES",
    "GUIDING_COMMITTEES",
    "MAX_PERIOD_MONTHS",
    "PLAN_DOCUMENT",
    "PLAN_MIN_CHARS",
    "PLAN_SECTIONS",
    "Field",
    "FieldError",
    "FormDefinition",
    "FormDefinitionError",
    "PersonChoice",
    "count_characters",
    "count_plan_characters",
    "document_minimum",
    "decode_submission",
    "draft_problems",
    "has_unstorable_character",
    "settle_submission",
    "load_form",
    "period_months",
    "readable",
    "render_form",
    "validate_submission",
]
