"""The web layer and the command line go through the services: read from their imports.

Views translate HTTP to a service call and back. So nothing under ``app/web/`` imports the models,
the engine or the database session at run time (type hints under ``if TYPE_CHECKING:`` may name
the models), and the command-line modules build no queries.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"


def _module_name(path: Path) -> str:
    parts = path.relative_to(APP.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _run_time_nodes(node: ast.AST) -> Iterator[ast.AST]:
    """Every node except those in the body of an ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.If) and _is_type_checking(child):
            for other in child.orelse:
                yield other
                yield from _run_time_nodes(other)
            continue
        yield child
        yield from _run_time_nodes(child)


def imports_of(source: str, package: str) -> set[str]:
    """Dotted names `source` (a module of `package`) imports at run time: ``module`` and
    ``module.name`` of each ``from`` import, relative ones resolved."""
    found = set()
    for node in _run_time_nodes(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def run_time_imports(path: Path) -> set[str]:
    name = _module_name(path)
    return imports_of(path.read_text(), name if path.name == "__init__.py" else name.rpartition(".")[0])


def _reaches(imported: set[str], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(name for name in imported if any(name == f or name.startswith(f + ".") for f in forbidden))


WEB_MODULES = sorted((APP / "web").rglob("*.py"))


@pytest.mark.parametrize("path", WEB_MODULES, ids=lambda path: str(path.relative_to(APP)))
def test_web_imports_neither_models_nor_engine_nor_the_session(path: Path) -> None:
    assert _reaches(run_time_imports(path), ("app.models", "app.engine", "app.extensions.db")) == []


@pytest.mark.parametrize("name", ["cli.py", "audit_cli.py"])
def test_the_command_line_builds_no_queries(name: str) -> None:
    assert _reaches(run_time_imports(APP / name), ("app.models", "sqlalchemy")) == []


def test_the_check_sees_relative_absolute_and_nested_imports_but_not_type_checking_ones() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from ...models import User\n"
        "import app.engine\n"
        "from ...extensions import db, csrf\n"
        "from .. import errors\n"
        "if TYPE_CHECKING:\n"
        "    from ...engine import WorkflowRun\n"
        "else:\n"
        "    from ...scope import can_audit\n"
        "def view():\n"
        "    from ...services.reading import queries\n"
    )
    names = imports_of(source, "app.web.area")
    assert _reaches(names, ("app.models", "app.engine", "app.extensions.db")) == [
        "app.engine",
        "app.extensions.db",
        "app.models",
        "app.models.User",
    ]
    assert {"app.web.errors", "app.scope.can_audit", "app.services.reading.queries"} <= names
    assert "app.engine.WorkflowRun" not in names
