"""Calls for applications (申报批次): the province opens them and publishes their notice; everyone
reads them."""

from flask import Blueprint

bp = Blueprint("calls", __name__, url_prefix="/calls")

from . import notice, views  # noqa: E402,F401
