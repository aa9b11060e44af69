"""The JSON API (bearer tokens, no cookies), documented at /api/openapi.json."""

from flask_smorest import Blueprint

blp = Blueprint("api", __name__, url_prefix="/api", description="Tokens, tasks and applications")

from . import routes  # noqa: E402,F401
