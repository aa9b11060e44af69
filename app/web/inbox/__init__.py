"""The participant's inbox and task pages."""

from flask import Blueprint

bp = Blueprint("inbox", __name__)

from . import claims, delegations, views  # noqa: E402,F401
