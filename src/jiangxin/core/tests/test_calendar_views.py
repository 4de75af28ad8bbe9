"""The officer pages of the working-day calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from jiangxin.core.actions import do_enter_calendar_year
from jiangxin.core.calendar import is_working_day
from jiangxin.core.forms import parse_day_lines
from jiangxin.core.models import AuditEvent, CalendarDay, CalendarYear

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("core:calendar")
NEW = reverse("core:calendar_year_new")

LINES_2027 = """\
2027-01-01 holiday 元旦
# Spring Festival
2027-02-05 holiday 春节
2027-02-06 holiday 春节
2027-02-07 holiday 春节
2027-02-08 holiday 春节
2027-02-09 holiday 春节

2027-02-20 workday 春节调休
"""


def client_for(world, role: str) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.cookies["jiangxin_language"] = "en"
    client.force_login(world.users[role])
    return client


def year_url(year: int) -> str:
    return reverse("core:calendar_year", args=[year])


def edit_url(year: int) -> str:
    return reverse("core:calendar_year_edit", args=[year])


@pytest.mark.parametrize(
    "role", ["hebei_officer", "hebei_clerk", "expert", "craftsman", "security_admin", "audit_admin"]
)
def test_other_roles_get_404(world, role: str) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, role)
    for url in (OVERVIEW, NEW, year_url(2026), edit_url(2026)):
        assert client.get(url).status_code == 404, url


def test_post_by_other_roles_is_404_and_saves_nothing(world) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world, "hebei_officer").post(
        NEW, {"year": 2027, "source": "s", "days": LINES_2027}
    )
    assert response.status_code == 404
    assert not CalendarYear.objects.exists()


def test_anonymous_is_sent_to_login() -> None:
    response = Client().get(OVERVIEW)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize("role", ["program_officer", "system_admin"])
def test_overview(world, role: str) -> None:  # type: ignore[no-untyped-def]
    do_enter_calendar_year(
        acting_user=world.users["program_officer"],
        year=2027,
        source="国办发明电〔2026〕7号",
        days=[(dt.date(2027, 1, 1), "holiday", "元旦"), (dt.date(2027, 2, 20), "workday", "")],
    )
    response = client_for(world, role).get(OVERVIEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert "2004" in html and "2026" in html
    assert "国办发明电〔2026〕7号" in html
    assert year_url(2027) in html
    assert NEW in html
    assert response.context["breadcrumbs"][-1]["label"] == "Working-day calendar"
    entered = list(response.context["entered"])
    assert [(r.year, r.holidays, r.workdays) for r in entered] == [(2027, 1, 1)]


def test_enter_a_year(world) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    assert client.get(NEW).status_code == 200
    response = client.post(
        NEW, {"year": "2027", "source": "国办发明电〔2026〕7号", "days": LINES_2027}
    )
    assert response.status_code == 302
    assert response["Location"] == year_url(2027)
    row = CalendarYear.objects.get(year=2027)
    assert row.entered_by == world.users["program_officer"]
    assert row.days.filter(kind=CalendarDay.Kind.HOLIDAY).count() == 6
    assert row.days.get(date=dt.date(2027, 2, 20)).name == "春节调休"
    assert not is_working_day(dt.date(2027, 2, 8))
    assert is_working_day(dt.date(2027, 2, 20))
    assert AuditEvent.objects.filter(action="calendar.year_entered", object_id="2027").exists()

    page = client.get(year_url(2027))
    assert page.status_code == 200
    assert "2027-02-20" in page.content.decode()
    assert "国办发明电〔2026〕7号" in page.content.decode()


def test_bad_lines_are_reported_each_and_nothing_is_saved(world) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    text = (
        "2027-01-01 holiday 元旦\n"
        "2027-02-30 holiday 春节\n"  # line 2: no such date
        "2027-02-06 vacation 春节\n"  # line 3: unknown kind
        "2028-01-01 holiday 元旦\n"  # line 4: other year
        "2027-02-22 workday 调休\n"  # line 5: a Monday cannot be a make-up workday
        "2027-01-01 holiday 元旦\n"  # line 6: duplicate of line 1
        "just words\n"  # line 7: not a date
    )
    response = client.post(NEW, {"year": "2027", "source": "s", "days": text})
    assert response.status_code == 200
    errors = response.context["form"].errors["days"]
    assert len(errors) == 6
    assert errors[0].startswith("Line 2:")
    assert errors[1].startswith("Line 3:") and "vacation" in errors[1]
    assert errors[2].startswith("Line 4:") and "2027" in errors[2]
    assert errors[3].startswith("Line 5:")
    assert errors[4].startswith("Line 6:") and "line 1" in errors[4]
    assert errors[5].startswith("Line 7:")
    html = response.content.decode()
    assert "There is a problem" in html  # the shared error summary
    assert "2027-02-06 vacation 春节" in html  # input kept
    assert 'value="s"' in html
    assert not CalendarYear.objects.exists()
    assert not CalendarDay.objects.exists()


def test_missing_fields_and_no_holiday(world) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    response = client.post(NEW, {"year": "", "source": "", "days": ""})
    assert set(response.context["form"].errors) == {"year", "source", "days"}
    response = client.post(NEW, {"year": "2027", "source": "s", "days": "2027-02-20 workday x"})
    assert "List at least one holiday." in response.context["form"].errors["days"]
    assert not CalendarYear.objects.exists()


def test_correct_a_package_year_prefills_the_package_schedule(world) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    response = client.get(edit_url(2026))
    assert response.status_code == 200
    initial = response.context["form"].initial
    assert initial["year"] == 2026
    assert "2026-02-16 holiday 春节" in initial["days"]
    assert "2026-02-14 workday 春节" in initial["days"]
    # Posting the prefilled text back reproduces the package schedule exactly.
    response = client.post(
        edit_url(2026), {"year": "1999", "source": "correction", "days": initial["days"]}
    )
    assert response.status_code == 302
    assert CalendarYear.objects.get().year == 2026  # the year field is fixed on this page
    assert not is_working_day(dt.date(2026, 2, 16))
    assert is_working_day(dt.date(2026, 2, 14))


def test_correct_an_entered_year_replaces_its_days(world) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    client.post(NEW, {"year": "2027", "source": "v1", "days": LINES_2027})
    response = client.get(edit_url(2027))
    assert response.context["form"].initial["source"] == "v1"
    client.post(edit_url(2027), {"source": "v2", "days": "2027-01-01 holiday 元旦"})
    row = CalendarYear.objects.get(year=2027)
    assert row.source == "v2"
    assert list(row.days.values_list("date", flat=True)) == [dt.date(2027, 1, 1)]


def test_unknown_year_detail_is_404_but_can_be_entered(world) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    assert client.get(year_url(2027)).status_code == 404
    assert client.get(edit_url(2027)).status_code == 200


def test_package_year_detail(world) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world, "program_officer").get(year_url(2025))
    assert response.status_code == 200
    html = response.content.decode()
    assert "2025-10-01" in html
    assert "国庆节" in html
    assert "2025-09-28" in html


def test_parse_day_lines_accepts_notice_wording() -> None:
    days, errors = parse_day_lines(
        "2027-01-01\t休\t元旦\n2027/2/20，班，春节调休\n2027-02-21 workday\n", 2027
    )
    assert errors == []
    assert days == [
        (dt.date(2027, 1, 1), "holiday", "元旦"),
        (dt.date(2027, 2, 20), "workday", "春节调休"),
        (dt.date(2027, 2, 21), "workday", ""),
    ]
