"""Fixtures for the form layer: a bare Flask app with Flask-Babel (default locale zh_CN, the real
templates folder) and the two phase-1 forms.

Messages are asserted on their English msgids: the app points Flask-Babel at an empty translations
folder, so gettext returns the msgid whatever catalogs the repository holds. One test
(test_form_rendering.py) compiles a small zh_CN catalog to prove that the Chinese text does arrive.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import Babel

from app.forms import FormDefinition, load_form

ROOT = Path(__file__).resolve().parents[2]
FORMS_DIR = ROOT / "forms"
TEMPLATES_DIR = ROOT / "app" / "templates"


def make_app(translations_dir: Path) -> Flask:
    app = Flask(__name__, template_folder=str(TEMPLATES_DIR))
    app.config.update(
        TESTING=True,
        BABEL_DEFAULT_LOCALE="zh_CN",
        BABEL_TRANSLATION_DIRECTORIES=str(translations_dir),
    )
    Babel(app)
    return app


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app whose request context is active for the whole test."""
    app = make_app(tmp_path / "no-translations")
    with app.test_request_context():
        yield app


def read_form(name: str) -> FormDefinition:
    return load_form(name, (FORMS_DIR / f"{name}.json").read_bytes())


@pytest.fixture
def form_named():
    """``form_named("declaration")``: a form file of forms/, loaded."""
    return read_form


@pytest.fixture
def declaration(app: Flask) -> FormDefinition:
    return read_form("declaration")


@pytest.fixture
def city_review(app: Flask) -> FormDefinition:
    return read_form("city_review")


def plan_of(length: int) -> dict[str, str]:
    """Four plan sections holding ``length`` non-space characters in all, padded with white space."""
    quarter, rest = divmod(length, 4)
    sizes = [quarter + (1 if i < rest else 0) for i in range(4)]
    sections = ("plan_background", "plan_theme_goals", "plan_measures", "plan_guarantees")
    return {
        name: "\n  ".join(["实验" * (size // 2) + "区" * (size % 2), " \t"])
        for name, size in zip(sections, sizes, strict=True)
    }


def complete_declaration(**changes: Any) -> dict[str, Any]:
    """Declaration data that passes every rule; keyword arguments replace fields (None removes one)."""
    data: dict[str, Any] = {
        "kind": "urban",
        "theme_source": "reference",
        "theme_code": "U15",
        "theme_title": "推进智慧社区建设",
        "period_start": "2026-07",
        "period_end": "2028-06",
        "experts": [
            {"name": "王专家", "committee": "provincial", "title": "教授", "contact": "13800000000"},
        ],
        "department": "历下区民政局",
        "lead_name": "李科长",
        "lead_post": "基层政权建设科科长",
        "lead_office_phone": "0531-86123456",
        "lead_mobile": "13912345678",
        "email": "lxmzj@jinan.gov.cn",
        "zone_summary": "历下区位于济南市中心城区。",
        "experiment_summary": "以智慧社区建设为抓手提升社区治理水平。",
        **plan_of(4000),
    }
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@pytest.fixture
def make_declaration():
    """``make_declaration(**changes)``: complete declaration data, with some fields replaced or removed."""
    return complete_declaration


@pytest.fixture
def make_plan():
    """``make_plan(n)``: the four plan sections holding n non-space characters in all."""
    return plan_of


@pytest.fixture
def zh_app(tmp_path: Path) -> Iterator[Flask]:
    """An app with a real compiled zh_CN catalog (a few messages of /tmp/po/forms.po, copied here)."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="zh_CN")
    catalog.add("This field is required.", "此项为必填项。")
    catalog.add(
        "The experiment plan has %(count)s characters (white space not counted); "
        "it needs at least %(minimum)s.",
        "实验方案目前共 %(count)s 字（不含空白字符），应不少于 %(minimum)s 字。",
    )
    catalog.add(
        ("Please correct %(num)d problem:", "Please correct %(num)d problems:"),
        ("请修改以下 %(num)d 处问题：",),
    )
    catalog.add("Remove", "删除")
    # Babel parses "zh_CN" as zh_Hans_CN, and gettext then looks in zh_Hans_CN/ and zh/, not zh_CN/.
    folder = tmp_path / "translations" / "zh" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "messages.mo", "wb") as mo:
        write_mo(mo, catalog)
    app = make_app(tmp_path / "translations")
    with app.test_request_context():
        yield app
