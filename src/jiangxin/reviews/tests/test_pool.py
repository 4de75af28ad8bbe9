"""The expert pool: creating an expert makes their account (no usable password) and grants the
expert role on the pool; program officers keep only the pools under them (404 otherwise);
the list filters, exports with masked phones and runs in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jiangxin.accounts.models import Role, RoleGrant
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.models import AuditEvent
from jiangxin.reference.models import Industry, Region
from jiangxin.reviews import pool
from jiangxin.reviews.models import ExpertProfile, Invitation
from tests.factories import (
    invite,
    make_accepted_nominations,
    make_campaign,
    make_pool_expert,
    make_user,
)

pytestmark = pytest.mark.usefixtures("campaign_day")

PHONE = "13912345678"


@pytest.fixture
def hebei_po(world):  # type: ignore[no-untyped-def]
    return make_user("hebeipo", role=Role.PROGRAM_OFFICER, org=world.hebei)


@pytest.fixture
def henan_po(world):  # type: ignore[no-untyped-def]
    return make_user("henanpo", role=Role.PROGRAM_OFFICER, org=world.henan)


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.cookies["jiangxin_language"] = "en"
    client.force_login(user)
    return client


def _create(officer, pool_org, **extra):  # type: ignore[no-untyped-def]
    return pool.do_create_expert(
        acting_user=officer,
        pool_id=pool_org.pk,
        username=extra.pop("username", "wanglx"),
        full_name="王立新",
        email="wanglx@example.cn",
        phone=PHONE,
        fields={
            "organization": None,
            "employer_name": "燕山大学",
            "title": "教授",
            "region": Region.objects.get(code="130100"),
            "industries": [Industry.objects.get(code="C"), Industry.objects.get(code="31")],
            "skill_domains": ["焊接", " 焊接 ", "数控加工"],
            "tiers": ["national", "provincial"],
            "default_max_load": 20,
            **extra,
        },
        employment=[
            pool.EmploymentRow(
                employer_name="石家庄钢铁有限公司",
                start=dt.date(1990, 7, 1),
                end=dt.date(2000, 6, 30),
            )
        ],
    )


# --- Actions ----------------------------------------------------------------------------------


def test_create_expert_makes_the_account_role_and_profile(world, hebei_po):  # type: ignore[no-untyped-def]
    expert = _create(hebei_po, world.hebei)
    user = expert.user
    assert not user.has_usable_password()  # chosen when accepting the first invitation
    assert not user.must_change_password
    assert RoleGrant.objects.filter(
        user=user, organization=world.hebei, role=Role.EXPERT, revoked_at__isnull=True
    ).exists()
    assert expert.pool == world.hebei and expert.created_by == hebei_po
    assert expert.skill_domains == ["焊接", "数控加工"]
    assert expert.tiers == ["national", "provincial"]
    assert {i.pk for i in expert.industries.all()} == {"C", "31"}
    assert list(expert.employment.values_list("employer_name", flat=True)) == ["石家庄钢铁有限公司"]
    event = AuditEvent.objects.get(action="expert.created")
    assert PHONE not in str(event.summary)


def test_create_refuses_outside_the_officers_pools(world, hebei_po, henan_po):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        _create(henan_po, world.hebei)
    with pytest.raises(DomainError) as exc:
        _create(hebei_po, world.hebei_enterprise)  # an enterprise keeps no pool
    assert exc.value.rule == "expert.pool_kind"
    with pytest.raises(DomainError) as exc:
        pool.do_create_expert(
            acting_user=hebei_po,
            pool_id=world.hebei.pk,
            username="noemail",
            full_name="无邮箱",
            email="",
            fields={"employer_name": "某单位"},
        )
    assert exc.value.rule == "expert.email_required"


def test_update_replaces_employment_and_masks_the_phone_in_the_audit(world, hebei_po):  # type: ignore[no-untyped-def]
    expert = _create(hebei_po, world.hebei)
    pool.do_update_expert(
        acting_user=hebei_po,
        expert_id=expert.pk,
        fields={"employer_name": "河北工业大学", "title": "研究员"},
        employment=[pool.EmploymentRow(employer_name="唐山钢铁", start=dt.date(2001, 1, 1))],
        phone="13700001111",
        email="new@example.cn",
    )
    expert.refresh_from_db()
    assert expert.employer_name == "河北工业大学" and expert.title == "研究员"
    assert list(expert.employment.values_list("employer_name", flat=True)) == ["唐山钢铁"]
    assert expert.user.phone == "13700001111" and expert.user.email == "new@example.cn"
    summary = AuditEvent.objects.get(action="expert.updated").summary
    assert summary["after"]["phone"] == "changed"


def test_deactivating_withdraws_unanswered_invitations(world):  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    campaign = make_campaign(officer, world.acftu, allocations={world.hebei: 1})
    make_accepted_nominations(world, campaign, [{"name": "张建华"}])
    expert = make_pool_expert(officer, world.acftu)
    issued = invite(officer, campaign, expert)
    pool.do_set_expert_active(acting_user=officer, expert_id=expert.pk, active=False)
    issued.invitation.refresh_from_db()
    assert issued.invitation.status == Invitation.Status.WITHDRAWN
    assert pool.find_open_invitation(issued.token) is None
    with pytest.raises(DomainError) as exc:
        invite(officer, campaign, expert)
    assert exc.value.rule == "expert.inactive"


def test_existing_account_joins_a_pool(world):  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    user = world.users["expert"]  # holds the expert role on ACFTU already
    expert = pool.do_add_expert_profile(
        acting_user=officer,
        pool_id=world.acftu.pk,
        user_id=user.pk,
        fields={"employer_name": "清华大学"},
    )
    assert expert.user == user and user.has_usable_password()
    assert RoleGrant.objects.filter(user=user, role=Role.EXPERT).count() == 1
    with pytest.raises(DomainError):
        pool.do_add_expert_profile(
            acting_user=officer,
            pool_id=world.acftu.pk,
            user_id=user.pk,
            fields={"employer_name": "x"},
        )


# --- Scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("program_officer", 200),  # ACFTU: every pool below
        ("hebei_po", 200),
        ("henan_po", 404),  # another province's program officer
        ("hebei_officer", 404),  # recommending officers keep no pool
        ("hebei_clerk", 404),
        ("expert", 404),
        ("craftsman", 404),
        ("security_admin", 404),
    ],
)
def test_pool_pages_answer_404_outside_the_scope(world, hebei_po, henan_po, who, status):  # type: ignore[no-untyped-def]
    expert = _create(hebei_po, world.hebei)
    user = {"hebei_po": hebei_po, "henan_po": henan_po}.get(who) or world.users[who]
    client = signed_in(user)
    for name in ("reviews:pool_detail", "reviews:pool_edit"):
        assert client.get(reverse(name, args=[expert.pk])).status_code == status, name
    response = client.post(reverse("reviews:pool_set_active", args=[expert.pk]), {"active": "0"})
    assert response.status_code == (302 if status == 200 else 404)
    list_status = client.get(reverse("reviews:pool_list")).status_code
    export_status = client.get(reverse("reviews:pool_export")).status_code
    if who in ("program_officer", "hebei_po", "henan_po"):
        assert list_status == export_status == 200
    else:
        assert list_status == export_status == 404


def test_list_shows_only_the_pools_in_scope(world, hebei_po, henan_po):  # type: ignore[no-untyped-def]
    _create(hebei_po, world.hebei)
    make_pool_expert(henan_po, world.henan, full_name="周河南")
    body = signed_in(henan_po).get(reverse("reviews:pool_list")).content.decode()
    assert "周河南" in body and "王立新" not in body
    body = (
        signed_in(world.users["program_officer"]).get(reverse("reviews:pool_list")).content.decode()
    )
    assert "周河南" in body and "王立新" in body
    assert "139****5678" in body and PHONE not in body  # masked


# --- Pages ------------------------------------------------------------------------------------


def test_create_page_makes_an_expert(world, hebei_po):  # type: ignore[no-untyped-def]
    client = signed_in(hebei_po)
    url = reverse("reviews:pool_create")
    assert client.get(url).status_code == 200
    data = {
        "username": "liuq",
        "pool": world.hebei.pk,
        "full_name": "刘 强",
        "email": "liuq@example.cn",
        "phone": "",
        "employer_name": "",
        "organization": "",
        "skill_domains": "焊接，装配、检测",
        "tiers": ["national"],
        "employment-TOTAL_FORMS": "2",
        "employment-INITIAL_FORMS": "0",
        "employment-MIN_NUM_FORMS": "0",
        "employment-MAX_NUM_FORMS": "30",
        "employment-0-employer_name": "邢台钢铁",
        "employment-0-start": "2001-01-01",
        "employment-0-end": "2000-01-01",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # errors: no employer, and a row ending before it starts
    body = response.content.decode()
    assert "Name the organization the expert works for." in body
    assert "The end date is before the start date." in body
    assert not ExpertProfile.objects.exists()
    data.update({"employer_name": "河北工业大学", "employment-0-end": "2005-01-01"})
    response = client.post(url, data)
    assert response.status_code == 302
    expert = ExpertProfile.objects.get()
    assert expert.user.full_name == "刘 强"
    assert expert.skill_domains == ["焊接", "装配", "检测"]
    assert list(expert.employment.values_list("employer_name", flat=True)) == ["邢台钢铁"]


def test_edit_and_deactivate_pages(world, hebei_po):  # type: ignore[no-untyped-def]
    expert = _create(hebei_po, world.hebei)
    client = signed_in(hebei_po)
    url = reverse("reviews:pool_edit", args=[expert.pk])
    body = client.get(url).content.decode()
    assert PHONE not in body and "139****5678" in body
    assert "石家庄钢铁有限公司" in body  # the employment rows
    detail = client.get(reverse("reviews:pool_detail", args=[expert.pk])).content.decode()
    assert "燕山大学" in detail and "139****5678" in detail
    client.post(reverse("reviews:pool_set_active", args=[expert.pk]), {"active": "0"})
    expert.refresh_from_db()
    assert not expert.is_active


def test_list_filters_and_query_count(world, hebei_po, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    _create(hebei_po, world.hebei)
    for i in range(6):
        make_pool_expert(hebei_po, world.hebei, employer_name=f"某厂{i}", tiers=["municipal"])
    client = signed_in(hebei_po)
    url = reverse("reviews:pool_list")
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('href="/reviews/pool/') >= 7
    body = client.get(url, {"section": "C"}).content.decode()
    assert "王立新" in body and "某厂1" not in body
    body = client.get(url, {"tier": "national"}).content.decode()
    assert "王立新" in body and "某厂1" not in body
    body = client.get(url, {"region": "130000"}).content.decode()  # the province of 石家庄
    assert "王立新" in body and "某厂1" not in body
    body = client.get(url, {"q": "某厂3"}).content.decode()
    assert "某厂3" in body and "王立新" not in body


def test_export_masks_phones_and_is_audited(world, hebei_po):  # type: ignore[no-untyped-def]
    _create(hebei_po, world.hebei)
    response = signed_in(hebei_po).get(reverse("reviews:pool_export"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[1][0] == "王立新"
    assert "139****5678" in rows[1] and PHONE not in rows[1]
    assert AuditEvent.objects.get(action="expert_pool.exported").summary["rows"] == 1
