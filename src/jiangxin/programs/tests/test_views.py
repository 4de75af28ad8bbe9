"""The policy, campaign and quota pages: scope per role, forms, htmx partials, query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from jiangxin.accounts.models import Role
from jiangxin.programs import actions
from jiangxin.programs.display import optional_url
from jiangxin.programs.models import Campaign, CampaignStaff, PolicyVersion, QuotaAllocation
from tests.factories import CAMPAIGN_DATES, make_campaign, make_user, policy

pytestmark = pytest.mark.usefixtures("campaign_day")

ROLES = [
    "program_officer",
    "hebei_officer",
    "henan_officer",
    "sjz_officer",
    "hebei_clerk",
    "expert",
    "craftsman",
    "system_admin",
    "security_admin",
    "audit_admin",
]
CAMPAIGN_READERS = {
    "program_officer",
    "hebei_officer",
    "henan_officer",
    "sjz_officer",
    "hebei_clerk",
}
POLICY_READERS = CAMPAIGN_READERS | {"expert"}


def client_for(world, role: str) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.cookies["jiangxin_language"] = "en"
    client.force_login(world.users[role])
    return client


@pytest.fixture
def deployed(world):  # type: ignore[no-untyped-def]
    """ACFTU's national campaign, deployed with Hebei 120 and Henan 80 slots."""
    return make_campaign(
        world.users["program_officer"],
        world.acftu,
        allocations={world.hebei: 120, world.henan: 80},
        name="2026年度大国工匠遴选",
    )


def _draft(world, year: int = 2027, **kw):  # type: ignore[no-untyped-def]
    return actions.do_create_campaign(
        acting_user=world.users["program_officer"],
        issuing_org_id=world.acftu.pk,
        tier="national",
        year=year,
        name=kw.pop("name", f"{year}年度大国工匠遴选（草案）"),
        policy_version_id=policy().pk,
        dates=kw.pop("dates", CAMPAIGN_DATES),
        **kw,
    )


@pytest.fixture
def draft(world):  # type: ignore[no-untyped-def]
    return _draft(world, target=10)


@pytest.fixture
def draft_version(world):  # type: ignore[no-untyped-def]
    return actions.do_copy_policy_version(
        acting_user=world.users["program_officer"],
        version_id=policy().pk,
        code="2026-draft",
        name_zh="2026 草案",
        name_en="2026 draft",
    )


def _status(world, role: str, url: str) -> int:  # type: ignore[no-untyped-def]
    return client_for(world, role).get(url).status_code


# --- Scope per role ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_policy_pages_per_role(world, draft_version, role: str) -> None:  # type: ignore[no-untyped-def]
    published = policy()
    reader = role in POLICY_READERS
    editor = role == "program_officer"
    expected = {
        reverse("programs:policy_list"): 200 if reader else 404,
        reverse("programs:policy_detail", args=[published.pk]): 200 if reader else 404,
        reverse("programs:policy_detail", args=[draft_version.pk]): 200 if editor else 404,
        reverse("programs:policy_copy", args=[published.pk]): 200 if editor else 404,
        reverse("programs:policy_edit", args=[draft_version.pk]): 200 if editor else 404,
        reverse("programs:policy_tiers", args=[draft_version.pk]): 200 if editor else 404,
        reverse(
            "programs:dimension_edit",
            args=[draft_version.pk, draft_version.dimensions.first().pk],  # type: ignore[union-attr]
        ): 200 if editor else 404,
        reverse(
            "programs:rule_edit",
            args=[draft_version.pk, draft_version.rules.first().pk],  # type: ignore[union-attr]
        ): 200 if editor else 404,
    }
    client = client_for(world, role)
    for url, status in expected.items():
        assert client.get(url).status_code == status, url
    response = client.post(reverse("programs:policy_publish", args=[draft_version.pk]))
    assert response.status_code == (302 if editor else 404)


@pytest.mark.parametrize("role", ROLES)
def test_campaign_pages_per_role(world, deployed, draft, role: str) -> None:  # type: ignore[no-untyped-def]
    reader = role in CAMPAIGN_READERS
    runner = role == "program_officer"
    hebei_allocation = QuotaAllocation.objects.get(campaign=deployed, organization=world.hebei)
    expected = {
        reverse("programs:campaign_list"): 200 if reader else 404,
        reverse("programs:campaign_detail", args=[deployed.pk]): 200 if reader else 404,
        reverse("programs:allocation_export", args=[deployed.pk]): 200 if reader else 404,
        reverse("programs:campaign_detail", args=[draft.pk]): 200 if runner else 404,
        reverse("programs:campaign_create"): 200 if runner else 404,
        reverse("programs:campaign_edit", args=[draft.pk]): 200 if runner else 404,
        reverse("programs:campaign_edit", args=[deployed.pk]): 200 if runner else 404,
        reverse("programs:allocations", args=[draft.pk]): 200 if runner else 404,
        # Allocations are fixed once deployed: no page, even for the program officer.
        reverse("programs:allocations", args=[deployed.pk]): 404,
        reverse("programs:campaign_staff", args=[deployed.pk]): 200 if runner else 404,
        # Only Hebei's own officer splits Hebei's allocation.
        reverse("programs:allocation_split", args=[deployed.pk, hebei_allocation.pk]): (
            200 if role == "hebei_officer" else 404
        ),
    }
    client = client_for(world, role)
    for url, status in expected.items():
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize("role", [r for r in ROLES if r != "program_officer"])
def test_campaign_posts_by_others_are_404_and_change_nothing(
    world, deployed, draft, role: str
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, role)
    posts = [
        (reverse("programs:campaign_deploy", args=[draft.pk]), {}),
        (reverse("programs:campaign_close_recommendation", args=[deployed.pk]), {}),
        (reverse("programs:campaign_open_format_check", args=[deployed.pk]), {}),
        (reverse("programs:campaign_edit", args=[draft.pk]), {"name": "x"}),
        (
            reverse("programs:allocations", args=[draft.pk]),
            {"action": "save", "org": [world.hebei.pk], f"slots-{world.hebei.pk}": "1"},
        ),
        (
            reverse("programs:campaign_staff", args=[deployed.pk]),
            {"user": world.users["expert"].pk},
        ),
        (reverse("programs:campaign_create"), {"name": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    draft.refresh_from_db()
    deployed.refresh_from_db()
    assert draft.status == Campaign.Status.DRAFT
    assert deployed.status == Campaign.Status.DEPLOYED
    assert not QuotaAllocation.objects.filter(campaign=draft).exists()
    assert not CampaignStaff.objects.exists()
    assert Campaign.objects.count() == 2


def test_missing_and_forbidden_campaigns_look_alike(world, draft) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "hebei_officer")
    forbidden = client.get(reverse("programs:campaign_detail", args=[draft.pk]))
    missing = client.get(reverse("programs:campaign_detail", args=[999_999]))
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.content == missing.content


def test_a_city_officer_and_another_province_cannot_split(world, deployed) -> None:  # type: ignore[no-untyped-def]
    hebei_allocation = QuotaAllocation.objects.get(campaign=deployed, organization=world.hebei)
    url = reverse("programs:allocation_split", args=[deployed.pk, hebei_allocation.pk])
    data = {
        "action": "save",
        "org": [world.shijiazhuang.pk],
        f"slots-{world.shijiazhuang.pk}": "5",
    }
    for role in ("sjz_officer", "henan_officer", "program_officer", "hebei_clerk"):
        assert client_for(world, role).post(url, data).status_code == 404, role
    assert not QuotaAllocation.objects.filter(parent=hebei_allocation).exists()


# --- Policy pages -----------------------------------------------------------------------------


def test_policy_detail_shows_everything_readably(world) -> None:  # type: ignore[no-untyped-def]
    make_campaign(world.users["program_officer"], world.acftu, deploy=False)
    response = client_for(world, "expert").get(
        reverse("programs:policy_detail", args=[policy().pk])
    )
    text = response.content.decode()
    for expected in (
        "Leadership",  # a dimension, in English
        "0–20",  # its score range
        "100 to 800 characters",
        "Excellent",  # a rubric level
        "At least 60 months (5 years) of front-line production work.",
        "Skill level Senior technician (Level 1) or higher.",
        "Favoured industry sections: A ",
        "Required (blocks submission)",
        "Advisory (shown, does not block)",
        "《大国工匠人才培育工程实施办法（试行）》「5年以上一线生产现场工作经历」",  # citation
        "依据中华全国总工会",  # the source note
        "used by a campaign and can no longer change. Copy it",
    ):
        assert expected in text, expected
    assert "Copy to a new version" not in text  # experts read only
    assert reverse("programs:policy_publish", args=[policy().pk]) not in text


def test_copy_form_makes_a_draft_and_shows_its_source(world) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    url = reverse("programs:policy_copy", args=[policy().pk])
    response = client.post(url, {"code": "2024-trial", "name_zh": "副本"})
    assert response.status_code == 200
    assert "Another policy version has this code." in response.content.decode()
    assert 'value="副本"' in response.content.decode()
    response = client.post(url, {"code": "2026-rev", "name_zh": "2026 修订", "name_en": ""})
    copy = PolicyVersion.objects.get(code="2026-rev")
    assert response["Location"] == reverse("programs:policy_detail", args=[copy.pk])
    page = client.get(response["Location"]).content.decode()
    assert "This version is a draft" in page
    assert reverse("programs:policy_detail", args=[policy().pk]) in page  # copied from
    assert reverse("programs:policy_edit", args=[copy.pk]) in page


def test_read_only_version_edit_pages_redirect_with_the_note(world) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    url = reverse("programs:policy_edit", args=[policy().pk])
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("programs:policy_detail", args=[policy().pk])
    assert "A published policy version cannot change" in response.content.decode()
    response = client.post(url, {"name_zh": "改"})
    assert response.status_code == 302
    assert policy().name_zh == "2024 试行"


def test_edit_a_draft_version_through_the_forms(world, draft_version) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    v = draft_version
    settings_url = reverse("programs:policy_edit", args=[v.pk])
    form = client.get(settings_url).context["form"]
    data = {k: ("" if val is None else val) for k, val in form.initial.items()}
    data["issued_on"] = "2026-01-01"
    data["panel_pass_numerator"] = 4
    data["panel_pass_denominator"] = 3
    response = client.post(settings_url, data)
    assert response.status_code == 200
    assert "The pass threshold cannot be more than all members." in response.content.decode()
    data["panel_pass_numerator"] = 3
    data["notice_working_days"] = 7
    assert client.post(settings_url, data).status_code == 302
    v.refresh_from_db()
    assert (v.notice_working_days, v.panel_pass_numerator) == (7, 3)

    tiers_url = reverse("programs:policy_tiers", args=[v.pk])
    response = client.post(tiers_url, {"national": "-1", "provincial": "1000", "municipal": "5000"})
    assert response.status_code == 200 and 'value="1000"' in response.content.decode()
    assert (
        client.post(
            tiers_url, {"national": "300", "provincial": "1000", "municipal": "5000"}
        ).status_code
        == 302
    )
    assert v.tiers.get(tier="national").yearly_target == 300

    dimension = v.dimensions.get(code="leadership")
    dim_url = reverse("programs:dimension_edit", args=[v.pk, dimension.pk])
    page = client.get(dim_url)
    formset = page.context["formset"]
    assert formset.total_form_count() == 5  # four levels and one empty row
    data = {
        "name_zh": "引领力",
        "name_en": "Leadership",
        "description_zh": "",
        "description_en": "",
        "weight": "2",
        "score_min": "0",
        "score_max": "10",
        "statement_min_chars": "100",
        "statement_max_chars": "800",
        "levels-TOTAL_FORMS": "2",
        "levels-INITIAL_FORMS": "0",
        "levels-MIN_NUM_FORMS": "0",
        "levels-MAX_NUM_FORMS": "1000",
        "levels-0-label_zh": "高",
        "levels-0-score_from": "6",
        "levels-0-score_to": "20",  # beyond the new range
        "levels-0-descriptor_zh": "高水平",
        "levels-1-label_zh": "低",
        "levels-1-score_from": "0",
        "levels-1-score_to": "5",
        "levels-1-descriptor_zh": "低水平",
    }
    response = client.post(dim_url, data)
    assert response.status_code == 200
    assert "Each rubric band must lie within the dimension" in response.content.decode()
    assert "高水平" in response.content.decode()  # typed text kept
    data["levels-0-score_to"] = "10"
    assert client.post(dim_url, data).status_code == 302
    dimension.refresh_from_db()
    assert dimension.score_max == 10 and dimension.weight == Decimal("2.00")
    assert list(dimension.levels.values_list("label_zh", flat=True)) == ["高", "低"]

    rule = v.rules.get(code="skill-national")
    rule_url = reverse("programs:rule_edit", args=[v.pk, rule.pk])
    assert client.get(rule_url).status_code == 200
    response = client.post(
        rule_url,
        {
            "severity": "advisory",
            "tiers": ["national", "provincial"],
            "title_zh": "技能",
            "title_en": "",
            "article": "第六条",
            "basis": "依据",
            "min_skill_level": "technician",
            "honor_levels": ["national"],
            "contest_levels": [],
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.severity == "advisory"
    assert rule.tiers == ["national", "provincial"]
    assert rule.article == "第六条"
    assert rule.params == {
        "min_skill_level": "technician",
        "honor_levels": ["national"],
        "contest_levels": [],
    }
    response = client.post(reverse("programs:policy_publish", args=[v.pk]), follow=True)
    v.refresh_from_db()
    assert v.status == PolicyVersion.Status.PUBLISHED
    assert "A published policy version cannot change" in response.content.decode()


# --- Campaign pages ---------------------------------------------------------------------------


def _create_data(world, **changes: object) -> dict[str, object]:  # type: ignore[no-untyped-def]
    data: dict[str, object] = {
        "issuing_org": world.acftu.pk,
        "tier": "national",
        "year": 2026,
        "name": "2026年度大国工匠遴选",
        "policy_version": policy().pk,
        "target": "",
        "recommendation_ratio": "",
        "description": "",
        **{k: v.isoformat() for k, v in CAMPAIGN_DATES.items()},
    }
    data.update(changes)
    return data


def test_create_shows_calendar_errors_per_field_and_keeps_input(world) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    url = reverse("programs:campaign_create")
    page = client.get(url)
    assert [c[0] for c in page.context["form"].fields["tier"].choices] == ["national"]
    response = client.post(url, _create_data(world, recommendation_closes="2026-10-01"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "2026-10-08" in form.errors["recommendation_closes"][0]
    assert "format_check_ends" in form.errors  # must come after the deadline
    text = response.content.decode()
    assert 'value="2026年度大国工匠遴选"' in text
    assert 'value="2026-10-01"' in text
    assert not Campaign.objects.exists()
    response = client.post(url, _create_data(world))
    campaign = Campaign.objects.get()
    assert response["Location"] == reverse("programs:campaign_detail", args=[campaign.pk])
    assert (campaign.target, campaign.status) == (200, Campaign.Status.DRAFT)


def test_create_limits_the_tier_to_what_the_issuer_issues(world) -> None:  # type: ignore[no-untyped-def]
    officer = make_user("hbprog", role=Role.PROGRAM_OFFICER, org=world.hebei)
    from jiangxin.accounts.actions import do_grant_role

    do_grant_role(
        acting_user=None,
        user_id=officer.pk,
        organization_id=world.shijiazhuang.pk,
        role=Role.PROGRAM_OFFICER,
    )
    client = Client()
    client.cookies["jiangxin_language"] = "en"
    client.force_login(officer)
    url = reverse("programs:campaign_create")
    # htmx reloads the tier field for the chosen organization.
    page = client.get(url, {"issuing_org": world.shijiazhuang.pk}, HTTP_HX_REQUEST="true")
    assert [c[0] for c in page.context["form"].fields["tier"].choices] == ["municipal"]
    response = client.post(
        url, _create_data(world, issuing_org=world.shijiazhuang.pk, tier="provincial")
    )
    assert response.status_code == 200
    assert "tier" in response.context["form"].errors  # not a choice for a city
    assert 'value="2026年度大国工匠遴选"' in response.content.decode()
    response = client.post(url, _create_data(world, issuing_org=world.acftu.pk, tier="national"))
    assert response.status_code == 200  # ACFTU is not among this officer's issuers
    assert "issuing_org" in response.context["form"].errors
    response = client.post(url, _create_data(world, issuing_org=world.hebei.pk, tier="provincial"))
    assert response.status_code == 302
    assert Campaign.objects.get().issuing_org == world.hebei


def test_detail_shows_phases_allocations_notice_and_actions(world, deployed) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world, "program_officer").get(
        reverse("programs:campaign_detail", args=[deployed.pk])
    )
    text = response.content.decode()
    assert "2026-07-15" in text  # recommendation closes
    assert "Public notice ends (5 working days)" in text
    assert "2026-09-18" in text  # 5 working days from 2026-09-14
    assert "河北省总工会" in text and "河南省总工会" in text
    assert '<td class="text-end">180</td>' in text  # Hebei's cap: 120 × 1.5
    assert "Notice on the 2026年度大国工匠遴选" in text
    assert reverse("programs:campaign_close_recommendation", args=[deployed.pk]) in text
    assert reverse("programs:campaign_edit", args=[deployed.pk]) in text
    assert reverse("programs:campaign_deploy", args=[deployed.pk]) not in text
    assert reverse("programs:allocations", args=[deployed.pk]) not in text
    assert "provisional" not in text


def test_detail_scopes_allocations_and_offers_the_split(world, deployed) -> None:  # type: ignore[no-untyped-def]
    hebei_allocation = QuotaAllocation.objects.get(campaign=deployed, organization=world.hebei)
    split_url = reverse("programs:allocation_split", args=[deployed.pk, hebei_allocation.pk])
    hebei = (
        client_for(world, "hebei_officer")
        .get(reverse("programs:campaign_detail", args=[deployed.pk]))
        .content.decode()
    )
    assert "河北省总工会" in hebei and "河南省总工会" not in hebei
    assert split_url in hebei
    assert reverse("programs:campaign_close_recommendation", args=[deployed.pk]) not in hebei
    henan = (
        client_for(world, "henan_officer")
        .get(reverse("programs:campaign_detail", args=[deployed.pk]))
        .content.decode()
    )
    assert "河南省总工会" in henan and "河北省总工会" not in henan
    assert split_url not in henan
    sjz = (
        client_for(world, "sjz_officer")
        .get(reverse("programs:campaign_detail", args=[deployed.pk]))
        .content.decode()
    )
    assert "河北省总工会" in sjz and split_url not in sjz  # sees its province's allocation


def test_detail_flags_provisional_dates_with_a_calendar_link(world) -> None:  # type: ignore[no-untyped-def]
    dates = {
        **CAMPAIGN_DATES,
        "notice_starts": dt.date(2027, 1, 4),
        "publication_date": dt.date(2027, 1, 25),
    }
    campaign = _draft(world, dates=dates)
    text = (
        client_for(world, "program_officer")
        .get(reverse("programs:campaign_detail", args=[campaign.pk]))
        .content.decode()
    )
    assert "Some dates are provisional" in text
    assert reverse("core:calendar") in text
    assert text.count('badge text-bg-warning">provisional') == 3  # two dates and the notice end
    assert "not known yet" in text


def test_nomination_links_only_when_their_pages_exist(world, deployed) -> None:  # type: ignore[no-untyped-def]
    assert optional_url("programs:campaign_detail", deployed.pk) == reverse(
        "programs:campaign_detail", args=[deployed.pk]
    )
    assert optional_url("nominations:no_such_page") == ""
    assert optional_url("programs:campaign_list", query="a=1").endswith("?a=1")
    text = (
        client_for(world, "program_officer")
        .get(reverse("programs:campaign_detail", args=[deployed.pk]))
        .content.decode()
    )
    expected = optional_url("nominations:list", query=f"campaign={deployed.pk}")
    if expected:
        assert expected.replace("&", "&amp;") in text
    else:
        assert "Nominations in this campaign" not in text


def test_edit_a_deployed_campaign_moves_future_dates_with_a_reason(world, deployed) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    url = reverse("programs:campaign_edit", args=[deployed.pk])
    form = client.get(url).context["form"]
    assert form.fields["recommendation_opens"].disabled  # 2026-06-01 has passed
    assert "name" not in form.fields
    data = {k: v.isoformat() for k, v in CAMPAIGN_DATES.items()}
    data["recommendation_closes"] = "2026-10-01"
    data["reason"] = ""
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "reason" in form.errors
    assert 'value="2026-10-01"' in response.content.decode()
    data["reason"] = "延长推荐期"
    response = client.post(url, data)
    assert "2026-10-08" in response.context["form"].errors["recommendation_closes"][0]
    data["recommendation_closes"] = "2026-07-20"
    data["recommendation_opens"] = "2026-06-03"  # disabled: ignored
    assert client.post(url, data).status_code == 302
    deployed.refresh_from_db()
    assert deployed.recommendation_closes == dt.date(2026, 7, 20)
    assert deployed.recommendation_opens == dt.date(2026, 6, 1)


def test_deploy_button(world, draft) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    url = reverse("programs:campaign_deploy", args=[draft.pk])
    response = client.post(url, follow=True)
    assert "Allocate the quota first." in response.content.decode()
    actions.do_set_allocations(
        acting_user=world.users["program_officer"],
        campaign_id=draft.pk,
        rows=[actions.AllocationRow(world.hebei.pk, 10)],
    )
    page = client.get(reverse("programs:campaign_detail", args=[draft.pk])).content.decode()
    assert url in page and "data-confirm" in page
    response = client.post(url)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.DEPLOYED


def test_close_and_open_format_check_buttons(world, deployed) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    client.post(reverse("programs:campaign_close_recommendation", args=[deployed.pk]))
    deployed.refresh_from_db()
    assert deployed.status == Campaign.Status.RECOMMENDATION_CLOSED
    client.post(reverse("programs:campaign_open_format_check", args=[deployed.pk]))
    deployed.refresh_from_db()
    assert deployed.status == Campaign.Status.FORMAT_CHECK


# --- Allocation pages -------------------------------------------------------------------------


def test_allocation_page_lists_the_default_recommending_orgs(world, draft) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world, "program_officer").get(
        reverse("programs:allocations", args=[draft.pk])
    )
    table = response.context["table"]
    assert [line.organization for line in table.lines] == [
        world.hebei,
        world.henan,
        world.machinery_union,
    ]
    assert table.available == 10


def _post_table(world, draft, **rows_and_action):  # type: ignore[no-untyped-def]
    action = rows_and_action.pop("action")
    data: dict[str, object] = {"action": action, "org": []}
    for org, (weight, slots) in rows_and_action.items():
        pk = getattr(world, org).pk
        data["org"].append(pk)  # type: ignore[union-attr]
        data[f"weight-{pk}"] = weight
        data[f"slots-{pk}"] = slots
    return data


def test_suggest_then_save(world, draft) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    url = reverse("programs:allocations", args=[draft.pk])
    data = _post_table(
        world,
        draft,
        action="suggest",
        hebei=("10", ""),
        henan=("20", ""),
        machinery_union=("30", ""),
    )
    # htmx: only the table comes back.
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "<html" not in text and 'id="allocation-table"' in text
    for org, slots in ((world.hebei, 2), (world.henan, 3), (world.machinery_union, 5)):
        assert f'name="slots-{org.pk}" value="{slots}"' in text
        assert f'name="suggested-{org.pk}" value="{slots}"' in text
    # Without JavaScript: the whole page, the same numbers.
    response = client.post(url, data)
    assert "<html" in response.content.decode()
    assert response.context["table"].total_slots == 10
    # Save the suggestion with an adjustment.
    data = _post_table(
        world,
        draft,
        action="save",
        hebei=("10", "3"),
        henan=("20", "2"),
        machinery_union=("30", "5"),
    )
    data[f"suggested-{world.hebei.pk}"] = "2"
    data[f"suggested-{world.henan.pk}"] = "3"
    data[f"suggested-{world.machinery_union.pk}"] = "5"
    response = client.post(url, data)
    assert response.status_code == 302
    saved = {
        a.organization_id: (a.weight, a.suggested, a.slots, a.cap)
        for a in QuotaAllocation.objects.filter(campaign=draft)
    }
    assert saved == {
        world.hebei.pk: (Decimal("10.00"), 2, 3, 4),
        world.henan.pk: (Decimal("20.00"), 3, 2, 3),
        world.machinery_union.pk: (Decimal("30.00"), 5, 5, 7),
    }
    # The page shows what was saved next time.
    page = client.get(url)
    assert [line.slots for line in page.context["table"].lines] == ["3", "2", "5"]


def test_allocation_refusals_keep_what_was_typed(world, draft) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    url = reverse("programs:allocations", args=[draft.pk])
    data = _post_table(world, draft, action="save", hebei=("1", "6"), henan=("2", "7"))
    response = client.post(url, data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "The allocations add up to 13, more than the 10 available." in text
    assert f'name="slots-{world.hebei.pk}" value="6"' in text
    assert f'name="weight-{world.henan.pk}" value="2"' in text
    assert not QuotaAllocation.objects.exists()
    # Zero weights cannot be apportioned.
    data = _post_table(world, draft, action="suggest", hebei=("0", "6"), henan=("0", "abc"))
    response = client.post(url, data)
    assert "At least one weight must be above 0." in response.content.decode()
    assert 'value="abc"' in response.content.decode()
    # Bad numbers are named per row.
    data = _post_table(world, draft, action="save", hebei=("x", "-1"))
    response = client.post(url, data)
    text = response.content.decode()
    assert "Enter the slots as a whole number of 0 or more." in text
    assert "Enter the weight as a number of 0 or more." in text
    assert not QuotaAllocation.objects.exists()


def test_add_and_remove_organizations(world, draft) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    url = reverse("programs:allocations", args=[draft.pk])
    data = _post_table(
        world, draft, action=f"remove-{world.henan.pk}", hebei=("1", "2"), henan=("3", "4")
    )
    table = client.post(url, data).context["table"]
    assert [line.organization for line in table.lines] == [world.hebei]
    assert table.lines[0].slots == "2"
    assert world.henan in table.candidates
    data = _post_table(world, draft, action="add", hebei=("1", "2"))
    data["add_org"] = world.shijiazhuang.pk
    table = client.post(url, data).context["table"]
    assert [line.organization for line in table.lines] == [world.hebei, world.shijiazhuang]
    # A forged id (or an organization outside the issuer's tree) is never added.
    data["add_org"] = 999_999
    response = client.post(url, data)
    assert "Choose an organization to add." in response.content.decode()


def test_split_page_by_the_province_officer(world, deployed) -> None:  # type: ignore[no-untyped-def]
    hebei_allocation = QuotaAllocation.objects.get(campaign=deployed, organization=world.hebei)
    client = client_for(world, "hebei_officer")
    url = reverse("programs:allocation_split", args=[deployed.pk, hebei_allocation.pk])
    page = client.get(url)
    assert [line.organization for line in page.context["table"].lines] == [world.shijiazhuang]
    assert page.context["table"].available == 120
    over = {
        "action": "save",
        "org": [world.shijiazhuang.pk],
        f"slots-{world.shijiazhuang.pk}": "121",
    }
    response = client.post(url, over)
    assert "more than the 120 available" in response.content.decode()
    ok = {"action": "save", "org": [world.shijiazhuang.pk], f"slots-{world.shijiazhuang.pk}": "30"}
    assert client.post(url, ok).status_code == 302
    child = QuotaAllocation.objects.get(campaign=deployed, organization=world.shijiazhuang)
    assert (child.parent_id, child.slots, child.cap) == (hebei_allocation.pk, 30, 45)
    # The sub-allocation shows under its parent on the detail page, for the city too.
    text = (
        client_for(world, "sjz_officer")
        .get(reverse("programs:campaign_detail", args=[deployed.pk]))
        .content.decode()
    )
    assert "石家庄市总工会" in text


def test_export_lists_the_visible_allocations(world, deployed) -> None:  # type: ignore[no-untyped-def]
    response = client_for(world, "program_officer").get(
        reverse("programs:allocation_export", args=[deployed.pk])
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(BytesIO(b"".join(response.streaming_content)))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "Organization"
    assert [(r[0], r[4], r[5], r[6]) for r in rows[1:]] == [
        ("河北省总工会", 120, 180, 0),
        ("河南省总工会", 80, 120, 0),
    ]
    response = client_for(world, "henan_officer").get(
        reverse("programs:allocation_export", args=[deployed.pk])
    )
    wb = load_workbook(BytesIO(b"".join(response.streaming_content)))
    assert [r[0] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)] == [
        "河南省总工会"
    ]


# --- Staff ------------------------------------------------------------------------------------


def test_name_and_remove_format_check_staff(world, deployed) -> None:  # type: ignore[no-untyped-def]
    client = client_for(world, "program_officer")
    url = reverse("programs:campaign_staff", args=[deployed.pk])
    page = client.get(url)
    choices = [c[0] for c in page.context["form"].fields["user"].choices]
    assert str(world.users["expert"].pk) in choices
    response = client.post(url, {"user": world.users["expert"].pk})
    assert response.status_code == 302
    assert deployed.staff.get().user == world.users["expert"]
    page = client.get(url)
    assert str(world.users["expert"].pk) not in [
        c[0] for c in page.context["form"].fields["user"].choices
    ]
    response = client.post(url, {"remove": world.users["expert"].pk})
    assert response.status_code == 302
    assert not deployed.staff.exists()
    found = client.get(url, {"q": "hebei"}).context["form"].fields["user"].choices
    assert [c[1] for c in found[1:]] == ["hebei (hebei)"]


# --- Navigation, dashboard, query counts ------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_sidebar_entries(world, role: str) -> None:  # type: ignore[no-untyped-def]
    text = client_for(world, role).get(reverse("core:dashboard")).content.decode()
    assert (reverse("programs:campaign_list") in text) == (role in CAMPAIGN_READERS)
    assert (reverse("programs:policy_list") in text) == (role in POLICY_READERS)


def test_dashboard_numbers(world, deployed, draft) -> None:  # type: ignore[no-untyped-def]
    text = client_for(world, "program_officer").get(reverse("core:dashboard")).content.decode()
    assert "Campaigns: Draft" in text
    assert "Campaigns: Deployed: recommendation open" in text
    text = client_for(world, "hebei_officer").get(reverse("core:dashboard")).content.decode()
    assert "Open campaigns" in text
    assert "2026年度大国工匠遴选 (河北省总工会): put forward / at most" in text
    assert "0 / 180" in text


def test_campaign_list_filters_and_query_count(world, django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    for year in range(2026, 2036):
        _draft(world, year=year)
    client = client_for(world, "program_officer")
    url = reverse("programs:campaign_list")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 10
    with django_assert_max_num_queries(12):
        response = client.get(url, {"year": 2030, "tier": "national", "status": "draft"})
    assert [c.year for c in response.context["page_obj"]] == [2030]
    response = client.get(url, {"q": "2031年度"})
    assert [c.year for c in response.context["page_obj"]] == [2031]
    response = client.get(url, {"year": "abc"})
    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 10  # a bad filter filters nothing
    response = client.get(url, {"q": "2030"}, HTTP_HX_REQUEST="true")
    assert 'id="results"' in response.content.decode()


def test_campaign_detail_query_count_does_not_grow_with_allocations(
    world, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_org

    officer = world.users["program_officer"]
    small = make_campaign(officer, world.acftu, allocations={world.hebei: 5, world.henan: 5})
    provinces = [
        make_org(world.acftu, f"第{i}省总工会", "provincial_federation") for i in range(20)
    ]
    large = _draft(world, year=2027)
    actions.do_set_allocations(
        acting_user=officer,
        campaign_id=large.pk,
        rows=[actions.AllocationRow(p.pk, 5) for p in [world.hebei, world.henan, *provinces]],
    )
    large = actions.do_deploy_campaign(acting_user=officer, campaign_id=large.pk)
    client = client_for(world, "program_officer")
    client.get(reverse("core:dashboard"))  # session and caches settled

    def count(campaign: Campaign) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("programs:campaign_detail", args=[campaign.pk]))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    assert count(small) == count(large)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("programs:campaign_detail", args=[large.pk]))
    assert len(response.context["allocation_rows"]) == 22


def test_policy_list_filters_and_counts(
    world, draft_version, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    make_campaign(world.users["program_officer"], world.acftu, deploy=False)
    client = client_for(world, "program_officer")
    url = reverse("programs:policy_list")
    with django_assert_max_num_queries(10):
        response = client.get(url)
    counts = {v.code: v.n_campaigns for v in response.context["page_obj"]}
    assert counts == {"2024-trial": 1, "2025-revision-example": 0, "2026-draft": 0}
    response = client.get(url, {"status": "draft"})
    assert [v.code for v in response.context["page_obj"]] == ["2026-draft"]
    response = client.get(url, {"q": "2025"})
    assert [v.code for v in response.context["page_obj"]] == ["2025-revision-example"]
    # Readers who do not edit see the published versions only.
    response = client_for(world, "hebei_clerk").get(url)
    assert "2026-draft" not in {v.code for v in response.context["page_obj"]}
