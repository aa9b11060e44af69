"""The process owner's workbench: drafts in the modeler, forms, checks, deploys, versions, migration."""

from flask import Blueprint

bp = Blueprint("modeler", __name__, url_prefix="/modeler")

from . import views  # noqa: E402,F401
