"""Load the national reference tables from the CSV files in `data/` (see data/README.md).

`load_reference_data()` validates every file first and only then writes, inside one transaction.
Rows are upserted on their code: new codes are created, changed names are updated, and rows that
are no longer in a file are kept (other records may still point at a retired code).

The function is called by the data migration with the historical app registry, so it uses model
fields only (never the models' methods or properties) and looks models up through `apps`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import models, transaction

DATA_DIR = Path(__file__).resolve().parent / "data"

REGIONS_FILE = "regions.csv"
INDUSTRIES_FILE = "industries.csv"
OCCUPATION_GROUPS_FILE = "occupation_groups.csv"
SKILL_LEVELS_FILE = "skill_levels.csv"

_REGION_CODE = re.compile(r"^[1-9]\d{5}$")
_SECTION_CODE = re.compile(r"^[A-Z]$")
_DIVISION_CODE = re.compile(r"^\d{2}$")
_OCCUPATION_CODE = re.compile(r"^\d{1,10}$")
_SKILL_CODE = re.compile(r"^[a-z][a-z0-9_]{0,29}$")


class ReferenceDataError(ValueError):
    """A reference data file is malformed; the message names the file and the line."""


@dataclass(frozen=True)
class _Row:
    line: int
    values: dict[str, str]


def _read(path: Path, columns: tuple[str, ...]) -> list[_Row]:
    """Read a CSV file with exactly `columns` as its header; values are stripped."""
    if not path.is_file():
        raise ReferenceDataError(f"{path.name}: file not found at {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise ReferenceDataError(f"{path.name}, line 1: the file is empty")
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0].removeprefix("\ufeff")
        if tuple(h.strip() for h in header) != columns:
            raise ReferenceDataError(
                f"{path.name}, line 1: expected the header {','.join(columns)}, "
                f"found {','.join(header)}"
            )
        rows: list[_Row] = []
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(columns):
                raise ReferenceDataError(
                    f"{path.name}, line {line}: expected {len(columns)} values, found {len(values)}"
                )
            rows.append(_Row(line, {c: v.strip() for c, v in zip(columns, values, strict=True)}))
    return rows


class _Checker:
    """Collects per-file checks so every error message names the file and line."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        self.seen: dict[str, int] = {}

    def fail(self, row: _Row, message: str) -> ReferenceDataError:
        return ReferenceDataError(f"{self.name}, line {row.line}: {message}")

    def unique(self, row: _Row, key: str, value: str) -> None:
        if value in self.seen:
            raise self.fail(row, f"duplicate {key} {value!r} (first on line {self.seen[value]})")
        self.seen[value] = row.line

    def names(self, row: _Row) -> None:
        for column in ("name_zh", "name_en"):
            if not row.values[column]:
                raise self.fail(row, f"{column} is empty")
        if len(row.values["name_zh"]) > 100:
            raise self.fail(row, "name_zh is longer than 100 characters")
        if len(row.values["name_en"]) > 200:
            raise self.fail(row, "name_en is longer than 200 characters")


def read_regions(path: Path) -> list[dict[str, Any]]:
    rows = _read(path, ("code", "name_zh", "name_en", "level", "parent_code"))
    check = _Checker(path)
    provinces = {r.values["code"] for r in rows if r.values["level"] == "province"}
    out: list[dict[str, Any]] = []
    for row in rows:
        code, level, parent = row.values["code"], row.values["level"], row.values["parent_code"]
        if not _REGION_CODE.match(code):
            raise check.fail(row, f"region code {code!r} is not six digits")
        check.unique(row, "code", code)
        check.names(row)
        if level == "province":
            if not code.endswith("0000"):
                raise check.fail(row, f"province-level code {code!r} must end in 0000")
            if parent:
                raise check.fail(row, f"province-level row {code} must not have a parent")
        elif level == "prefecture":
            if code.endswith("0000") or not code.endswith("00"):
                raise check.fail(row, f"prefecture-level code {code!r} must end in 00, not 0000")
            if parent not in provinces:
                raise check.fail(
                    row,
                    f"parent {parent!r} of {code} is not a province-level row of this file",
                )
            if code[:2] != parent[:2]:
                raise check.fail(
                    row, f"code {code} does not start with its province's {parent[:2]}"
                )
        else:
            raise check.fail(row, f"level {level!r} is not 'province' or 'prefecture'")
        out.append(
            {
                "code": code,
                "name_zh": row.values["name_zh"],
                "name_en": row.values["name_en"],
                "level": level,
                "parent_id": parent or None,
            }
        )
    return out


def read_industries(path: Path) -> list[dict[str, Any]]:
    rows = _read(path, ("code", "name_zh", "name_en", "level", "section_code"))
    check = _Checker(path)
    sections = {r.values["code"] for r in rows if r.values["level"] == "section"}
    out: list[dict[str, Any]] = []
    for row in rows:
        code, level, section = row.values["code"], row.values["level"], row.values["section_code"]
        check.unique(row, "code", code)
        check.names(row)
        if level == "section":
            if not _SECTION_CODE.match(code):
                raise check.fail(row, f"section code {code!r} is not one capital letter")
            if section:
                raise check.fail(row, f"section {code} must not have a section_code")
        elif level == "division":
            if not _DIVISION_CODE.match(code):
                raise check.fail(row, f"division code {code!r} is not two digits")
            if section not in sections:
                raise check.fail(
                    row, f"section {section!r} of division {code} is not a section of this file"
                )
        else:
            raise check.fail(row, f"level {level!r} is not 'section' or 'division'")
        out.append(
            {
                "code": code,
                "name_zh": row.values["name_zh"],
                "name_en": row.values["name_en"],
                "level": level,
                "section_id": section or None,
            }
        )
    return out


def read_occupation_groups(path: Path) -> list[dict[str, Any]]:
    rows = _read(path, ("code", "name_zh", "name_en"))
    check = _Checker(path)
    out: list[dict[str, Any]] = []
    for row in rows:
        code = row.values["code"]
        if not _OCCUPATION_CODE.match(code):
            raise check.fail(row, f"occupation group code {code!r} is not a number")
        check.unique(row, "code", code)
        check.names(row)
        out.append(
            {"code": code, "name_zh": row.values["name_zh"], "name_en": row.values["name_en"]}
        )
    return out


def read_skill_levels(path: Path) -> list[dict[str, Any]]:
    rows = _read(path, ("code", "rank", "name_zh", "name_en"))
    check = _Checker(path)
    ranks: dict[int, int] = {}
    out: list[dict[str, Any]] = []
    for row in rows:
        code = row.values["code"]
        if not _SKILL_CODE.match(code):
            raise check.fail(row, f"skill level code {code!r} is not a lower-case identifier")
        check.unique(row, "code", code)
        check.names(row)
        try:
            rank = int(row.values["rank"])
        except ValueError:
            raise check.fail(row, f"rank {row.values['rank']!r} is not a whole number") from None
        if rank < 1:
            raise check.fail(row, f"rank {rank} is below 1")
        if rank in ranks:
            raise check.fail(row, f"duplicate rank {rank} (first on line {ranks[rank]})")
        ranks[rank] = row.line
        out.append(
            {
                "code": code,
                "rank": rank,
                "name_zh": row.values["name_zh"],
                "name_en": row.values["name_en"],
            }
        )
    return out


def _upsert(model: type[models.Model], rows: Iterable[dict[str, Any]], using: str) -> None:
    """Create missing rows and update changed ones, keyed on the primary key `code`."""
    rows = list(rows)
    fields = [f for f in rows[0] if f != "code"] if rows else []
    manager = model._default_manager.db_manager(using)
    existing = manager.in_bulk([r["code"] for r in rows])
    to_create: list[models.Model] = []
    to_update: list[models.Model] = []
    for values in rows:
        obj = existing.get(values["code"])
        if obj is None:
            to_create.append(model(**values))
        elif any(getattr(obj, f) != values[f] for f in fields):
            for f in fields:
                setattr(obj, f, values[f])
            to_update.append(obj)
    if to_create:
        manager.bulk_create(to_create)
    if to_update:
        manager.bulk_update(to_update, fields)


def _upsert_skill_levels(model: type[models.Model], rows: list[dict[str, Any]], using: str) -> None:
    """Like `_upsert`, but moves changed ranks out of the way first (rank is unique)."""
    manager = model._default_manager.db_manager(using)
    wanted = {r["code"]: r["rank"] for r in rows}
    moving = [o for o in manager.all() if o.code in wanted and o.rank != wanted[o.code]]  # type: ignore[attr-defined]
    if moving:
        offset = max(manager.values_list("rank", flat=True)) + max(wanted.values()) + 1
        for obj in moving:
            obj.rank += offset  # type: ignore[attr-defined]
        manager.bulk_update(moving, ["rank"])
    _upsert(model, rows, using)


def load_reference_data(apps: Any = None, *, using: str = "default") -> dict[str, int]:
    """Validate and upsert every reference file; return the number of rows per table.

    `apps` is the historical registry when called from a migration, else the global registry.
    Idempotent: a second run changes nothing and returns the same counts.
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps

    # Read and validate everything before the first write.
    regions = read_regions(DATA_DIR / REGIONS_FILE)
    industries = read_industries(DATA_DIR / INDUSTRIES_FILE)
    occupations = read_occupation_groups(DATA_DIR / OCCUPATION_GROUPS_FILE)
    skill_levels = read_skill_levels(DATA_DIR / SKILL_LEVELS_FILE)

    region_model = apps.get_model("reference", "Region")
    industry_model = apps.get_model("reference", "Industry")
    occupation_model = apps.get_model("reference", "OccupationGroup")
    skill_model = apps.get_model("reference", "SkillLevel")

    def parents_first(key: str) -> Callable[[dict[str, Any]], bool]:
        return lambda row: row[key] is not None

    with transaction.atomic(using=using):
        # Top-level rows first so that every foreign key points at an existing row.
        _upsert(region_model, sorted(regions, key=parents_first("parent_id")), using)
        _upsert(industry_model, sorted(industries, key=parents_first("section_id")), using)
        _upsert(occupation_model, occupations, using)
        _upsert_skill_levels(skill_model, skill_levels, using)

    return {
        "regions": len(regions),
        "industries": len(industries),
        "occupation_groups": len(occupations),
        "skill_levels": len(skill_levels),
    }
