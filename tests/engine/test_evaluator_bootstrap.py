"""The evaluator process loads the scripting modules and nothing of the server around them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.engine.scripting import evaluator_pool

# Instead of serving: the modules loaded, and which of the app's packages ran their __init__.py.
PROBE = """
import json
print(json.dumps({
    "modules": sorted(sys.modules),
    "initialised": [
        name for name in ("app", "app.engine", "app.engine.scripting") if sys.modules[name].__doc__
    ],
}))
"""


def test_the_evaluator_process_loads_the_scripting_modules_only() -> None:
    """Started as the pool starts it (no site-packages), but reporting its modules instead of serving."""
    bootstrap = evaluator_pool._BOOTSTRAP
    assert bootstrap.endswith("\nmain()\n")
    probe = bootstrap.removesuffix("main()\n") + PROBE
    scripting_dir = str(Path(evaluator_pool.__file__).resolve().parent)
    result = subprocess.run(
        [sys.executable, "-S", "-s", "-P", "-c", probe, scripting_dir],
        capture_output=True,
        text=True,
        env={"PYTHONHASHSEED": "0"},
        check=True,
    )
    loaded = json.loads(result.stdout)
    modules = loaded["modules"]
    assert [m for m in modules if m == "app" or m.startswith("app.")] == [
        "app",
        "app.engine",
        "app.engine.errors",
        "app.engine.scripting",
        "app.engine.scripting.evaluator_child",
        "app.engine.scripting.evaluator_wire",
        "app.engine.scripting.sandbox",
        "app.engine.scripting.sandbox_guards",
        "app.engine.scripting.sandbox_limits",
        "app.engine.scripting.script_functions",
    ]
    assert not [m for m in modules if m.split(".")[0] in {"flask", "SpiffWorkflow", "sqlalchemy"}]
    assert loaded["initialised"] == [], "app/__init__.py imports Flask, app/engine/__init__.py SpiffWorkflow"
