"""The translation catalogs: complete, placeholder-safe, compiled, current, and in use.

Simplified Chinese is the default language; the English msgids are the English text, so the
English catalog keeps every msgstr empty. Regenerate and compile with:

    uv run python manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=node_modules \
        --ignore=var --ignore=tests --no-obsolete
    uv run python manage.py compilemessages --ignore=.venv
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import trim_whitespace

ROOT = Path(__file__).resolve().parent.parent
LOCALE = Path(settings.LOCALE_PATHS[0])
ZH_PO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
ZH_MO = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.mo"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"

# The folders makemessages scans (run from the project root) minus the ones it is told to skip.
SCAN_ROOTS = [ROOT / "src", ROOT / "config"]
SKIP_DIRS = {"tests", "node_modules", ".venv", "var", "__pycache__", "static"}

# %(name)s, %(name)d, %s, %d and friends; "%%" is a literal percent sign, not a placeholder.
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _placeholders(text: str) -> set[str]:
    return {m.group(0) for m in PLACEHOLDER.finditer(text.replace("%%", ""))}


def _tags(text: str) -> set[str]:
    return set(HTML_TAG.findall(text))


@pytest.fixture(scope="module")
def zh() -> polib.POFile:
    return polib.pofile(str(ZH_PO))


@pytest.fixture(scope="module")
def en() -> polib.POFile:
    return polib.pofile(str(EN_PO))


def _live(po: polib.POFile) -> list[polib.POEntry]:
    return [e for e in po if not e.obsolete]


# --- (a) complete ----------------------------------------------------------------------------


def test_zh_catalog_header(zh):
    assert zh.metadata["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"
    assert "charset=UTF-8" in zh.metadata["Content-Type"]
    assert not zh.metadata_is_fuzzy


def test_zh_catalog_is_fully_translated(zh):
    entries = _live(zh)
    assert len(entries) > 100, "the catalog looks empty: was makemessages run?"
    untranslated = [e.msgid for e in zh.untranslated_entries()]
    fuzzy = [e.msgid for e in zh.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated}"
    assert not fuzzy, f"fuzzy: {fuzzy}"
    for e in entries:
        if e.msgid_plural:
            assert set(e.msgstr_plural) == {0}, f"Chinese has one plural form: {e.msgid!r}"
            assert e.msgstr_plural[0].strip(), e.msgid


def test_en_catalog_matches_zh_and_stays_untranslated(zh, en):
    assert not en.metadata_is_fuzzy
    assert en.metadata.get("Language") == "en"
    assert {(e.msgctxt, e.msgid) for e in _live(en)} == {(e.msgctxt, e.msgid) for e in _live(zh)}
    translated = [e.msgid for e in _live(en) if e.msgstr or any(e.msgstr_plural.values())]
    assert not translated, f"the English msgids are the English text: {translated}"


# --- (b) placeholders and markup survive translation ----------------------------------------


def test_placeholders_and_tags_are_kept(zh):
    problems = []
    for e in _live(zh):
        expected = _placeholders(e.msgid) | _placeholders(e.msgid_plural or "")
        translations = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        for msgstr in translations:
            if _placeholders(msgstr) != expected:
                problems.append((e.msgid, sorted(expected), sorted(_placeholders(msgstr))))
            if _tags(msgstr) != _tags(e.msgid):
                problems.append((e.msgid, sorted(_tags(e.msgid)), sorted(_tags(msgstr))))
    assert not problems, problems


# --- (c) the committed .mo is compiled from the current .po ---------------------------------


def _pairs(entries) -> set[tuple]:  # type: ignore[no-untyped-def]
    pairs = set()
    for e in entries:
        if not e.msgid:  # the header
            continue
        if e.msgid_plural:
            value: object = tuple(sorted(e.msgstr_plural.items()))
        else:
            value = e.msgstr
        pairs.add((e.msgctxt, e.msgid, e.msgid_plural or None, value))
    return pairs


def test_compiled_mo_is_up_to_date(zh, tmp_path):
    assert ZH_MO.exists(), "run: uv run python manage.py compilemessages --ignore=.venv"
    fresh = tmp_path / "django.mo"
    zh.save_as_mofile(str(fresh))
    expected = _pairs(polib.mofile(str(fresh)))
    committed = _pairs(polib.mofile(str(ZH_MO)))
    assert committed == expected, (
        "django.mo is stale; run compilemessages. "
        f"Missing from .mo: {sorted(expected - committed, key=str)[:5]}; "
        f"extra in .mo: {sorted(committed - expected, key=str)[:5]}"
    )


# --- (d) pages render in Chinese by default and in English on request -----------------------


def test_dashboard_renders_in_chinese_by_default(client, world):
    client.force_login(world.users["hebei_officer"])
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "工作台" in html
    assert 'lang="zh-CN"' in html
    assert "Dashboard" not in html


def test_dashboard_renders_in_english_with_the_language_cookie(client, world):
    client.force_login(world.users["hebei_officer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert settings.LANGUAGE_COOKIE_NAME == "jiangxin_language"
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dashboard" in html
    assert '<html lang="en"' in html
    assert "工作台" not in html


# --- (e) every literal string in the code is in the catalog ---------------------------------

PY_SINGULAR = {"_", "gettext", "gettext_lazy", "gettext_noop", "ugettext", "ugettext_lazy"}
PY_PLURAL = {"ngettext", "ngettext_lazy"}
PY_CONTEXT = {"pgettext", "pgettext_lazy"}
PY_CONTEXT_PLURAL = {"npgettext", "npgettext_lazy"}

_STRING = r"""(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')"""
TRANSLATE_TAG = re.compile(r"{%\s*(?:translate|trans)\s+" + _STRING + r"(?P<rest>[^%]*)%}")
TEMPLATE_UNDERSCORE = re.compile(r"\b_\(\s*" + _STRING + r"\s*\)")
BLOCK_TAG = re.compile(
    r"{%\s*(?:blocktranslate|blocktrans)\b(?P<args>.*?)%}(?P<body>.*?)"
    r"{%\s*(?:endblocktranslate|endblocktrans)\s*%}",
    re.DOTALL,
)
CONTEXT_ARG = re.compile(r"\bcontext\s+" + _STRING)
PLURAL_TAG = re.compile(r"{%\s*plural\s*%}")
VARIABLE = re.compile(r"{{\s*(\w+)\s*}}")


def _walk(suffixes: tuple[str, ...]) -> Iterator[Path]:
    for base in SCAN_ROOTS:
        for path in base.rglob("*"):
            if path.suffix in suffixes and not SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
                yield path


def _literal(match: re.Match[str], first_group: int = 1) -> str:
    double, single = match.group(first_group), match.group(first_group + 1)
    return double if double is not None else single


def _block_message(text: str, trimmed: bool) -> str:
    message = VARIABLE.sub(lambda m: f"%({m.group(1)})s", text.replace("%", "%%"))
    return trim_whitespace(message) if trimmed else message


def _template_strings(path: Path) -> Iterator[tuple[str | None, str, str | None, str]]:
    """(msgctxt, msgid, msgid_plural, where) for each translatable literal in a template."""
    source = path.read_text(encoding="utf-8")
    where = str(path.relative_to(ROOT))
    for m in TRANSLATE_TAG.finditer(source):
        context = CONTEXT_ARG.search(m.group("rest"))
        yield (_literal(context) if context else None), _literal(m), None, where
    for m in TEMPLATE_UNDERSCORE.finditer(source):
        yield None, _literal(m), None, where
    for m in BLOCK_TAG.finditer(source):
        args = m.group("args")
        context = CONTEXT_ARG.search(args)
        trimmed = re.search(r"\btrimmed\b", args) is not None
        singular, *plural = PLURAL_TAG.split(m.group("body"), maxsplit=1)
        yield (
            _literal(context) if context else None,
            _block_message(singular, trimmed),
            _block_message(plural[0], trimmed) if plural else None,
            where,
        )


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _python_strings(path: Path) -> Iterator[tuple[str | None, str, str | None, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        args = [
            a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
            for a in node.args
        ]
        where = f"{path.relative_to(ROOT)}:{node.lineno}"
        if name in PY_SINGULAR and args and args[0] is not None:
            yield None, args[0], None, where
        elif name in PY_PLURAL and len(args) >= 2 and None not in args[:2]:
            yield None, args[0], args[1], where  # type: ignore[misc]
        elif name in PY_CONTEXT and len(args) >= 2 and None not in args[:2]:
            yield args[0], args[1], None, where  # type: ignore[misc]
        elif name in PY_CONTEXT_PLURAL and len(args) >= 3 and None not in args[:3]:
            yield args[0], args[1], args[2], where  # type: ignore[misc]


def _source_strings() -> list[tuple[str | None, str, str | None, str]]:
    found = []
    for path in _walk((".html", ".txt")):
        found.extend(_template_strings(path))
    for path in _walk((".py",)):
        found.extend(_python_strings(path))
    return found


def test_catalog_contains_every_literal_in_the_code(zh):
    catalog = {(e.msgctxt, e.msgid): e for e in _live(zh)}
    found = _source_strings()
    assert len(found) > 100, "the scanner found almost nothing: check SCAN_ROOTS"
    missing = []
    for msgctxt, msgid, msgid_plural, where in found:
        entry = catalog.get((msgctxt, msgid)) or catalog.get((msgctxt, msgid.replace("%%", "%")))
        if entry is None or (msgid_plural and entry.msgid_plural != msgid_plural):
            missing.append(f"{where}: {msgid!r}")
    assert not missing, (
        "strings missing from the catalog; run makemessages, translate, compilemessages:\n"
        + "\n".join(sorted(set(missing)))
    )


def test_site_name_is_translated(zh):
    entry = zh.find("Jiangxin · Great Country Craftsmen")
    assert entry is not None
    assert entry.msgstr == "匠心 · 大国工匠人才培育工程"
