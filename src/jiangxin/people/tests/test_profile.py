"""Creating, changing and reading a profile: every answer kept, duplicates explained, the
take-over flow, masked numbers with the audited reveal, the lock, the nominations."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from jiangxin.core.masking import mask_id_number, mask_phone
from jiangxin.core.models import AuditEvent
from jiangxin.people.forms import KEPT_SUFFIX
from jiangxin.people.models import Person
from tests.factories import make_campaign, make_nomination, valid_id_number

from .conftest import PHONE

pytestmark = pytest.mark.usefixtures("campaign_day")


def _kept(html: str, name: str) -> str:
    match = re.search(rf'name="{name}{KEPT_SUFFIX}" value="([^"]+)"', html)
    assert match, f"no kept value for {name}"
    return match.group(1)


def _form(world, **overrides: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {
        "id_number": valid_id_number(birth=dt.date(1985, 10, 3), male=False),
        "name": "陈秀兰",
        "employer": str(world.hebei_enterprise.pk),
        "union": str(world.hebei_union.pk),
        "ethnicity": "03",
        "political_status": "01",
        "education": "30",
        "phone": "13912345678",
        "email": "chen@example.cn",
        "position": "班组长",
        "industry": "31",
        "occupation_group": "6",
        "occupation": "电工",
        "skill_level": "technician",
        "skill_certificate_no": "T2019-0001",
        "skill_certified_on": "2019-06-30",
    }
    data.update(overrides)
    return data


def test_create_derives_gender_and_birth_date(en_client, world):
    client = en_client
    client.force_login(world.users["hebei_clerk"])
    data = _form(world)
    response = client.post(reverse("people:create"), data)
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:detail", args=[person.pk])
    assert (person.gender, person.birth_date) == ("female", dt.date(1985, 10, 3))
    assert person.phone == "13912345678" and person.union == world.hebei_union
    assert person.skill_level_id == "technician" and person.occupation_group_id == "6"
    html = client.get(response["Location"]).content.decode()
    assert "Female" in html and "1985-10-03" in html and "(from the ID number)" in html
    assert mask_id_number(data["id_number"]) in html and mask_phone(data["phone"]) in html


def test_the_create_form_offers_the_users_employers_and_unions(client, world):
    client.force_login(world.users["hebei_clerk"])
    form = client.get(reverse("people:create")).context["form"]
    assert list(form.fields["employer"].queryset) == [world.hebei_enterprise]
    assert list(form.fields["union"].queryset) == [world.hebei_union]
    assert form.initial == {"employer": world.hebei_enterprise.pk, "union": world.hebei_union.pk}
    client.force_login(world.users["henan_officer"])
    form = client.get(reverse("people:create")).context["form"]
    assert list(form.fields["employer"].queryset) == [world.henan_enterprise]
    # Posting an employer outside the list is refused by the form.
    response = client.post(reverse("people:create"), _form(world, union=""))
    assert response.status_code == 200 and "employer" in response.context["form"].errors
    assert not Person.objects.exists()


def test_union_field_follows_the_employer(client, world):
    client.force_login(world.users["hebei_officer"])
    url = reverse("people:union_field")
    html = client.get(url, {"employer": world.hebei_enterprise.pk}).content.decode()
    assert 'id="union-field"' in html and world.hebei_union.name in html
    html = client.get(url, {"employer": world.henan_enterprise.pk}).content.decode()
    assert world.hebei_union.name in html  # unknown employer: every union in scope
    client.force_login(world.users["expert"])
    assert client.get(url).status_code == 404


def test_errors_keep_every_answer_without_echoing_numbers(en_client, world):
    client = en_client
    client.force_login(world.users["hebei_clerk"])
    data = _form(world, email="not-an-email", skill_certified_on="2030-01-01")
    response = client.post(reverse("people:create"), data)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    html = response.content.decode()
    form = response.context["form"]
    assert set(form.errors) == {"email", "skill_certified_on"}
    for value in ("陈秀兰", "班组长", "电工", "T2019-0001", "not-an-email", "2030-01-01"):
        assert value in html
    # The numbers come back masked, and sealed in hidden inputs.
    assert mask_id_number(data["id_number"]) in html and data["id_number"] not in html
    assert mask_phone(data["phone"]) in html
    assert "Shown masked" in html
    # Sending the form again as shown (masked values + sealed inputs) keeps the numbers.
    again = _form(
        world,
        id_number=mask_id_number(data["id_number"]),
        phone=mask_phone(data["phone"]),
        **{
            f"id_number{KEPT_SUFFIX}": _kept(html, "id_number"),
            f"phone{KEPT_SUFFIX}": _kept(html, "phone"),
        },
    )
    response = client.post(reverse("people:create"), again)
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.id_number == data["id_number"] and person.phone == data["phone"]


def test_a_kept_value_cannot_be_forged_or_swapped(client, world):
    client.force_login(world.users["hebei_clerk"])
    data = _form(world, email="bad")
    html = client.post(reverse("people:create"), data).content.decode()
    phone_token = _kept(html, "phone")
    # A phone token offered as the ID number is ignored (each is sealed for its field).
    response = client.post(
        reverse("people:create"),
        _form(
            world,
            id_number=mask_phone(data["phone"]),
            **{f"id_number{KEPT_SUFFIX}": phone_token},
        ),
    )
    assert "id_number" in response.context["form"].errors
    response = client.post(
        reverse("people:create"),
        _form(world, id_number="130102********1234", **{f"id_number{KEPT_SUFFIX}": "v1:x:junk"}),
    )
    assert "id_number" in response.context["form"].errors
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("12345", "18 characters"),
        ("130102197802301234", "not a valid date"),
    ],
)
def test_id_number_errors_are_shown_on_the_field(en_client, world, number, message):
    en_client.force_login(world.users["hebei_clerk"])
    response = en_client.post(reverse("people:create"), _form(world, id_number=number))
    assert message in " ".join(response.context["form"].errors["id_number"])
    assert "陈秀兰" in response.content.decode()


def test_check_digit_error(en_client, world):
    en_client.force_login(world.users["hebei_clerk"])
    good = valid_id_number()
    wrong = good[:17] + ("1" if good[17] == "0" else "0")
    response = en_client.post(reverse("people:create"), _form(world, id_number=wrong))
    assert "check digit" in " ".join(response.context["form"].errors["id_number"])


def test_duplicate_inside_the_scope_links_to_the_profile(en_client, world, hebei_person):
    en_client.force_login(world.users["sjz_officer"])
    response = en_client.post(
        reverse("people:create"), _form(world, id_number=hebei_person.id_number, name="张建华")
    )
    html = response.content.decode()
    assert "A profile with this ID number already exists." in html
    assert reverse("people:detail", args=[hebei_person.pk]) in html
    assert "take_over" not in html
    assert Person.objects.count() == 1


def test_duplicate_outside_the_scope_offers_the_take_over(en_client, world, henan_person):
    client = en_client
    client.force_login(world.users["hebei_clerk"])
    data = _form(world, id_number=henan_person.id_number, name="李卫", position="焊接技师")
    response = client.post(reverse("people:create"), data)
    html = response.content.decode()
    assert "already exists in another unit" in html
    assert 'name="take_over"' in html
    # Nothing says who keeps the profile, or links to it.
    for secret in (world.henan_enterprise.name, world.zhengzhou.name, henan_person.name):
        assert secret not in html
    assert reverse("people:detail", args=[henan_person.pk]) not in html

    # The name must match: the wrong one is refused, with the same discretion.
    wrong = client.post(reverse("people:create"), {**data, "take_over": "1"})
    html = wrong.content.decode()
    assert "No profile matches this ID number and name." in html
    assert world.henan_enterprise.name not in html and 'name="take_over"' in html
    henan_person.refresh_from_db()
    assert henan_person.employer == world.henan_enterprise

    right = client.post(
        reverse("people:create"), {**data, "name": henan_person.name, "take_over": "1"}
    )
    assert right.status_code == 302
    assert right["Location"] == reverse("people:edit", args=[henan_person.pk])
    henan_person.refresh_from_db()
    assert henan_person.employer == world.hebei_enterprise
    assert henan_person.union == world.hebei_union
    assert henan_person.position == "焊接技师"  # the answers given were applied
    assert henan_person.gender == "female"  # identity untouched
    assert AuditEvent.objects.filter(action="person.moved").count() == 1
    assert client.get(right["Location"]).status_code == 200


def test_edit_keeps_the_phone_masked_and_saves_changes(client, world, hebei_person):
    client.force_login(world.users["hebei_clerk"])
    url = reverse("people:edit", args=[hebei_person.pk])
    html = client.get(url).content.decode()
    assert mask_phone(PHONE) in html
    form = client.get(url).context["form"]
    data = {name: (form[name].value() or "") for name in form.fields}
    data.update(
        {
            "phone": mask_phone(PHONE),
            f"phone{KEPT_SUFFIX}": _kept(html, "phone"),
            "position": "首席技师工作室负责人",
            "union": str(world.hebei_union.pk),
            "industry": "31",
            "skill_level": "senior_technician",
            "skill_certified_on": "2015-06-01",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    hebei_person.refresh_from_db()
    assert hebei_person.position == "首席技师工作室负责人"
    assert hebei_person.phone == PHONE
    # Clearing the phone really clears it.
    data.pop(f"phone{KEPT_SUFFIX}")
    data["phone"] = ""
    client.post(url, data)
    hebei_person.refresh_from_db()
    assert hebei_person.phone == "" and hebei_person.phone_index == ""


def test_the_clerk_cannot_drop_the_union(en_client, world, hebei_person):
    en_client.force_login(world.users["hebei_clerk"])
    url = reverse("people:edit", args=[hebei_person.pk])
    response = en_client.post(url, {"name": "张建华", "union": ""})
    assert "union" in response.context["form"].errors
    hebei_person.refresh_from_db()
    assert hebei_person.union == world.hebei_union


# --- The profile page -------------------------------------------------------------------


def test_profile_page_sections(en_client, world, hebei_person):
    en_client.force_login(world.users["hebei_clerk"])
    html = en_client.get(reverse("people:detail", args=[hebei_person.pk])).content.decode()
    for anchor in (
        "identity",
        "employment",
        "record-work",
        "record-honor",
        "record-contest",
        "record-achievement",
        "record-project",
        "record-apprentice",
        "attachments",
        "nominations",
    ):
        assert f'id="{anchor}"' in html
    assert (
        "Front-line production work: 255 months in total (21 years 3 months) as of 2026-06-15"
        in html
    )
    assert "石家庄钢铁有限责任公司工会" in html and "高级技师" in html
    # A unit clerk may not reveal numbers (officers may).
    assert "Show the full number" not in html


def test_profile_page_queries_do_not_grow_with_the_record(
    client, world, hebei_person, django_assert_max_num_queries
):
    from jiangxin.people import actions

    client.force_login(world.users["hebei_officer"])
    url = reverse("people:detail", args=[hebei_person.pk])
    with django_assert_max_num_queries(25) as few:
        client.get(url)
    clerk = world.users["hebei_clerk"]
    for year in range(2010, 2020):
        actions.do_save_record(
            acting_user=clerk,
            person_id=hebei_person.pk,
            kind="apprentice",
            fields={
                "name": f"徒弟{year}",
                "since_year": year,
                "skill_level_reached_id": "technician",
            },
        )
        actions.do_save_record(
            acting_user=clerk,
            person_id=hebei_person.pk,
            kind="honor",
            fields={"title": f"荣誉{year}", "level": "city", "year": year},
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "徒弟2019" in response.content.decode()


@pytest.mark.reveals_personal_data
def test_an_officer_reveals_a_number_with_a_reason(en_client, world, hebei_person):
    client = en_client
    client.force_login(world.users["hebei_officer"])
    html = client.get(reverse("people:detail", args=[hebei_person.pk])).content.decode()
    assert "Show the full number" in html
    url = reverse("people:reveal", args=[hebei_person.pk, "id_number"])
    refused = client.post(url, {"id_number-reason": ""})
    assert hebei_person.id_number not in refused.content.decode()
    assert not AuditEvent.objects.filter(action="personal_data.revealed").exists()
    shown = client.post(url, {"id_number-reason": "核实身份信息"})
    assert hebei_person.id_number in shown.content.decode()
    assert PHONE not in shown.content.decode()  # only the number asked for
    assert shown["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="personal_data.revealed")
    assert event.summary == {"field": "id_number", "reason": "核实身份信息"}
    # htmx gets the identity block alone.
    phone = client.post(
        reverse("people:reveal", args=[hebei_person.pk, "phone"]),
        {"phone-reason": "联系本人核实"},
        headers={"HX-Request": "true"},
    )
    body = phone.content.decode()
    assert PHONE in body and body.lstrip().startswith('<section id="identity"')
    # Shown once: the next page view is masked again.
    again = client.get(reverse("people:detail", args=[hebei_person.pk])).content.decode()
    assert hebei_person.id_number not in again and PHONE not in again


def test_reveal_refusals(client, world, hebei_person):
    client.force_login(world.users["hebei_clerk"])
    response = client.post(
        reverse("people:reveal", args=[hebei_person.pk, "id_number"]),
        {"id_number-reason": "我想看看号码"},
    )
    assert response.status_code == 200
    assert hebei_person.id_number not in response.content.decode()
    assert AuditEvent.objects.get(action="personal_data.revealed").outcome == "denied"
    assert (
        client.post(
            reverse("people:reveal", args=[hebei_person.pk, "email"]), {"email-reason": "xxxx"}
        ).status_code
        == 404
    )


@pytest.fixture
def nomination(world):  # type: ignore[no-untyped-def]
    campaign = make_campaign(
        world.users["program_officer"], world.acftu, allocations={world.hebei: 2}
    )
    return make_nomination(
        world.users["hebei_clerk"],
        campaign,
        world.hebei_union,
        world.hebei_enterprise,
        name="孙立国",
    )


def test_a_locked_profile_shows_a_notice_and_no_edit_controls(en_client, world, nomination):
    client = en_client
    person = nomination.person
    client.force_login(world.users["hebei_clerk"])
    html = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "part of a submitted nomination" in html
    assert reverse("people:edit", args=[person.pk]) not in html
    assert reverse("people:record_add", args=[person.pk, "work"]) not in html
    assert reverse("people:attachment_upload", args=[person.pk]) not in html
    assert "record_delete" not in html and "/delete/" not in html
    # The partials refuse with the same notice; the edit page sends back to the profile.
    response = client.post(
        reverse("people:record_add", args=[person.pk, "honor"]),
        {"honor-year": "2020", "honor-title": "x", "honor-level": "city"},
        headers={"HX-Request": "true"},
    )
    assert "cannot change until the nomination is returned" in response.content.decode()
    assert not person.honors.exists()
    assert client.get(reverse("people:edit", args=[person.pk])).status_code == 302


def test_the_talent_pipeline_lists_the_nominations(en_client, world, nomination):
    client = en_client
    person = nomination.person
    client.force_login(world.users["hebei_officer"])
    html = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert nomination.number in html
    assert reverse("nominations:detail", args=[nomination.pk]) in html
    assert nomination.campaign.name in html and "2026" in html
    assert nomination.get_status_display() in html
    # The program officer of the issuing organization sees the submitted nomination too.
    client.force_login(world.users["program_officer"])
    assert (
        nomination.number in client.get(reverse("people:detail", args=[person.pk])).content.decode()
    )
