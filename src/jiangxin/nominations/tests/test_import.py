"""Bulk import of nominations from Excel: the template, the checks (every error on its row,
nothing written), scope, all-or-nothing execution through the real actions, and masking."""

from __future__ import annotations

import datetime as dt
import io
import threading
import zipfile
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from jiangxin.core.errors import DomainError
from jiangxin.core.masking import mask_id_number
from jiangxin.core.models import AuditEvent
from jiangxin.nominations import imports
from jiangxin.nominations.eligibility import PASS, evaluate
from jiangxin.nominations.models import Nomination, NominationEvent, NominationImport
from jiangxin.people.models import Honor, Person, WorkPeriod
from tests.factories import (
    STATEMENT,
    make_campaign,
    make_nomination,
    make_person,
    valid_id_number,
)

pytestmark = pytest.mark.usefixtures("campaign_day")

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def national(world):  # type: ignore[no-untyped-def]
    return make_campaign(
        world.users["program_officer"], world.acftu, allocations={world.hebei: 3, world.henan: 1}
    )


# --- Helpers ------------------------------------------------------------------------------------


def download_template(client, user, campaign) -> Workbook:  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(reverse("nominations:import_template") + f"?campaign={campaign.pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def _keys(campaign, sheet_index: int) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Column key → heading, in the active language (as the template wrote them)."""
    spec = imports.sheet_specs(campaign)[sheet_index]
    return {c.key: str(c.label) for c in spec.columns}


def fill(  # type: ignore[no-untyped-def]
    book: Workbook,
    campaign,
    nominees: list[dict[str, Any]],
    work: list[dict[str, Any]] = (),  # type: ignore[assignment]
    honours: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> bytes:
    """Write rows (by column key; `dim:<code>` for a dimension) under the template's headings."""
    dims = {f"dim:{d.code}": f"dim:{d.pk}" for d in campaign.policy_version.dimensions.all()}
    for index, rows in enumerate((nominees, work, honours)):
        ws = book.worksheets[index]
        headings = [c.value for c in ws[1]]
        keys = _keys(campaign, index)
        for offset, row in enumerate(rows):
            for key, value in row.items():
                column = headings.index(keys[dims.get(key, key)]) + 1
                ws.cell(row=2 + offset, column=column, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, campaign, content: bytes, name: str = "推荐人选.xlsx"):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("nominations:import"),
        {
            "upload-campaign": campaign.pk,
            "upload-file": SimpleUploadedFile(name, content, content_type=XLSX_TYPE),
        },
    )


def complete_row(id_number: str, **extra: Any) -> dict[str, Any]:
    row = {
        "name": "王铁军",
        "id_number": id_number,
        "phone": "13912345678",
        "ethnicity": "汉族",
        "political_status": "中共党员",
        "education": "47",
        "occupation_group": 6,
        "occupation": "焊工",
        "skill_level": "高级技师",
        "skill_certificate_no": "S000999888",
        "skill_certified_on": dt.date(2015, 6, 1),
        "industry": 31,
        **{
            f"dim:{code}": STATEMENT
            for code in ("leadership", "practice", "innovation", "tackling", "inheritance")
        },
        "deeds_summary": "从事焊接工作二十年，攻克多项关键焊接技术难题。",
        "unit_opinion": "同意推荐。",
        "attestation_text": "该同志政治素质过硬。",
        "attestation_signer": "李明",
        "attestation_date": "2026-06-10",
        "consent_date": "2026/06/10",
    }
    row.update(extra)
    return row


def work_row(id_number: str, **extra: Any) -> dict[str, Any]:
    return {
        "id_number": id_number,
        "employer_name": "石家庄钢铁有限责任公司",
        "position": "焊工",
        "start": dt.date(2005, 3, 1),
        "end": None,
        "is_frontline": "是",
        **extra,
    }


def errors_of(batch: NominationImport) -> list[dict[str, Any]]:
    with translation.override("en"):
        return [{**e, "message": imports.localized(e["message"])} for e in batch.result["errors"]]


def counts() -> tuple[int, int, int, int, int]:
    return (
        Person.objects.count(),
        Nomination.objects.count(),
        AuditEvent.objects.count(),
        WorkPeriod.objects.count(),
        Honor.objects.count(),
    )


@pytest.fixture
def dimension_codes(national):  # type: ignore[no-untyped-def]
    return [d.code for d in national.policy_version.dimensions.order_by("order")]


# --- The template -----------------------------------------------------------------------------


def test_template_has_the_sheets_columns_and_instructions(client, world, national):
    book = download_template(client, world.users["hebei_clerk"], national)
    names = [ws.title for ws in book.worksheets]
    assert names == [
        str(imports.NOMINEES_SHEET),
        str(imports.WORK_SHEET),
        str(imports.HONOURS_SHEET),
        str(imports.INSTRUCTIONS_SHEET),
    ]
    nominees = book.worksheets[0]
    headings = [c.value for c in nominees[1]]
    for dim in national.policy_version.dimensions.all():
        assert dim.name in headings
    assert all(c.font.bold for c in nominees[1])
    id_letter = nominees.cell(
        row=1, column=headings.index(str(imports._nominee_columns(national)[2].label)) + 1
    ).column_letter
    assert nominees.column_dimensions[id_letter].number_format == "@"
    assert nominees.column_dimensions["A"].width == 30
    assert nominees.max_row == 1  # no example row
    instructions = [c for row in book.worksheets[3].iter_rows(values_only=True) for c in row if c]
    # Every column of every sheet is explained, and the codes are listed.
    for heading in headings:
        assert heading in instructions
    assert "石家庄钢铁有限责任公司工会" in instructions  # the clerk's own unit
    assert "河南省总工会" not in " ".join(str(c) for c in instructions)


def test_only_preparers_reach_the_import_pages(client, world, national):
    for who in ("program_officer", "expert", "craftsman", "audit_admin"):
        client.force_login(world.users[who])
        assert client.get(reverse("nominations:import")).status_code == 404, who
        url = reverse("nominations:import_template") + f"?campaign={national.pk}"
        assert client.get(url).status_code == 404, who
    client.force_login(world.users["hebei_clerk"])
    assert client.get(reverse("nominations:import")).status_code == 200


# --- A valid file ----------------------------------------------------------------------------


def test_valid_file_creates_exactly_those_drafts_with_their_record(
    client, world, national, django_capture_on_commit_callbacks
):
    clerk = world.users["hebei_clerk"]
    book = download_template(client, clerk, national)
    first, second = valid_id_number(), valid_id_number(male=False)
    content = fill(
        book,
        national,
        nominees=[
            complete_row(first),
            {"name": "刘小梅", "id_number": second, "skill_level": "technician"},
        ],
        work=[
            work_row(
                first,
                start=dt.date(2001, 9, 1),
                end=dt.date(2004, 12, 31),
                employer_name="河北机械厂",
                is_frontline="否",
            ),
            work_row(first),
            work_row(second, start="2019-03-01", is_frontline="Y"),
        ],
        honours=[
            {
                "id_number": first,
                "title": "河北省技术能手",
                "level": "省部级",
                "year": 2019,
                "awarded_by": "河北省人社厅",
            },
        ],
    )
    before = counts()
    response = upload(client, national, content)
    batch = NominationImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("nominations:import_preview", args=[batch.pk])
    assert batch.error_count == 0 and batch.row_count == 2
    assert batch.file and default_storage.exists(batch.file.name)
    assert counts() == before  # checking writes nothing but the batch

    page = client.get(response["Location"]).content.decode()
    assert mask_id_number(first) in page and first not in page
    assert 'name="action" value="execute"' in page

    stored = batch.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {"action": "execute"})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == NominationImport.Status.IMPORTED
    assert not batch.file and not default_storage.exists(stored)
    created = Nomination.objects.filter(campaign=national).order_by("number")
    assert created.count() == 2
    assert {n.status for n in created} == {Nomination.Status.DRAFT}
    assert {n.nominating_unit for n in created} == {world.hebei_union}
    assert {n.person.name for n in created} == {"王铁军", "刘小梅"}
    for n in created:
        assert NominationEvent.objects.filter(nomination=n, action="imported").count() == 1
    person = Person.objects.get(name="王铁军")
    assert person.id_number == first
    assert person.employer == world.hebei_enterprise and person.union == world.hebei_union
    assert person.skill_level_id == "senior_technician" and person.industry_id == "31"
    assert person.ethnicity == "01" and person.political_status == "01"
    assert person.work_periods.count() == 2 and person.honors.count() == 1
    assert Person.objects.get(name="刘小梅").work_periods.count() == 1
    complete = created.get(person=person)
    assert complete.statements.count() == 5 and complete.consent_given
    assert complete.attestation_date == dt.date(2026, 6, 10)
    verdicts = evaluate(complete)
    assert verdicts and all(v.outcome == PASS for v in verdicts)
    assert AuditEvent.objects.filter(action="nomination_import.executed").count() == 1
    # The result page links every draft.
    page = client.get(reverse("nominations:import_preview", args=[batch.pk])).content.decode()
    for n in created:
        assert reverse("nominations:detail", args=[n.pk]) in page
    assert first not in page


def test_a_recommending_officer_names_the_unit(client, world, national):
    officer = world.users["sjz_officer"]
    book = download_template(client, officer, national)
    number = valid_id_number()
    content = fill(
        book,
        national,
        nominees=[
            {
                "unit": "石家庄钢铁有限责任公司工会",
                "employer": "石家庄钢铁有限责任公司",
                "name": "赵强",
                "id_number": number,
            },
            {"name": "钱多", "id_number": valid_id_number()},  # no unit: the officer has two
        ],
    )
    upload(client, national, content)
    batch = NominationImport.objects.get()
    errors = errors_of(batch)
    assert [(e["row"], e["column"]) for e in errors] == [(3, str(_keys(national, 0)["unit"]))]
    assert "several units" in errors[0]["message"]
    assert batch.result["rows"][0]["errors"] == 0


# --- Errors -------------------------------------------------------------------------------------


def test_every_error_is_reported_on_its_row_and_nothing_is_written(client, world, national):
    clerk = world.users["hebei_clerk"]
    nominated = make_nomination(
        clerk, national, world.hebei_union, world.hebei_enterprise, submit=False
    )
    taken = nominated.person.id_number
    good = valid_id_number()
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    book = download_template(client, clerk, national)
    content = fill(
        book,
        national,
        nominees=[
            {"name": "甲", "id_number": bad_check},
            {
                "name": "乙",
                "id_number": valid_id_number(),
                "occupation_group": "99",
                "skill_level": "大师",
                "industry": "ZZ",
            },
            {"name": "丙", "id_number": good},
            {"name": "丁", "id_number": good},
            {"name": "戊", "id_number": taken},
            {
                "name": "己",
                "id_number": valid_id_number(),
                "dim:leadership": "字" * 801,
                "attestation_date": "明天",
            },
            {"name": "庚", "id_number": valid_id_number()},
        ],
        work=[
            work_row(valid_id_number()),  # nobody on the nominee sheet
            work_row(good, start=dt.date(2010, 1, 1), end=dt.date(2009, 1, 1)),
        ],
    )
    before = counts()
    upload(client, national, content)
    batch = NominationImport.objects.get()
    assert counts() == before
    assert not batch.file  # a file with errors is not kept
    keys = _keys(national, 0)
    found = {(e["sheet"], e["row"], e["column"]): e["message"] for e in errors_of(batch)}
    nominees, work = str(imports.NOMINEES_SHEET), str(imports.WORK_SHEET)
    assert "check digit" in found[(nominees, 2, keys["id_number"])]
    assert "Unknown occupation group" in found[(nominees, 3, keys["occupation_group"])]
    assert "Unknown skill level" in found[(nominees, 3, keys["skill_level"])]
    assert "Unknown industry" in found[(nominees, 3, keys["industry"])]
    assert "row 4" in found[(nominees, 5, keys["id_number"])]
    assert "already nominated" in found[(nominees, 6, keys["id_number"])]
    dim = national.policy_version.dimensions.get(code="leadership")
    assert "801" in found[(nominees, 7, dim.name)]
    assert "not a date" in found[(nominees, 7, keys["attestation_date"])]
    work_keys = _keys(national, 1)
    assert "No row of the sheet" in found[(work, 2, work_keys["id_number"])]
    assert "before its start" in found[(work, 3, work_keys["end"])]
    assert (nominees, 4, keys["id_number"]) not in found  # the first of the two is fine
    assert batch.error_count == len(found)
    summary = batch.result["summary"]
    # Row 4 is fine itself, but its work period is not.
    assert summary["rows"] == 7 and summary["with_errors"] == 6 and summary["ok"] == 1

    # The preview offers no import, and a forced POST writes nothing either.
    url = reverse("nominations:import_preview", args=[batch.pk])
    page = client.get(url).content.decode()
    assert 'value="execute"' not in page
    assert taken not in page and good not in page and bad_check not in page
    client.post(url, {"action": "execute"})
    assert counts() == before
    with pytest.raises(DomainError) as exc:
        imports.do_execute_import(acting_user=clerk, batch_id=batch.pk)
    assert exc.value.rule == "import.has_errors"


def test_missing_columns_and_unknown_columns_are_reported(client, world, national):
    book = Workbook()
    ws = book.active
    ws.title = str(imports.NOMINEES_SHEET)
    ws.append([str(_keys(national, 0)["name"]), "备注"])
    ws.append(["张三", "x"])
    out = io.BytesIO()
    book.save(out)
    client.force_login(world.users["hebei_clerk"])
    upload(client, national, out.getvalue())
    messages = [e["message"] for e in errors_of(NominationImport.objects.get())]
    assert any("not part of the template" in m for m in messages)
    assert any("column is missing" in m for m in messages)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("伪装.xlsx", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
        ("伪装.xlsx", b"MZ\x90\x00" + b"\x00" * 200),
        ("伪装.xls", b"PK\x03\x04" + b"\x00" * 100),
        ("文档.xlsx", None),  # a real zip, but a Word document
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused(client, world, national, name, content):
    if content is None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/document.xml", "<w:document/>")
            archive.writestr("[Content_Types].xml", "<Types/>")
        content = buffer.getvalue()
    client.force_login(world.users["hebei_clerk"])
    response = upload(client, national, content, name=name)
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not NominationImport.objects.exists()


# --- Scope -------------------------------------------------------------------------------------


def test_another_provinces_unit_and_profile_are_refused_per_row(client, world, national):
    hebei_person = make_person(
        world.users["hebei_clerk"], world.hebei_enterprise, union=world.hebei_union
    )
    officer = world.users["henan_officer"]
    book = download_template(client, officer, national)
    content = fill(
        book,
        national,
        nominees=[
            {"unit": "石家庄钢铁有限责任公司工会", "name": "甲", "id_number": valid_id_number()},
            {
                "unit": "郑州煤矿机械集团股份有限公司",
                "name": "乙",
                "id_number": valid_id_number(region="410102"),
            },
            {
                "unit": "郑州煤矿机械集团股份有限公司",
                "name": hebei_person.name,
                "id_number": hebei_person.id_number,
            },
            {
                "unit": "郑州煤矿机械集团股份有限公司",
                "employer": "石家庄钢铁有限责任公司",
                "name": "丙",
                "id_number": valid_id_number(),
            },
        ],
    )
    upload(client, national, content)
    batch = NominationImport.objects.get(created_by=officer)
    found = {(e["row"], e["column"]): e["message"] for e in errors_of(batch)}
    keys = _keys(national, 0)
    assert "not found in your scope" in found[(2, keys["unit"])]
    assert "河北" not in found[(2, keys["unit"])].replace("石家庄钢铁有限责任公司工会", "")
    assert not any(row == 3 for row, _column in found)
    assert "belongs to another organization" in found[(4, keys["id_number"])]
    assert hebei_person.employer.name not in found[(4, keys["id_number"])]
    assert "not found in your scope" in found[(5, keys["employer"])]
    page = client.get(reverse("nominations:import_preview", args=[batch.pk])).content.decode()
    assert hebei_person.id_number not in page

    # Another user's batch is 404, for reading and for acting.
    url = reverse("nominations:import_preview", args=[batch.pk])
    for who in ("hebei_officer", "hebei_clerk", "program_officer"):
        client.force_login(world.users[who])
        assert client.get(url).status_code == 404, who
        assert client.post(url, {"action": "execute"}).status_code == 404, who
        assert client.post(url, {"action": "discard"}).status_code == 404, who
    batch.refresh_from_db()
    assert batch.status == NominationImport.Status.PENDING


def test_a_unit_without_quota_is_refused(client, world):
    campaign = make_campaign(
        world.users["program_officer"], world.acftu, allocations={world.hebei: 2}
    )
    book = download_template(client, world.users["henan_officer"], campaign)
    content = fill(book, campaign, nominees=[{"name": "甲", "id_number": valid_id_number()}])
    upload(client, campaign, content)
    messages = [e["message"] for e in errors_of(NominationImport.objects.get())]
    assert any("has no quota" in m for m in messages)


# --- Execution ------------------------------------------------------------------------------------


def _clean_batch(client, world, national):  # type: ignore[no-untyped-def]
    clerk = world.users["hebei_clerk"]
    book = download_template(client, clerk, national)
    number = valid_id_number()
    content = fill(
        book, national, nominees=[{"name": "孙立", "id_number": number}], work=[work_row(number)]
    )
    upload(client, national, content)
    batch = NominationImport.objects.get()
    assert batch.error_count == 0, errors_of(batch)
    return clerk, batch, number


def test_execute_twice_is_refused(client, world, national):
    clerk, batch, _number = _clean_batch(client, world, national)
    imports.do_execute_import(acting_user=clerk, batch_id=batch.pk)
    after = counts()
    with pytest.raises(DomainError) as exc:
        imports.do_execute_import(acting_user=clerk, batch_id=batch.pk)
    assert exc.value.rule == "import.already_imported"
    # A second click on the page reports it and imports nothing.
    response = client.post(
        reverse("nominations:import_preview", args=[batch.pk]), {"action": "execute"}
    )
    assert response.status_code == 302
    assert counts() == after
    assert Nomination.objects.filter(campaign=national).count() == 1
    with pytest.raises(DomainError):
        imports.do_discard_import(acting_user=clerk, batch_id=batch.pk)


def test_changes_since_the_preview_are_caught_and_roll_back_everything(
    client, world, national, django_capture_on_commit_callbacks
):
    clerk, batch, number = _clean_batch(client, world, national)
    # Meanwhile the same person is nominated through the form.
    make_nomination(
        clerk, national, world.hebei_union, world.hebei_enterprise, submit=False, id_number=number
    )
    stored = batch.file.name
    before = counts()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(imports.ImportBlocked):
        imports.do_execute_import(acting_user=clerk, batch_id=batch.pk)
    assert counts() == before
    batch.refresh_from_db()
    assert batch.status == NominationImport.Status.PENDING and batch.error_count == 1
    assert "already nominated" in errors_of(batch)[0]["message"]
    assert not batch.file and not default_storage.exists(stored)


def test_an_existing_profile_is_reused_unchanged(client, world, national):
    clerk = world.users["hebei_clerk"]
    person = make_person(clerk, world.hebei_enterprise, union=world.hebei_union, name="吴师傅")
    existing = person.work_periods.get()
    book = download_template(client, clerk, national)
    content = fill(
        book,
        national,
        nominees=[
            {
                "name": "吴师傅",
                "id_number": person.id_number,
                "occupation": "钳工",
                "skill_level": "junior",
            }
        ],
        work=[
            work_row(
                person.id_number,
                employer_name=existing.employer_name,
                position=existing.position,
                start=existing.start,
            ),
            work_row(
                person.id_number,
                employer_name="保定机床厂",
                start=dt.date(2000, 1, 1),
                end=dt.date(2004, 12, 31),
            ),
        ],
        honours=[
            {
                "id_number": person.id_number,
                "title": "全国五一劳动奖章",
                "level": "national",
                "year": "2022年",
            }
        ],
    )
    upload(client, national, content)
    batch = NominationImport.objects.get()
    assert batch.error_count == 0, errors_of(batch)
    row = batch.result["rows"][0]
    assert row["profile"] == "existing" and row["work"] == 1 and row["honours"] == 1
    page = client.get(reverse("nominations:import_preview", args=[batch.pk])).content.decode()
    assert person.id_number not in page
    imports.do_execute_import(acting_user=clerk, batch_id=batch.pk)
    person.refresh_from_db()
    assert person.occupation == "焊工" and person.skill_level_id == "senior_technician"
    assert person.work_periods.count() == 2 and person.honors.get().year == 2022
    nomination = Nomination.objects.get(campaign=national)
    assert nomination.person == person and nomination.status == Nomination.Status.DRAFT
    assert Person.objects.count() == 1


def test_discard_deletes_the_file_and_is_audited(
    client, world, national, django_capture_on_commit_callbacks
):
    _clerk, batch, _number = _clean_batch(client, world, national)
    stored = batch.file.name
    assert default_storage.exists(stored)
    url = reverse("nominations:import_preview", args=[batch.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"action": "discard"}).status_code == 302
    batch.refresh_from_db()
    assert batch.status == NominationImport.Status.DISCARDED
    assert not default_storage.exists(stored)
    assert AuditEvent.objects.filter(action="nomination_import.discarded").count() == 1
    assert client.post(url, {"action": "execute"}).status_code == 302
    assert not Nomination.objects.exists()


def test_preview_query_count_is_bounded(client, world, national, django_assert_max_num_queries):
    clerk = world.users["hebei_clerk"]
    book = download_template(client, clerk, national)
    rows = [{"name": f"员工{i}", "id_number": valid_id_number()} for i in range(20)]
    upload(client, national, fill(book, national, nominees=rows))
    batch = NominationImport.objects.get()
    with django_assert_max_num_queries(12):
        response = client.get(reverse("nominations:import_preview", args=[batch.pk]))
    assert response.status_code == 200


# --- Cell values --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-06-10", dt.date(2026, 6, 10)),
        ("2026/6/1", dt.date(2026, 6, 1)),
        ("2026.06.10", dt.date(2026, 6, 10)),
        ("2026年6月10日", dt.date(2026, 6, 10)),
        ("２０２６－０６－１０", dt.date(2026, 6, 10)),
        ("20260610", dt.date(2026, 6, 10)),
        (20260610, dt.date(2026, 6, 10)),
        (46183, dt.date(2026, 6, 10)),
        (dt.datetime(2026, 6, 10, 0, 0), dt.date(2026, 6, 10)),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_the_usual_spellings(value, expected):
    assert imports.parse_date(value) == expected


@pytest.mark.parametrize("value", ["明天", "2026-13-01", "10/06/2026", "2026-02-30"])
def test_dates_that_do_not_parse(value):
    with pytest.raises(ValueError):
        imports.parse_date(value)


# --- Concurrency (PostgreSQL: real row locks between connections) ---------------------------

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks between connections"
)


def _batch_via_actions(world, campaign, rows: int = 2) -> NominationImport:  # type: ignore[no-untyped-def]
    clerk = world.users["hebei_clerk"]
    book = load_workbook(imports.template_workbook(campaign, clerk))
    numbers = [valid_id_number() for _ in range(rows)]
    content = fill(
        book,
        campaign,
        nominees=[{"name": f"并发{i}", "id_number": n} for i, n in enumerate(numbers)],
        work=[work_row(n) for n in numbers],
    )
    batch = imports.do_upload_import(
        acting_user=clerk,
        campaign_id=campaign.pk,
        name="import.xlsx",
        stream=io.BytesIO(content),
        size=len(content),
    )
    assert batch.error_count == 0, errors_of(batch)
    return batch


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_double_click_imports_once(world):
    campaign = make_campaign(
        world.users["program_officer"], world.acftu, allocations={world.hebei: 3}
    )
    batch = _batch_via_actions(world, campaign)
    clerk = world.users["hebei_clerk"]
    start = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def execute() -> None:
        try:
            start.wait()
            imports.do_execute_import(acting_user=clerk, batch_id=batch.pk)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.rule)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=execute) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["import.already_imported", "ok"], outcomes
    assert Nomination.objects.filter(campaign=campaign).count() == 2
    assert AuditEvent.objects.filter(action="nomination_import.executed").count() == 1


@needs_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_batch_and_campaign_are_locked_before_the_audit_head(world):
    campaign = make_campaign(
        world.users["program_officer"], world.acftu, allocations={world.hebei: 3}
    )
    batch = _batch_via_actions(world, campaign, rows=1)
    with CaptureQueriesContext(connection) as ctx:
        imports.do_execute_import(acting_user=world.users["hebei_clerk"], batch_id=batch.pk)
    sql = [q["sql"] for q in ctx.captured_queries]
    audit = next(i for i, s in enumerate(sql) if "core_auditchainhead" in s)
    batch_lock = next(
        i for i, s in enumerate(sql) if "nominations_nominationimport" in s and "FOR UPDATE" in s
    )
    campaign_lock = next(
        i for i, s in enumerate(sql) if 'FROM "programs_campaign"' in s and "FOR UPDATE" in s
    )
    assert batch_lock < campaign_lock < audit


def test_checking_a_file_takes_no_query_per_row(world, national):
    clerk = world.users["hebei_clerk"]
    existing = make_person(clerk, world.hebei_enterprise, union=world.hebei_union)

    def queries_for(rows: int) -> int:
        book = load_workbook(imports.template_workbook(national, clerk))
        numbers = [valid_id_number() for _ in range(rows)]
        content = fill(
            book,
            national,
            nominees=[
                {"name": "甲", "id_number": existing.id_number},
                *(
                    {"name": f"员工{i}", "id_number": n, "skill_level": "技师"}
                    for i, n in enumerate(numbers)
                ),
            ],
            work=[work_row(n) for n in numbers],
            honours=[
                {"id_number": n, "title": "技术能手", "level": "市级", "year": 2020}
                for n in numbers
            ],
        )
        with CaptureQueriesContext(connection) as ctx:
            imports.parse_import(io.BytesIO(content), user=clerk, campaign=national)
        return len(ctx.captured_queries)

    assert queries_for(3) == queries_for(30)
