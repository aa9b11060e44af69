"""The province's command centre: the programme at a glance (dashboard, map, statistics, heatmap).

Every view here asks `scope.can_see_command_centre` and narrows its figures to what the user may see.
"""

from flask import Blueprint

bp = Blueprint("command", __name__, url_prefix="/command")

from . import county_map, dashboard, heatmap_views, report  # noqa: E402,F401
