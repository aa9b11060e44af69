"""Applications: the list in my scope, one application's page and its diagrams."""

from flask import Blueprint

bp = Blueprint("instances", __name__, url_prefix="/applications")

from . import views  # noqa: E402,F401
