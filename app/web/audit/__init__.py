"""The auditor's area: chain verification, re-execution and step-through replay of one application."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")

from . import views  # noqa: E402,F401
