"""The JSON API (bearer tokens, no cookies), documented at /api/openapi.json."""

from flask import Request, abort
from flask_smorest import Blueprint
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.datastructures import CombinedMultiDict

from ...untrusted_json import loads_bounded


class BoundedBodyParser(FlaskParser):
    """webargs' parser with three changes: JSON bodies are read through loads_bounded (webargs calls
    json.loads directly); a body of another type where JSON is expected is refused (415) rather
    than ignored; and a multipart body's fields and files are read as one (location
    ``form_and_files``), so the OpenAPI document describes the whole body, not only its files."""

    __location_map__ = {"form_and_files": "load_form_and_files", **FlaskParser.__location_map__}

    def load_form_and_files(self, req: Request, schema):
        return self._makeproxy(CombinedMultiDict((req.form, req.files)), schema)

    def _raw_load_json(self, req: Request):
        if not is_json_request(req):
            if req.get_data(cache=True):
                abort(415)  # a body we would otherwise ignore, answering as if none was sent
            return core.missing
        return loads_bounded(req.get_data(cache=True))


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = BoundedBodyParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
        **Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
        "form_and_files": "multipart/form-data",
    }


blp = ApiBlueprint("api", __name__, url_prefix="/api", description="Tokens, tasks and applications")

from . import claim_routes, content_routes, progress_routes, routes  # noqa: E402,F401
