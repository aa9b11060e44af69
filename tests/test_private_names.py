"""A module's ``_private`` names are its own: no other module of the app imports or reaches them.

Names two modules share are public in the one that owns them (e.g. the sandbox's guard names in
``sandbox_limits``), so what a module may change freely is visible at a glance.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def private_names_reached(source: str) -> list[str]:
    """``from <app module> import _name`` and ``<app module>._name`` in `source` (the app imports
    its own modules with ``from``)."""
    tree = ast.parse(source)
    reached, own_modules = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] == "app"):
            reached += [f"{node.module or '.'}.{alias.name}" for alias in node.names if _private(alias.name)]
            own_modules.update(alias.asname or alias.name for alias in node.names)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and _private(node.attr):
            reached += [f"{node.value.id}.{node.attr}"] if node.value.id in own_modules else []
    return reached


@pytest.mark.parametrize("path", sorted(APP.rglob("*.py")), ids=lambda path: str(path.relative_to(APP)))
def test_no_module_reaches_another_modules_private_names(path: Path) -> None:
    assert private_names_reached(path.read_text()) == []


def test_the_check_sees_imported_and_attribute_private_names() -> None:
    source = (
        "from lxml import etree\n"
        "from . import sandbox_limits as limits\n"
        "from .sandbox_guards import _UNTRACED, GUARDS\n"
        "from __future__ import annotations\n"
        "x = limits._POW\n"
        "y = etree._Element\n"
        "z = limits.__name__\n"
    )
    assert private_names_reached(source) == ["sandbox_guards._UNTRACED", "limits._POW"]
