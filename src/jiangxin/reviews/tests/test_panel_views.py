"""The panel pages: scope (404 for everyone but the issuing organization's program officers,
on pages, POSTs, partials and the export), set-up, members and presence, the vote grid with
its fill buttons, the discussed toggle over htmx, the close, and query counts."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from jiangxin.accounts.models import Role
from jiangxin.programs.models import Campaign
from jiangxin.reviews import panel
from jiangxin.reviews.models import PanelMeeting, ShortlistEntry, Vote
from tests.factories import make_expert, make_open_panel, make_reviewed_campaign, make_user

pytestmark = pytest.mark.usefixtures("campaign_day")


@pytest.fixture
def officer(world):  # type: ignore[no-untyped-def]
    return world.users["program_officer"]


@pytest.fixture
def en(client, english):  # type: ignore[no-untyped-def]
    """Pages in English (the originals the assertions read)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def reviewed(world):  # type: ignore[no-untyped-def]
    return make_reviewed_campaign(world, count=6, target=3)


@pytest.fixture
def session(world, reviewed):  # type: ignore[no-untyped-def]
    """An open meeting with nine members present."""
    meeting, members = make_open_panel(world, reviewed[0])
    return reviewed[0], meeting, members


def _urls(campaign: Campaign, meeting: PanelMeeting) -> list[tuple[str, str]]:
    entry = meeting.shortlist.first()
    member = meeting.members.first()
    assert entry is not None and member is not None
    pk = campaign.pk
    return [
        ("get", reverse("reviews:panel_detail", args=[pk])),
        ("get", reverse("reviews:panel_votes", args=[pk])),
        ("get", reverse("reviews:panel_export", args=[pk])),
        ("post", reverse("reviews:panel_votes", args=[pk])),
        ("post", reverse("reviews:panel_setup", args=[pk])),
        ("post", reverse("reviews:panel_details", args=[pk])),
        ("post", reverse("reviews:panel_add_entry", args=[pk])),
        ("post", reverse("reviews:panel_add_member", args=[pk])),
        ("post", reverse("reviews:panel_remove_member", args=[pk, member.pk])),
        ("post", reverse("reviews:panel_presence", args=[pk])),
        ("post", reverse("reviews:panel_open", args=[pk])),
        ("post", reverse("reviews:panel_discussed", args=[pk, entry.pk])),
        ("post", reverse("reviews:panel_recusal_add", args=[pk])),
        ("post", reverse("reviews:panel_minutes", args=[pk])),
        ("post", reverse("reviews:panel_close", args=[pk])),
        ("get", reverse("reviews:approval_detail", args=[pk])),
        ("post", reverse("reviews:approval_confirm", args=[pk])),
        ("get", reverse("reviews:approval_record", args=[pk])),
        ("get", reverse("reviews:approval_export", args=[pk])),
    ]


def test_everyone_but_the_issuing_organizations_officers_gets_404(client, world, session):
    campaign, meeting, members = session
    other_officer = make_user("hbprogram", role=Role.PROGRAM_OFFICER, org=world.hebei)
    outsiders = [
        world.users["hebei_officer"],
        world.users["sjz_officer"],
        world.users["hebei_clerk"],
        world.users["expert"],
        members[0].user,  # a panel member is not the secretary
        world.users["audit_admin"],
        other_officer,
    ]
    for user in outsiders:
        client.force_login(user)
        for method, url in _urls(campaign, meeting):
            response = getattr(client, method)(url, HTTP_HX_REQUEST="true")
            assert response.status_code == 404, (user.username, method, url)
    # Nothing changed.
    assert not Vote.objects.exists()
    assert PanelMeeting.objects.get(pk=meeting.pk).status == "in_session"
    client.force_login(other_officer)
    assert client.get(reverse("reviews:panel_index")).status_code == 200
    assert campaign.name not in client.get(reverse("reviews:panel_index")).content.decode()
    client.force_login(world.users["hebei_officer"])
    assert client.get(reverse("reviews:panel_index")).status_code == 404


def test_set_up_from_the_page(client, world, officer, en, reviewed):
    campaign = reviewed[0]
    client.force_login(officer)
    url = reverse("reviews:panel_detail", args=[campaign.pk])
    page = client.get(url).content.decode()
    assert "6 nominations were reviewed" in page and "the first 4 of the ranking" in page
    response = client.post(
        reverse("reviews:panel_setup", args=[campaign.pk]),
        {"details-held_on": "2026-06-20", "details-location": "北京"},
    )
    assert response.status_code == 302
    meeting = PanelMeeting.objects.get(campaign=campaign)
    assert meeting.location == "北京" and meeting.shortlist.count() == 4
    page = client.get(url).content.decode()
    shortlist = page.split("shortlist-table")[1].split("</table>")[0]
    assert "候选人01" in shortlist and "候选人04" in shortlist and "候选人05" not in shortlist


def test_members_presence_and_opening_from_the_page(client, world, officer, reviewed):
    campaign = reviewed[0]
    meeting = panel.do_set_up_panel(acting_user=officer, campaign_id=campaign.pk)
    client.force_login(officer)
    experts = [make_expert(world.acftu) for _ in range(3)]
    for e in experts:
        response = client.post(
            reverse("reviews:panel_add_member", args=[campaign.pk]), {"member-user": e.user_id}
        )
        assert response.status_code == 302
    # A user who is not a candidate is refused with the error shown, not a 500.
    response = client.post(
        reverse("reviews:panel_add_member", args=[campaign.pk]),
        {"member-user": world.users["craftsman"].pk},
    )
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    members = list(meeting.members.order_by("id"))
    response = client.post(
        reverse("reviews:panel_presence", args=[campaign.pk]),
        {"presence-present": [m.pk for m in members[:2]]},
    )
    assert response.status_code == 302
    response = client.post(reverse("reviews:panel_open", args=[campaign.pk]), follow=True)
    assert PanelMeeting.objects.get(pk=meeting.pk).status == "planned"  # 2 of 3: below quorum
    client.post(
        reverse("reviews:panel_presence", args=[campaign.pk]),
        {"presence-present": [m.pk for m in members]},
    )
    client.post(reverse("reviews:panel_open", args=[campaign.pk]))
    assert PanelMeeting.objects.get(pk=meeting.pk).status == "in_session"


def test_the_vote_grid_records_and_fills_votes(client, officer, session):
    campaign, meeting, members = session
    client.force_login(officer)
    url = reverse("reviews:panel_votes", args=[campaign.pk])
    page = client.get(url).content.decode()
    first, second = list(meeting.shortlist.order_by("rank"))[:2]
    assert f'name="v-{first.pk}-{members[0].pk}"' in page
    # Two votes typed on the first row, the rest of it filled with "agree".
    data = {
        f"v-{first.pk}-{members[0].pk}": "disagree",
        f"v-{first.pk}-{members[1].pk}": "abstain",
        f"v-{second.pk}-{members[0].pk}": "agree",
        "fill": f"{first.pk}:agree",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    votes = dict(Vote.objects.filter(entry=first).values_list("member_id", "choice"))
    assert len(votes) == 9
    assert votes[members[0].pk] == "disagree" and votes[members[1].pk] == "abstain"
    assert list(votes.values()).count("agree") == 7
    assert Vote.objects.filter(entry=second).count() == 1
    # A bad value keeps what was typed and says what is wrong.
    response = client.post(url, {f"v-{second.pk}-{members[1].pk}": "maybe"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "error-summary" in page and '<option value="" selected>' in page
    state = panel.meeting_state(meeting)
    assert state.results.by_entry[first.pk].agree == 7 and state.results.by_entry[first.pk].passed


def test_discussed_toggle_answers_htmx_with_the_row(client, officer, session):
    campaign, meeting, _members = session
    entry = meeting.shortlist.order_by("rank").first()
    client.force_login(officer)
    url = reverse("reviews:panel_discussed", args=[campaign.pk, entry.pk])
    response = client.post(url, {"discussed": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.strip().startswith(f'<tr id="entry-{entry.pk}"') and 'aria-pressed="true"' in html
    assert ShortlistEntry.objects.get(pk=entry.pk).discussed
    response = client.post(url, {"discussed": "0"})
    assert response.status_code == 302 and not ShortlistEntry.objects.get(pk=entry.pk).discussed


def test_the_panel_page_has_no_query_per_row(
    client, officer, session, django_assert_max_num_queries
):
    campaign, _meeting, _members = session
    client.force_login(officer)
    for url in (
        reverse("reviews:panel_detail", args=[campaign.pk]),
        reverse("reviews:panel_votes", args=[campaign.pk]),
    ):
        with django_assert_max_num_queries(30):
            response = client.get(url)
        assert response.status_code == 200


def test_close_from_the_page_and_export(client, officer, en, session):
    campaign, meeting, _members = session
    from tests.factories import cast_votes

    client.force_login(officer)
    entries = list(meeting.shortlist.order_by("rank"))
    response = client.post(reverse("reviews:panel_close", args=[campaign.pk]), follow=True)
    assert "cannot close yet" in response.content.decode()
    for e in entries:
        client.post(
            reverse("reviews:panel_discussed", args=[campaign.pk, e.pk]), {"discussed": "1"}
        )
    client.post(reverse("reviews:panel_minutes", args=[campaign.pk]), {"minutes-minutes": "纪要"})
    cast_votes(officer, meeting, {e.pk: (9 - i, i, 0) for i, e in enumerate(entries)})
    response = client.post(reverse("reviews:panel_close", args=[campaign.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:approval_detail", args=[campaign.pk])
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.FINAL_APPROVAL
    page = client.get(reverse("reviews:panel_detail", args=[campaign.pk])).content.decode()
    assert "Close the meeting" not in page and "纪要" in page
    response = client.get(reverse("reviews:panel_export", args=[campaign.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Place among the passed" and len(rows) == 5
    assert rows[1][3] == "候选人01" and rows[1][-1] == "Passed, within the quota"
    # The fourth got 6 agree of 9 (passed) but the quota is 3.
    assert rows[4][-1] == "Passed, beyond the quota" and rows[4][0] == 4


def test_the_dashboard_counts_meetings_to_hold(client, world, officer, en, session):
    client.force_login(officer)
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Panel meetings to hold" in page
    assert reverse("reviews:panel_index") in page
    client.force_login(world.users["hebei_officer"])
    assert "Panel meetings to hold" not in client.get(reverse("core:dashboard")).content.decode()
