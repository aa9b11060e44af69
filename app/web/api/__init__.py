"""The JSON API (bearer tokens, no cookies), documented at /api/openapi.json."""

from flask import Request
from flask_smorest import Blueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request

from ...untrusted_json import loads_bounded


class BoundedBodyParser(FlaskParser):
    """webargs' parser, reading JSON bodies through loads_bounded (it calls json.loads directly)."""

    def _raw_load_json(self, req: Request):
        if not is_json_request(req):
            return core.missing
        return loads_bounded(req.get_data(cache=True))


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = BoundedBodyParser()


blp = ApiBlueprint("api", __name__, url_prefix="/api", description="Tokens, tasks and applications")

from . import routes  # noqa: E402,F401
