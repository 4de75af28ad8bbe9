"""The list of profiles: search, filters, pagination, masked numbers, export, query counts."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiangxin.core.masking import mask_id_number, mask_phone
from jiangxin.core.models import AuditEvent
from jiangxin.people import actions
from jiangxin.people.views import PAGE_SIZE
from jiangxin.reference.models import SkillLevel
from tests.factories import make_org, make_person, valid_id_number

from .conftest import PHONE

pytestmark = pytest.mark.usefixtures("campaign_day")


def _people(world, n: int, **kw):  # type: ignore[no-untyped-def]
    officer = world.users["hebei_officer"]
    return [
        actions.do_create_person(
            acting_user=officer,
            id_number=valid_id_number(region="130104", male=i % 2 == 0),
            name=f"工匠{i:03d}",
            employer_id=kw.get("employer", world.hebei_enterprise).pk,
        )
        for i in range(n)
    ]


def test_list_shows_masked_numbers_and_links(client, world, hebei_person):
    client.force_login(world.users["hebei_officer"])
    html = client.get(reverse("people:list")).content.decode()
    assert mask_id_number(hebei_person.id_number) in html
    assert hebei_person.id_number not in html
    assert reverse("people:detail", args=[hebei_person.pk]) in html
    assert "高级技师" in html


def test_search_by_name_and_filters(client, world, hebei_person):
    second = make_org(world.shijiazhuang, "河北机械厂", "enterprise")
    woman = actions.do_create_person(
        acting_user=world.users["hebei_officer"],
        id_number=valid_id_number(male=False),
        name="刘巧英",
        employer_id=second.pk,
        fields={"skill_level": SkillLevel.objects.get(code="technician")},
    )
    client.force_login(world.users["hebei_officer"])
    url = reverse("people:list")

    def names(**params: str) -> set[str]:
        response = client.get(url, params)
        assert response.status_code == 200
        return {p.name for p in response.context["page_obj"]}

    assert names() == {"张建华", "刘巧英"}
    assert names(q="巧") == {"刘巧英"}
    assert names(q=" 建华 ") == {"张建华"}
    assert names(employer=str(second.pk)) == {"刘巧英"}
    assert names(gender="female") == {"刘巧英"}
    assert names(gender="male") == {"张建华"}
    assert names(skill_level="senior_technician") == {"张建华"}
    assert names(skill_level="technician", gender="male") == set()
    # The employer filter offers the employers of people in scope only.
    employers = client.get(url).context["filter_form"].fields["employer"].queryset
    assert set(employers) == {world.hebei_enterprise, second}
    assert woman.pk


def test_htmx_filters_get_the_results_region(client, world, hebei_person):
    client.force_login(world.users["hebei_officer"])
    response = client.get(reverse("people:list"), {"q": "张"}, headers={"HX-Request": "true"})
    assert 'id="results"' in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_pagination(client, world):
    _people(world, PAGE_SIZE + 3)
    client.force_login(world.users["hebei_officer"])
    first = client.get(reverse("people:list"))
    assert len(first.context["page_obj"]) == PAGE_SIZE
    second = client.get(reverse("people:list"), {"page": "2"})
    assert len(second.context["page_obj"]) == 3
    assert "工匠052" in second.content.decode()


def test_list_queries_do_not_grow_with_rows(client, world, django_assert_max_num_queries):
    client.force_login(world.users["hebei_officer"])
    _people(world, 2)
    with django_assert_max_num_queries(13) as few:
        client.get(reverse("people:list"))
    _people(world, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("people:list"))
    assert len(response.context["page_obj"]) == 32


def test_export_is_masked_scoped_and_audited(client, world, hebei_person, henan_person):
    client.force_login(world.users["hebei_officer"])
    response = client.get(reverse("people:export"), {"gender": "male"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # header + the Hebei man; the Henan woman is outside the scope
    cells = [str(c) for row in rows for c in row if c is not None]
    assert "张建华" in cells
    assert mask_id_number(hebei_person.id_number) in cells
    assert mask_phone(PHONE) in cells
    everything = " ".join(
        str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )
    assert hebei_person.id_number not in everything and PHONE not in everything
    assert henan_person.name not in everything
    assert rows[1][3] == dt.datetime(1978, 5, 17)
    event = AuditEvent.objects.get(action="person.exported")
    assert event.summary["rows"] == 1


def test_export_writes_text_never_formulas(client, world):
    actions.do_create_person(
        acting_user=world.users["hebei_officer"],
        id_number=valid_id_number(),
        name="=HYPERLINK(1)",
        employer_id=world.hebei_enterprise.pk,
    )
    client.force_login(world.users["hebei_officer"])
    response = client.get(reverse("people:export"))
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).worksheets[0]
    cell = sheet["A2"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


def test_clerks_see_the_profiles_of_their_union(client, world, hebei_person):
    # A profile of the same enterprise without the union is not the clerk's.
    other = make_person(world.users["hebei_officer"], world.hebei_enterprise, name="赵无会")
    client.force_login(world.users["hebei_clerk"])
    names = {p.name for p in client.get(reverse("people:list")).context["page_obj"]}
    assert names == {"张建华"}
    assert client.get(reverse("people:detail", args=[other.pk])).status_code == 404
