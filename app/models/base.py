"""The class every model derives from.

Flask-SQLAlchemy builds ``db.Model`` at run time (our ``Base`` plus its query and table-name
helpers), which a type checker cannot follow; it is ``Base`` for the checker and ``db.Model`` at run
time, so both see a declarative model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..extensions import db

if TYPE_CHECKING:
    from ..extensions import Base as Model
else:
    Model = db.Model

__all__ = ["Model"]
