"""The loader: idempotent upsert, validation with file and line, the management command."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from jiangxin.reference import loader
from jiangxin.reference.loader import ReferenceDataError, load_reference_data
from jiangxin.reference.models import Industry, OccupationGroup, Region, SkillLevel

EXPECTED = {"regions": 372, "industries": 117, "occupation_groups": 8, "skill_levels": 8}


def _db_counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "industries": Industry.objects.count(),
        "occupation_groups": OccupationGroup.objects.count(),
        "skill_levels": SkillLevel.objects.count(),
    }


@pytest.mark.django_db
def test_loader_is_idempotent() -> None:
    assert _db_counts() == EXPECTED  # loaded by the migration
    assert load_reference_data() == EXPECTED
    assert load_reference_data() == EXPECTED
    assert _db_counts() == EXPECTED


@pytest.mark.django_db
def test_loader_restores_edited_rows_and_keeps_retired_ones() -> None:
    Region.objects.filter(code="130100").update(name_en="Wrong")
    SkillLevel.objects.filter(code="chief_technician").update(rank=99)
    retired = Region.objects.create(
        code="371200", name_zh="莱芜市", name_en="Laiwu", level="prefecture", parent_id="370000"
    )
    load_reference_data()
    assert Region.objects.get(code="130100").name_en == "Shijiazhuang"
    assert SkillLevel.objects.get(code="chief_technician").rank == 8
    assert Region.objects.filter(pk=retired.pk).exists()


@pytest.mark.django_db
def test_loader_on_empty_tables() -> None:
    Region.objects.filter(level=Region.Level.PREFECTURE).delete()
    Region.objects.all().delete()
    Industry.objects.filter(level=Industry.Level.DIVISION).delete()
    Industry.objects.all().delete()
    OccupationGroup.objects.all().delete()
    SkillLevel.objects.all().delete()
    assert load_reference_data() == EXPECTED
    assert _db_counts() == EXPECTED


@pytest.mark.django_db
def test_management_command_prints_counts() -> None:
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    text = out.getvalue()
    assert "regions: 372" in text
    assert "industries: 117" in text
    assert "skill_levels: 8" in text


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


REGION_HEADER = "code,name_zh,name_en,level,parent_code\n"


def test_duplicate_region_code_names_file_and_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "regions.csv",
        REGION_HEADER
        + "130000,河北省,Hebei,province,\n"
        + "130100,石家庄市,Shijiazhuang,prefecture,130000\n"
        + "130100,石家庄市,Shijiazhuang,prefecture,130000\n",
    )
    with pytest.raises(ReferenceDataError, match=r"regions\.csv, line 4: duplicate code '130100'"):
        loader.read_regions(path)


def test_unknown_parent_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "regions.csv",
        REGION_HEADER
        + "130000,河北省,Hebei,province,\n"
        + "410100,郑州市,Zhengzhou,prefecture,410000\n",
    )
    with pytest.raises(ReferenceDataError, match=r"regions\.csv, line 3: parent '410000'"):
        loader.read_regions(path)


def test_prefix_mismatch_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "regions.csv",
        REGION_HEADER
        + "130000,河北省,Hebei,province,\n"
        + "410000,河南省,Henan,province,\n"
        + "410100,郑州市,Zhengzhou,prefecture,130000\n",
    )
    with pytest.raises(ReferenceDataError, match=r"line 4: code 410100 does not start"):
        loader.read_regions(path)


def test_bad_header_and_empty_name(tmp_path: Path) -> None:
    bad_header = _write(tmp_path, "industries.csv", "code,name,level\nA,农业,section\n")
    with pytest.raises(ReferenceDataError, match=r"industries\.csv, line 1: expected the header"):
        loader.read_industries(bad_header)
    empty_name = _write(
        tmp_path,
        "occupation_groups.csv",
        "code,name_zh,name_en\n1,负责人,Heads\n2,,Professionals\n",
    )
    with pytest.raises(
        ReferenceDataError, match=r"occupation_groups\.csv, line 3: name_zh is empty"
    ):
        loader.read_occupation_groups(empty_name)


def test_division_with_unknown_section_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "industries.csv",
        "code,name_zh,name_en,level,section_code\nA,农、林、牧、渔业,Agriculture,section,\n"
        "13,农副食品加工业,Food processing,division,C\n",
    )
    with pytest.raises(ReferenceDataError, match=r"industries\.csv, line 3: section 'C'"):
        loader.read_industries(path)


def test_duplicate_skill_rank_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "skill_levels.csv",
        "code,rank,name_zh,name_en\napprentice,1,学徒工,Apprentice\njunior,1,初级工,Junior\n",
    )
    with pytest.raises(ReferenceDataError, match=r"skill_levels\.csv, line 3: duplicate rank 1"):
        loader.read_skill_levels(path)


@pytest.mark.django_db
def test_invalid_file_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("regions.csv", "industries.csv", "occupation_groups.csv", "skill_levels.csv"):
        (tmp_path / name).write_text(
            (loader.DATA_DIR / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    with (tmp_path / "skill_levels.csv").open("a", encoding="utf-8") as handle:
        handle.write("apprentice,9,学徒工,Apprentice\n")
    monkeypatch.setattr(loader, "DATA_DIR", tmp_path)
    Region.objects.filter(code="130100").update(name_en="Wrong")
    with pytest.raises(ReferenceDataError, match=r"skill_levels\.csv, line 10: duplicate code"):
        load_reference_data()
    assert Region.objects.get(code="130100").name_en == "Wrong"


def test_shipped_files_validate() -> None:
    assert len(loader.read_regions(loader.DATA_DIR / loader.REGIONS_FILE)) == 372
    assert len(loader.read_industries(loader.DATA_DIR / loader.INDUSTRIES_FILE)) == 117
    groups = loader.read_occupation_groups(loader.DATA_DIR / loader.OCCUPATION_GROUPS_FILE)
    assert len(groups) == 8
    assert len(loader.read_skill_levels(loader.DATA_DIR / loader.SKILL_LEVELS_FILE)) == 8
    assert (loader.DATA_DIR / "README.md").is_file()
