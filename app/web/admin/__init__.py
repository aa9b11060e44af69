"""Administration: users, units and the import of accounts; keeping the system running (incidents)."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import units, users, views  # noqa: E402,F401
