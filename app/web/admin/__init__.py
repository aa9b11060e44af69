"""Administration: keeping the system running (incidents; users and units come later)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import views  # noqa: E402,F401
