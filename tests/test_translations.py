"""Chinese first: every user-facing msgid in the code and templates has a Chinese translation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_msgid_is_translated_to_chinese():
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "i18n_merge.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
