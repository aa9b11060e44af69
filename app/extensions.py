"""Flask extension singletons, bound to the app in create_app()."""

import flask_smorest
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_smorest.spec.plugins import integerconverter2paramschema
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from marshmallow import Schema, fields
from sqlalchemy.orm import DeclarativeBase
from werkzeug.routing import IntegerConverter

from .services.errors import MAX_ID

LARGEST_ID = MAX_ID - 1  # the largest id a URL may name


class Base(DeclarativeBase):
    pass


class ApiErrorItem(Schema):
    field = fields.String(metadata={"description": "dotted path of the field at fault; empty: the whole"})
    message = fields.String()


class ApiError(Schema):
    """The body of every API error response (``web.errors`` builds it)."""

    code = fields.Integer(metadata={"description": "HTTP status code"})
    status = fields.String(metadata={"description": "HTTP status phrase"})
    message = fields.String(metadata={"description": "what went wrong, in the user's language"})
    errors = fields.List(
        fields.Nested(ApiErrorItem), metadata={"description": "one entry per field at fault"}
    )


class Api(flask_smorest.Api):
    """flask-smorest's Api, documenting our error body instead of its own (where errors is an object)."""

    ERROR_SCHEMA = ApiError


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: a number beyond ``LARGEST_ID`` matches no route, so it is a 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
api = Api()
api.register_converter(IdConverter, integerconverter2paramschema)  # documented with its maximum
limiter = Limiter(key_func=get_remote_address)
