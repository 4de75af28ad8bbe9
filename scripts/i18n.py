"""Refresh the translation catalogues: extract, fill Chinese from JSON files, compile.

    uv run python scripts/i18n.py [translations.json ...]

1. `makemessages` for zh_Hans and en (the English msgids are the English text);
2. msgmerge's fuzzy guesses are dropped; every untranslated Chinese entry whose msgid is a
   key of one of the JSON files
   ({"English msgid": "中文", ...}; for plurals the value is the one Chinese form) is filled;
3. the entries still untranslated are listed (the test suite fails on them);
4. `compilemessages`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
ZH_PO = ROOT / "src" / "jiangxin" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
IGNORE = [".venv", "node_modules", "var", "tests", "test-artifacts"]


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, check=True)  # noqa: S603


def main(paths: list[str]) -> int:
    ignore = [f"--ignore={d}" for d in IGNORE]
    manage("makemessages", "-l", "zh_Hans", "-l", "en", "--no-obsolete", "-v", "0", *ignore)
    table: dict[str, str] = {}
    for path in paths:
        table.update(json.loads(Path(path).read_text(encoding="utf-8")))
    po = polib.pofile(str(ZH_PO))
    # msgmerge's fuzzy matches guess a translation from a similar msgid; they are nearly always
    # wrong here ("The person" → 人员 of "Person"), so drop them and translate afresh.
    for entry in po.fuzzy_entries():
        entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
        if entry.msgid_plural:
            entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural, "")
        else:
            entry.msgstr = ""
    filled = 0
    for entry in po:
        if entry.obsolete:
            continue
        needs = entry.fuzzy or (
            not any(entry.msgstr_plural.values()) if entry.msgid_plural else not entry.msgstr
        )
        if not needs or entry.msgid not in table:
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: table[entry.msgid]}
        else:
            entry.msgstr = table[entry.msgid]
        if entry.fuzzy:
            entry.flags.remove("fuzzy")
            entry.previous_msgid = None
        filled += 1
    po.save()
    missing = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    print(f"filled {filled} entries; {len(missing)} still untranslated")
    for msgid in missing:
        print(f"  {msgid!r}")
    manage("compilemessages", "-v", "0", *ignore)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
