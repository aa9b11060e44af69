"""Fixtures for the engine adapter: small diagrams that mirror the phase-1 lifecycle."""

from __future__ import annotations

import pytest

from app.engine import Engine, ProcessDefinition
from tests.engine.builders import lifecycle_files


@pytest.fixture(scope="session")
def lifecycle() -> ProcessDefinition:
    return ProcessDefinition.from_files(lifecycle_files(), "main")


@pytest.fixture
def engine(lifecycle: ProcessDefinition) -> Engine:
    return Engine(lifecycle)


@pytest.fixture
def start_data() -> dict:
    return {"deadline": "2026-06-30T23:59:59+08:00", "count": 0, "applicant_name": "历下区"}
