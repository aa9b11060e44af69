"""The layers are checked by a tool, not only by reading: import-linter's contracts in pyproject.toml.

The engine imports nothing of the application; each service package imports only the ones below it;
services, models and forms know nothing of the web, the command line or the demo. (That the web
reaches models, the engine and the session only through services is checked name by name in
``test_web_imports.py``.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
