"""Copy the front-end files the pages use from node_modules into var/vendor (served locally).

Run after `npm ci`. Only the built files are copied, so collectstatic stays small.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
DEST = ROOT / "var" / "vendor"

FILES = {
    "bootstrap/dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
    "bootstrap/dist/css/bootstrap.min.css.map": "bootstrap/bootstrap.min.css.map",
    "bootstrap/dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    "bootstrap/dist/js/bootstrap.bundle.min.js.map": "bootstrap/bootstrap.bundle.min.js.map",
    "bootstrap-icons/font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
    # The icon font; the CSS refers to it as fonts/bootstrap-icons.woff2 (and .woff).
    **{
        f"bootstrap-icons/font/fonts/{name}": f"bootstrap-icons/fonts/{name}"
        for name in ("bootstrap-icons.woff2", "bootstrap-icons.woff")
    },
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "echarts/dist/echarts.min.js": "echarts/echarts.min.js",
    # The portal's rich-text editor (contenteditable; no inline scripts, see portal_editor.js).
    "squire-rte/dist/squire.js": "squire/squire.js",
    "squire-rte/dist/squire.js.map": "squire/squire.js.map",
}


def main() -> int:
    missing = [src for src in FILES if not (NODE / src).exists()]
    if missing:
        print(
            "Missing front-end files (run `npm ci` first):", *missing, sep="\n  ", file=sys.stderr
        )
        return 1
    for src, dst in FILES.items():
        target = DEST / dst
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(NODE / src, target)
    print(f"Copied {len(FILES)} front-end files to {DEST.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
