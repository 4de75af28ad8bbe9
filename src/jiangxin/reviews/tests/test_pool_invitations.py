"""Invitations: the link's token (only its hash stored), the public answer page (valid,
expired, used and unknown links answer alike, rate limited per client address), accepting
with a first password and then the authenticator enrolment before any session, declining with
a reason, reminders, replacement and withdrawal."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiangxin.accounts.tests.helpers import current_code
from jiangxin.core.errors import DomainError
from jiangxin.core.models import AuditEvent
from jiangxin.notifications.models import Notification
from jiangxin.reviews import pool, views_pool
from jiangxin.reviews.models import Invitation
from jiangxin.reviews.scheduled import send_invitation_reminders
from tests.factories import (
    PASSWORD,
    SHANGHAI,
    invite,
    make_accepted_nominations,
    make_campaign,
    make_pool_expert,
)

pytestmark = pytest.mark.usefixtures("campaign_day")

I = Invitation.Status  # noqa: E741
NEW_PASSWORD = "Weld-Master-2026!"
_CSRF = re.compile(
    r'(name="csrfmiddlewaretoken" value="|name="csrf-token" content="|"X-CSRFToken": ")[^"]+'
)


@pytest.fixture(autouse=True)
def _fresh_cache(db):  # type: ignore[no-untyped-def]
    """The failure counter lives in the (database) cache: start each test with none."""
    cache.clear()


@pytest.fixture
def review(world):  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    campaign = make_campaign(officer, world.acftu, allocations={world.hebei: 2})
    nominations = make_accepted_nominations(
        world, campaign, [{"name": "张建华"}, {"name": "李明辉"}]
    )
    return campaign, nominations


@pytest.fixture
def expert(world):  # type: ignore[no-untyped-def]
    return make_pool_expert(world.users["program_officer"], world.acftu, full_name="王立新")


def _english() -> Client:
    client = Client()
    client.cookies["jiangxin_language"] = "en"
    return client


def _page(response, path: str) -> str:  # type: ignore[no-untyped-def]
    """The page without what differs by nature: the CSRF token, and the page's own address
    (the language switch returns to it)."""
    return _CSRF.sub(r"\1…", response.content.decode()).replace(path, "…")


# --- Sending ----------------------------------------------------------------------------------


def test_invitation_stores_only_the_hash_and_emails_the_link(
    world, review, expert, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    campaign, _ = review
    officer = world.users["program_officer"]
    with django_capture_on_commit_callbacks(execute=True):
        issued = invite(officer, campaign, expert, valid_days=7)
    invitation = issued.invitation
    assert invitation.token_hash == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in invitation.token_hash
    assert invitation.token_expires_at == pytest.approx(
        timezone.now() + dt.timedelta(days=7), abs=dt.timedelta(seconds=30)
    )
    # The in-app notification links to the expert's own list, never to the token.
    note = Notification.objects.get(recipient=expert.user, kind="review.invitation")
    assert issued.token not in note.url and note.emailed_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [expert.user.email]
    assert issued.path in message.body
    assert campaign.name in message.subject
    event = AuditEvent.objects.get(action="invitation.sent")
    assert issued.token not in str(event.summary)


def test_invitations_are_all_or_nothing(world, review, expert):  # type: ignore[no-untyped-def]
    campaign, _ = review
    officer = world.users["program_officer"]
    municipal_only = make_pool_expert(officer, world.acftu, tiers=["municipal"])
    with pytest.raises(pool.InvitationsRefused) as exc:
        pool.do_invite_experts(
            acting_user=officer, campaign_id=campaign.pk, expert_ids=[expert.pk, municipal_only.pk]
        )
    assert [rule for rule, _ in exc.value.problems] == ["invitation.tier"]
    assert not Invitation.objects.exists()
    invite(officer, campaign, expert)
    with pytest.raises(DomainError) as one:
        invite(officer, campaign, expert)
    assert one.value.rule == "invitation.exists"


def test_only_the_campaigns_officers_invite_and_only_in_review(world, expert):  # type: ignore[no-untyped-def]
    officer = world.users["program_officer"]
    campaign = make_campaign(officer, world.acftu, allocations={world.hebei: 1})  # deployed
    with pytest.raises(DomainError) as exc:
        invite(officer, campaign, expert)
    assert exc.value.rule == "invitation.campaign_status"
    with pytest.raises(DomainError) as exc:
        invite(world.users["hebei_officer"], campaign, expert)
    assert exc.value.rule == "campaign.manage"


# --- The answer page: valid, expired, used, unknown ---------------------------------------------


def test_answer_page_shows_campaign_load_and_deadline(world, review, expert):  # type: ignore[no-untyped-def]
    campaign, _ = review
    issued = invite(world.users["program_officer"], campaign, expert)
    response = _english().get(issued.path)
    assert response.status_code == 200
    body = response.content.decode()
    assert campaign.name in body
    assert "2026-08-31" in body  # review_ends
    assert "Expected load" in body
    assert "Choose a password" in body and expert.user.username in body
    assert response["Cache-Control"].startswith("max-age=0")


def test_expired_used_and_unknown_links_answer_alike(world, review, expert):  # type: ignore[no-untyped-def]
    campaign, _ = review
    officer = world.users["program_officer"]
    expired = invite(officer, campaign, expert)
    Invitation.objects.filter(pk=expired.invitation.pk).update(
        token_expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    other = make_pool_expert(officer, world.acftu)
    used = invite(officer, campaign, other)
    pool.do_decline_invitation(token=used.token, reason="时间冲突")
    client = _english()
    paths = (expired.path, used.path, pool.answer_path("x" * 43))
    answers = [client.get(path) for path in paths]
    assert {r.status_code for r in answers} == {200}
    assert len({_page(r, path) for r, path in zip(answers, paths, strict=True)}) == 1
    assert "This link is not valid" in answers[0].content.decode()
    # Posting to them changes nothing either.
    response = client.post(expired.path, {"answer": "decline", "decline-reason": "不去"})
    assert "This link is not valid" in response.content.decode()
    expired.invitation.refresh_from_db()
    assert expired.invitation.status == I.INVITED


def test_failed_links_are_rate_limited_per_address(world, review, expert):  # type: ignore[no-untyped-def]
    campaign, _ = review
    issued = invite(world.users["program_officer"], campaign, expert)
    client = Client(REMOTE_ADDR="198.51.100.7")
    for i in range(views_pool.INVITATION_FAILURE_LIMIT):
        assert client.get(pool.answer_path(f"guess{i}")).status_code == 200
    response = client.get(issued.path)  # even a valid link, from this address
    assert response.status_code == 429
    with translation.override("zh-hans"):  # the default language: the Chinese message
        assert gettext("Too many attempts") in response.content.decode()
    english = Client(REMOTE_ADDR="198.51.100.7")
    english.cookies["jiangxin_language"] = "en"
    body = english.get(issued.path).content.decode()
    assert "Too many links that are not valid were opened from your network address" in body
    assert AuditEvent.objects.filter(action="invitation.links_refused").count() == 1
    # Another address is not affected.
    assert Client(REMOTE_ADDR="198.51.100.8").get(issued.path).status_code == 200


# --- Accepting ------------------------------------------------------------------------------


def test_accept_sets_the_password_then_requires_totp_before_any_session(world, review, expert):  # type: ignore[no-untyped-def]
    campaign, _ = review
    issued = invite(world.users["program_officer"], campaign, expert)
    client = _english()
    response = client.post(
        issued.path,
        {
            "answer": "accept",
            "accept-availability": "8月10日至14日出差",
            "accept-max_load": "12",
            "accept-password1": NEW_PASSWORD,
            "accept-password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Set up two-step verification" in body
    assert reverse("accounts:two_factor_enrol") in body
    assert Session.objects.count() == 0  # no session yet
    invitation = Invitation.objects.get(pk=issued.invitation.pk)
    assert invitation.status == I.ACCEPTED and invitation.max_load == 12
    assert invitation.availability == "8月10日至14日出差"
    user = type(expert.user).objects.get(pk=expert.user_id)
    assert user.has_usable_password() and user.check_password(NEW_PASSWORD)
    # The link is used now.
    assert "This link is not valid" in client.get(issued.path).content.decode()
    # The accounts app's enrolment step finishes the sign-in.
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    token = re.search(r'name="token" value="([^"]+)"', body).group(1)
    response = client.post(
        reverse("accounts:two_factor_enrol"), {"token": token, "code": current_code(device)}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:conflicts_mine", args=[campaign.pk])
    assert Session.objects.count() == 1
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(response["Location"]).status_code == 200
    # The officers are told.
    assert Notification.objects.filter(
        recipient=world.users["program_officer"], kind="review.invitation_accepted"
    ).exists()


def test_password_login_of_an_expert_needs_the_second_factor(world, review, expert):  # type: ignore[no-untyped-def]
    campaign, _ = review
    issued = invite(world.users["program_officer"], campaign, expert)
    pool.do_accept_invitation(token=issued.token, password=NEW_PASSWORD)
    response = _english().post(
        reverse("accounts:login"), {"username": expert.user.username, "password": NEW_PASSWORD}
    )
    assert response.status_code == 200  # the enrolment step, not a session
    assert "Set up two-step verification" in response.content.decode()
    assert Session.objects.count() == 0


def test_a_weak_password_accepts_nothing(world, review, expert):  # type: ignore[no-untyped-def]
    campaign, _ = review
    issued = invite(world.users["program_officer"], campaign, expert)
    response = _english().post(
        issued.path,
        {"answer": "accept", "accept-password1": "password", "accept-password2": "password"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    issued.invitation.refresh_from_db()
    assert issued.invitation.status == I.INVITED
    expert.user.refresh_from_db()
    assert not expert.user.has_usable_password()
    # Mismatch and a load above the policy's limit are refused by the form.
    limit = campaign.policy_version.max_nominations_per_expert
    response = _english().post(
        issued.path,
        {
            "answer": "accept",
            "accept-max_load": str(limit + 1),
            "accept-password1": NEW_PASSWORD,
            "accept-password2": NEW_PASSWORD + "x",
        },
    )
    body = response.content.decode()
    assert "The two passwords do not match." in body
    issued.invitation.refresh_from_db()
    assert issued.invitation.status == I.INVITED


def test_an_expert_with_a_password_just_accepts(world, review):  # type: ignore[no-untyped-def]
    campaign, _ = review
    officer = world.users["program_officer"]
    type(officer).objects.filter(pk=world.users["expert"].pk).update(email="liu@example.cn")
    expert = pool.do_add_expert_profile(
        acting_user=officer,
        pool_id=world.acftu.pk,
        user_id=world.users["expert"].pk,
        fields={"employer_name": "清华大学"},
    )
    issued = invite(officer, campaign, expert)
    page = _english().get(issued.path).content.decode()
    assert "Choose a password" not in page
    response = _english().post(issued.path, {"answer": "accept"})
    assert response.status_code == 200
    assert "You accepted the invitation" in response.content.decode()
    world.users["expert"].refresh_from_db()
    assert world.users["expert"].check_password(PASSWORD)  # unchanged


# --- Declining, replacing, withdrawing --------------------------------------------------------


def test_decline_records_the_reason_and_a_replacement_is_invited(world, review, expert):  # type: ignore[no-untyped-def]
    campaign, _ = review
    officer = world.users["program_officer"]
    issued = invite(officer, campaign, expert)
    response = _english().post(issued.path, {"answer": "decline", "decline-reason": ""})
    assert "There is a problem" in response.content.decode()
    response = _english().post(
        issued.path, {"answer": "decline", "decline-reason": "八月在国外参加技能交流"}
    )
    assert "You declined" in response.content.decode()
    invitation = Invitation.objects.get(pk=issued.invitation.pk)
    assert invitation.status == I.DECLINED
    assert invitation.decline_reason == "八月在国外参加技能交流"
    assert Notification.objects.filter(
        recipient=officer, kind="review.invitation_declined"
    ).exists()
    # Replace through the page.
    other = make_pool_expert(officer, world.acftu, full_name="周替补")
    client = Client()
    client.force_login(officer)
    url = reverse("reviews:pool_invitation_replace", args=[campaign.pk, invitation.pk])
    assert "周替补" in client.get(url).content.decode()
    response = client.post(url, {"expert": other.pk, "valid_days": 10})
    assert response.status_code == 302
    replacement = Invitation.objects.get(expert=other)
    assert replacement.replaces == invitation and replacement.status == I.INVITED
    with pytest.raises(DomainError) as exc:
        pool.do_invite_expert(
            acting_user=officer,
            campaign_id=campaign.pk,
            expert_id=make_pool_expert(officer, world.acftu).pk,
            replaces_id=invitation.pk,
        )
    assert exc.value.rule == "invitation.already_replaced"


def test_withdrawal_kills_the_link_and_a_renewed_invitation_gets_a_new_one(world, review, expert):  # type: ignore[no-untyped-def]
    campaign, _ = review
    officer = world.users["program_officer"]
    first = invite(officer, campaign, expert)
    client = Client()
    client.force_login(officer)
    response = client.post(
        reverse("reviews:pool_invitation_withdraw", args=[campaign.pk, first.invitation.pk]),
        {"reason": "本批次专家已足额"},
    )
    assert response.status_code == 302
    assert pool.find_open_invitation(first.token) is None
    assert Notification.objects.filter(
        recipient=expert.user, kind="review.invitation_withdrawn"
    ).exists()
    again = invite(officer, campaign, expert)
    assert again.invitation.pk == first.invitation.pk and again.token != first.token
    assert pool.find_open_invitation(again.token) is not None


# --- Reminders and sending again --------------------------------------------------------------


def test_reminders_renew_the_link_once_a_day(
    world, review, expert, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    campaign, _ = review
    issued = invite(world.users["program_officer"], campaign, expert)
    today = dt.date(2026, 6, 15)
    assert send_invitation_reminders(today) == 0  # just invited
    with time_machine.travel(dt.datetime(2026, 6, 18, 9, 0, tzinfo=SHANGHAI), tick=True):
        later = dt.date(2026, 6, 18)
        with django_capture_on_commit_callbacks(execute=True):
            assert send_invitation_reminders(later) == 1
        assert send_invitation_reminders(later) == 0  # once a day
        assert pool.find_open_invitation(issued.token) is None  # the old link is replaced
        message = mail.outbox[-1]
        path = re.search(r"/reviews/invitation/[^/\s]+/", message.body).group(0)
        assert pool.find_open_invitation(path.split("/")[-2]) is not None
        issued.invitation.refresh_from_db()
        assert (
            issued.invitation.token_expires_at
            == pool.find_open_invitation(path.split("/")[-2]).token_expires_at
        )
    with time_machine.travel(dt.datetime(2026, 6, 19, 9, 0, tzinfo=SHANGHAI), tick=True):
        assert send_invitation_reminders(dt.date(2026, 6, 19)) == 0  # 3 days between


def test_officer_sends_the_link_again(world, review, expert, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    campaign, _ = review
    officer = world.users["program_officer"]
    issued = invite(officer, campaign, expert)
    client = Client()
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reviews:pool_invitation_resend", args=[campaign.pk, issued.invitation.pk]),
            {"valid_days": "3"},
        )
    assert response.status_code == 302
    assert pool.find_open_invitation(issued.token) is None
    assert len(mail.outbox) == 1


# --- The officer's page -----------------------------------------------------------------------


def test_invitations_page_filters_candidates_and_invites(
    world, review, django_capture_on_commit_callbacks, django_assert_max_num_queries
):  # type: ignore[no-untyped-def]
    from jiangxin.reference.models import Industry

    campaign, _ = review  # the nominees' industry is division 31 (section C)
    officer = world.users["program_officer"]
    welder = make_pool_expert(
        officer, world.acftu, full_name="焊接专家", industries=[Industry.objects.get(code="C")]
    )
    farmer = make_pool_expert(
        officer, world.acftu, full_name="农业专家", industries=[Industry.objects.get(code="A")]
    )
    municipal = make_pool_expert(
        officer,
        world.acftu,
        full_name="市级专家",
        tiers=["municipal"],
        industries=[Industry.objects.get(code="31")],
    )
    client = Client()
    client.cookies["jiangxin_language"] = "en"
    client.force_login(officer)
    url = reverse("reviews:pool_invitations", args=[campaign.pk])
    with django_assert_max_num_queries(30):
        body = client.get(url).content.decode()
    assert "焊接专家" in body and "农业专家" not in body and "市级专家" not in body
    body = client.get(url, {"industries": "all"}).content.decode()
    assert "农业专家" in body and "市级专家" not in body
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"experts": [welder.pk, farmer.pk], "valid_days": "14"})
    assert response.status_code == 302
    assert set(Invitation.objects.values_list("expert_id", flat=True)) == {welder.pk, farmer.pk}
    assert len(mail.outbox) == 2
    body = client.get(url).content.decode()
    assert "Send the link again" in body and "焊接专家" in body
    del municipal


@pytest.mark.parametrize("who", ["hebei_officer", "henan_officer", "hebei_clerk", "expert"])
def test_invitation_pages_are_404_for_others(world, review, expert, who):  # type: ignore[no-untyped-def]
    campaign, _ = review
    issued = invite(world.users["program_officer"], campaign, expert)
    client = Client()
    client.force_login(world.users[who])
    inv = issued.invitation.pk
    for name, args, method in (
        ("reviews:pool_invitations", [campaign.pk], "get"),
        ("reviews:pool_invitations", [campaign.pk], "post"),
        ("reviews:pool_invitation_resend", [campaign.pk, inv], "post"),
        ("reviews:pool_invitation_withdraw", [campaign.pk, inv], "post"),
        ("reviews:pool_invitation_replace", [campaign.pk, inv], "get"),
    ):
        assert getattr(client, method)(reverse(name, args=args)).status_code == 404, name


def test_my_invitations_lists_the_experts_own(world, review, expert):  # type: ignore[no-untyped-def]
    campaign, _ = review
    issued = invite(world.users["program_officer"], campaign, expert)
    pool.do_accept_invitation(token=issued.token, password=NEW_PASSWORD)
    expert.user.refresh_from_db()  # the new password hash, for the session
    client = _english()
    client.force_login(expert.user)
    body = client.get(reverse("reviews:pool_my_invitations")).content.decode()
    assert campaign.name in body
    assert reverse("reviews:conflicts_mine", args=[campaign.pk]) in body
    other = Client()
    other.force_login(world.users["hebei_clerk"])
    assert other.get(reverse("reviews:pool_my_invitations")).status_code == 404
