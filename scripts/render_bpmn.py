#!/usr/bin/env python3
"""Render a BPMN diagram to PNG with bpmn-js in headless Chromium.

Usage: render_bpmn.py FILE.bpmn OUT.png [--width W] [--height H] [--strict]

bpmn-js is loaded from node_modules (the viewer bundle and its CSS); the page is built with
``page.set_content`` and the scripts are injected from disk, so no network access is needed.
Import warnings are printed to stderr (with --strict they exit with status 2); an import error
exits with status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
BPMN_JS_DIST = ROOT / "node_modules" / "bpmn-js" / "dist"
VIEWER_JS = BPMN_JS_DIST / "bpmn-viewer.production.min.js"
CSS_FILES = [
    BPMN_JS_DIST / "assets" / "diagram-js.css",
    BPMN_JS_DIST / "assets" / "bpmn-js.css",
]
CHROMIUM = "/usr/bin/chromium"
MARGIN = 40  # CSS pixels around the diagram when the page is sized to it
SCALE = 2  # device pixel ratio of the screenshot
WATERMARK = 30  # extra room at the bottom for the bpmn.io logo bpmn-js draws in the corner
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<style>
  html, body { margin: 0; padding: 0; background: #fff; }
  #canvas { width: 100vw; height: 100vh; }
  .djs-container svg text, .djs-label {
    font-family: Arial, "Noto Sans CJK SC", "Noto Sans SC", sans-serif !important;
  }
</style>
</head>
<body><div id="canvas"></div></body>
</html>
"""

IMPORT_JS = """
async (xml) => {
  const viewer = new BpmnJS({ container: '#canvas' });
  window.__viewer = viewer;
  try {
    const result = await viewer.importXML(xml);
    const canvas = viewer.get('canvas');
    canvas.zoom('fit-viewport', 'auto');
    const inner = canvas.viewbox().inner;
    return {
      ok: true,
      inner: { width: inner.width, height: inner.height },
      warnings: (result.warnings || []).map((w) => String(w.message || w)),
    };
  } catch (err) {
    return {
      ok: false,
      error: String(err.message || err),
      warnings: (err.warnings || []).map((w) => String(w.message || w)),
    };
  }
}
"""

FIT_JS = """
() => {
  const canvas = window.__viewer.get('canvas');
  canvas.resized();
  canvas.zoom('fit-viewport', 'auto');
}
"""


def render(bpmn_path: Path, out_path: Path, width: int | None = None, height: int | None = None) -> list[str]:
    """Render ``bpmn_path`` to ``out_path``; return import warnings, raise RuntimeError on error.

    Without ``width``/``height`` the page is sized to the diagram (plus a margin) so that it is drawn
    at 100 % zoom; bpmn-js never zooms in past 100 % when fitting to the viewport.
    """
    missing = [p for p in [VIEWER_JS, *CSS_FILES] if not p.exists()]
    if missing:
        raise RuntimeError("bpmn-js assets missing (run `npm ci`): " + ", ".join(map(str, missing)))
    xml = bpmn_path.read_text(encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(
                viewport={"width": width or 1600, "height": height or 1000}, device_scale_factor=SCALE
            )
            page.set_content(PAGE)
            for css in CSS_FILES:
                page.add_style_tag(path=str(css))
            page.add_script_tag(path=str(VIEWER_JS))
            result = page.evaluate(IMPORT_JS, xml)
            if not result["ok"]:
                detail = json.dumps(result["warnings"], ensure_ascii=False) if result["warnings"] else ""
                message = f"bpmn-js could not import {bpmn_path}: {result['error']} {detail}"
                raise RuntimeError(message.rstrip())
            if width is None or height is None:
                inner = result["inner"]
                page.set_viewport_size(
                    {
                        "width": width or int(inner["width"]) + 2 * MARGIN,
                        "height": height or int(inner["height"]) + 2 * MARGIN + WATERMARK,
                    }
                )
                page.evaluate(FIT_JS)
            page.evaluate("document.fonts.ready")
            out_path.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out_path), full_page=False)
            return list(result["warnings"])
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bpmn", type=Path, help="diagram file (.bpmn)")
    parser.add_argument("out", type=Path, help="output PNG")
    parser.add_argument("--width", type=int, default=None, help="page width (default: fit the diagram)")
    parser.add_argument("--height", type=int, default=None, help="page height (default: fit the diagram)")
    parser.add_argument("--strict", action="store_true", help="exit with status 2 on import warnings")
    args = parser.parse_args(argv)
    try:
        warnings = render(args.bpmn, args.out, args.width, args.height)
    except (OSError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(args.out)
    return 2 if warnings and args.strict else 0


if __name__ == "__main__":
    sys.exit(main())
