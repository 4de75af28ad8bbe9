"""The officer's notice pages, the notice on the portal, and consent on every public page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from jiangxin.nominations import actions as nomination_actions
from jiangxin.nominations.forms import OpinionForm
from jiangxin.nominations.models import ALL_NOTICE_FIELDS, Nomination
from jiangxin.notices import actions
from jiangxin.notices.models import NoticeEntry, PublicNotice
from jiangxin.people.models import Person
from jiangxin.portal.models import Article
from jiangxin.programs.models import CampaignStaff
from tests.factories import (
    NOTICE_CONTACT,
    make_campaign,
    make_nomination,
    make_user,
    policy,
)

pytestmark = pytest.mark.usefixtures("campaign_day")


# --- Per-field consent in the nomination (the opinion step) ---------------------------------


def test_consent_covers_every_field_by_default_or_the_ones_ticked(world):
    clerk = world.users["hebei_clerk"]
    campaign = make_campaign(
        world.users["program_officer"], world.acftu, allocations={world.hebei: 2}
    )
    n = make_nomination(clerk, campaign, world.hebei_union, world.hebei_enterprise, submit=False)
    assert n.consent_fields == ALL_NOTICE_FIELDS  # one box for every field
    n = nomination_actions.do_save_opinion(
        acting_user=clerk,
        nomination_id=n.pk,
        values={"consent_given": True, "consent_fields": ["summary", "name"]},
    )
    assert n.consent_fields == ["name", "summary"]  # in notice order
    n = nomination_actions.do_save_opinion(
        acting_user=clerk, nomination_id=n.pk, values={"consent_given": False}
    )
    assert n.consent_fields == []
    with pytest.raises(ValueError, match="not notice fields"):
        nomination_actions.do_save_opinion(
            acting_user=clerk,
            nomination_id=n.pk,
            values={"consent_given": True, "consent_fields": ["id_number"]},
        )


def test_the_opinion_form_ticks_every_field_until_told_otherwise(db):
    form = OpinionForm(version=policy(), initial={})
    assert form["consent_fields"].value() == ALL_NOTICE_FIELDS
    form = OpinionForm(
        version=policy(), initial={"consent_given": True, "consent_fields": ["name"]}
    )
    assert form["consent_fields"].value() == ["name"]


# --- The officer's pages ---------------------------------------------------------------------


def test_an_officer_drafts_approves_and_schedules_the_notice(client, world, approved, officer):
    campaign, nominations, _ = approved
    client.force_login(officer)
    listing = client.get(reverse("notices:list")).content.decode()
    create = reverse("notices:create", args=[campaign.pk])
    assert create in listing
    response = client.post(create)
    notice = PublicNotice.objects.get(campaign=campaign)
    assert response["Location"] == reverse("notices:detail", args=[notice.pk])
    detail = reverse("notices:detail", args=[notice.pk])
    html = client.get(detail).content.decode()
    assert "王立军" in html and reverse("notices:schedule", args=[notice.pk]) in html
    # A summary too long is refused and the text typed stays on the page.
    entry = notice.entries.get(nomination=nominations[0])
    long_text = "攻" * 301
    response = client.post(
        reverse("notices:entry_summary", args=[entry.pk]), {f"e{entry.pk}-text": long_text}
    )
    assert response.status_code == 200 and long_text in response.content.decode()
    for e in notice.entries.all():
        client.post(
            reverse("notices:entry_summary", args=[e.pk]), {f"e{e.pk}-text": "二十年攻关。"}
        )
    # Scheduling without contact channels is refused with the reason.
    client.post(reverse("notices:schedule", args=[notice.pk]))
    assert PublicNotice.objects.get(pk=notice.pk).status == "draft"
    data = {
        "title": notice.title,
        "starts_on": timezone.localdate().isoformat(),
        "introduction": notice.introduction,
        "objection_guide": notice.objection_guide,
        "contact": NOTICE_CONTACT,
    }
    assert client.post(reverse("notices:edit", args=[notice.pk]), data).status_code == 302
    client.post(reverse("notices:schedule", args=[notice.pk]))
    notice.refresh_from_db()
    assert notice.status == "open"  # first day today: open at once
    html = client.get(detail).content.decode()
    article = Article.objects.get(notice=notice)
    assert reverse("portal:article", args=[article.pk]) in html


def test_the_officer_names_the_objection_handlers(client, world, approved, officer):
    campaign = approved[0]
    staff = make_user("ruchen", role="program_officer", org=world.acftu)
    client.force_login(officer)
    url = reverse("notices:handlers", args=[campaign.pk])
    assert client.post(url, {"user": str(staff.pk)}).status_code == 302
    assert CampaignStaff.objects.filter(
        campaign=campaign, user=staff, duty="objection_handler"
    ).exists()
    page = client.get(url)
    assert [row["staff"].user for row in page.context["rows"]] == [staff]
    assert "ruchen" in page.context["rows"][0]["confirm"]
    assert "异议处理人员" in page.content.decode()
    client.post(url, {"remove": str(staff.pk)})
    assert not CampaignStaff.objects.filter(campaign=campaign, user=staff).exists()
    # A handler who does not check formats gets no link to the format check.
    hebei = world.users["hebei_officer"]
    assert client.post(url, {"user": str(hebei.pk)}).status_code == 302
    client.force_login(hebei)
    detail = client.get(reverse("programs:campaign_detail", args=[campaign.pk]))
    assert detail.status_code == 200 and detail.context["format_check_url"] == ""
    assert client.get(url).status_code == 404


def test_the_notice_list_does_not_query_per_row(
    client, world, notice, officer, django_assert_max_num_queries
):
    client.force_login(officer)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("notices:list")).status_code == 200


# --- The notice on the portal, and consent ------------------------------------------------------


def _publish_with_withheld_fields(world, approved, officer):  # type: ignore[no-untyped-def]
    """The notice open, 张建华 having agreed to publish the name and unit only (with a
    distinctive occupation and summary that must never show)."""
    campaign, nominations, _ = approved
    withheld = nominations[1]
    Nomination.objects.filter(pk=withheld.pk).update(consent_fields=["name", "unit"])
    Person.objects.filter(pk=withheld.person_id).update(occupation="数控铣工")
    notice = actions.do_create_notice(
        acting_user=officer, campaign_id=campaign.pk, starts_on=timezone.localdate()
    )
    actions.do_update_notice(
        acting_user=officer, notice_id=notice.pk, changes={"contact": NOTICE_CONTACT}
    )
    for entry in notice.entries.all():
        text = "独门秘技不可公开" if entry.nomination_id == withheld.pk else "二十年攻关。"
        actions.do_approve_summary(acting_user=officer, entry_id=entry.pk, text=text)
    return actions.do_schedule_notice(acting_user=officer, notice_id=notice.pk)


def test_a_field_without_consent_never_appears_on_a_public_page_or_feed(
    client, world, approved, officer
):
    notice = _publish_with_withheld_fields(world, approved, officer)
    article = Article.objects.get(notice=notice)
    entry = NoticeEntry.objects.get(notice=notice, public_name="张建华")
    pages = [
        reverse("portal:article", args=[article.pk]),
        reverse("portal:article_print", args=[article.pk]),
        reverse("portal:category", args=["public_notice"]),
        reverse("portal:home"),
        reverse("portal:search") + "?q=张建华",
        reverse("portal:feed_rss", args=["public_notice"]),
        reverse("portal:feed_atom", args=["all"]),
        reverse("notices:object_start", args=[notice.pk, entry.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "数控铣工" not in html and "独门秘技不可公开" not in html, url
    # Searching for the withheld occupation finds nothing (the query itself is echoed).
    found = client.get(reverse("portal:search") + "?q=数控铣工").content.decode()
    assert notice.title not in found and "独门秘技不可公开" not in found
    page = client.get(pages[0]).content.decode()
    assert "张建华" in page and "二十年攻关。" in page and NOTICE_CONTACT.splitlines()[0] in page
    row = page[page.index("张建华") : page.index("</tr>", page.index("张建华"))]
    assert "男" not in row and row.count("—") == 3


def test_the_notice_block_shows_the_list_in_stroke_order_and_the_objection_links(
    client, world, notice
):
    article = Article.objects.get(notice=notice)
    html = client.get(reverse("portal:article", args=[article.pk])).content.decode()
    positions = [html.index(name) for name in ("王立军", "李红梅", "张建华")]
    assert positions == sorted(positions)
    for entry in notice.public_entries():
        assert reverse("notices:object_start", args=[notice.pk, entry.pk]) in html
    assert "2026" in html and NOTICE_CONTACT.splitlines()[1] in html


def test_a_closed_notice_takes_late_objections_until_publication(client, world, notice, officer):
    from jiangxin.programs.models import Campaign

    actions.do_close_notice(acting_user=officer, notice_id=notice.pk, now=notice.closes_at)
    article = Article.objects.get(notice=notice)
    url = reverse("portal:article", args=[article.pk])
    entry = notice.public_entries().first()
    start = reverse("notices:object_start", args=[notice.pk, entry.pk])
    assert start in client.get(url).content.decode()
    Campaign.objects.filter(pk=notice.campaign_id).update(status=Campaign.Status.PUBLISHED)
    from jiangxin.portal.cache import invalidate_portal_cache

    invalidate_portal_cache()
    assert start not in client.get(url).content.decode()
