#!/usr/bin/env python
"""Refresh the Chinese catalog: extract msgids, keep existing translations, take new ones from files.

Usage: scripts/i18n_merge.py [--check] [TRANSLATIONS.po|TRANSLATIONS.tsv ...]
With --check nothing is written: it only reports untranslated msgids (the test suite runs this).
Each extra file supplies msgid -> Chinese pairs (PO, or TSV "msgid<TAB>translation"). Untranslated
msgids are listed and make the script exit 1, so a missing translation never ships silently.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "app" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def _pairs(path: Path) -> dict:
    if path.suffix == ".tsv":
        rows = (line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines() if "\t" in line)
        return {k: v for k, v in rows}
    with path.open("rb") as fh:
        return {m.id: m.string for m in read_po(fh) if m.id and m.string}


def main(extra: list[str], check: bool = False) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "babel.messages.frontend",
                "extract",
                "-F",
                "babel.cfg",
                "-k",
                "_l",
                "-o",
                str(pot),
                ".",
            ],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with pot.open("rb") as fh:
            template = read_po(fh)
    known: dict = {}
    if CATALOG.exists():
        with CATALOG.open("rb") as fh:
            known.update({m.id: m.string for m in read_po(fh) if m.id and m.string})
    for name in extra:
        known.update(_pairs(Path(name)))
    catalog = Catalog(locale="zh", project="sdzones", fuzzy=False)
    missing = []
    for message in template:
        if not message.id:
            continue
        string = known.get(message.id)
        if string is None:
            missing.append(message.id)
        catalog.add(
            message.id,
            string or ("" if not message.pluralizable else ("",)),
            locations=message.locations,
            flags=message.flags,
        )
    if not check:
        CATALOG.parent.mkdir(parents=True, exist_ok=True)
        with CATALOG.open("wb") as fh:
            write_po(fh, catalog, width=110, omit_header=False)
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main([a for a in args if a != "--check"], check="--check" in args))
