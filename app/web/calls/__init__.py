"""Calls for applications (申报批次): the province opens them; everyone sees the open ones."""

from flask import Blueprint

bp = Blueprint("calls", __name__, url_prefix="/calls")

from . import views  # noqa: E402,F401
