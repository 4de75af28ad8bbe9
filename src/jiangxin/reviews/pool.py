"""The expert pool and the invitations to review (issue 4, point 1): every write, and the
reads the pool pages need.

- An **expert** is a user holding `Role.EXPERT` on the pool's organization (an issuing
  organization) with an `ExpertProfile`: employer, title, region, industries, occupation
  groups, skill domains, the tiers they review, past and present employment (for conflicts).
  Their account starts with an unusable password: they choose one when they accept their first
  invitation, then enrol an authenticator app before any session exists (experts see personal
  records, so `Role.EXPERT` is a two-factor role).
- An **invitation** asks one expert to review in one campaign (from the format check on). Its
  link carries a random token (`secrets.token_urlsafe`); only the token's SHA-256 is stored
  (`Invitation.token_hash`), so the link is in the email alone — the in-app notification links
  to the expert's own list instead. The link is valid for `JIANGXIN_INVITATION_VALID_DAYS`
  days (a setting, 14 by default) or as many as the officer chooses. Sending it again, by hand
  or as a reminder, issues a new link and the earlier one stops working.
- The expert **answers** without signing in: accept (an availability note and a maximum load)
  or decline (with a reason). An expired, used or unknown link gets one and the same "not
  valid" answer (`find_open_invitation` returns None for all of them).
- A decliner is **replaced** by inviting another expert "in place of" them
  (`Invitation.replaces`); an invitation may be **withdrawn** before the expert has work.

Lock order: the campaign row, the invitation / profile rows, then the writes; the audit chain
head (the first `record_event`) comes last.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import math
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jiangxin.accounts.actions import (
    PHONE_INDEX_PURPOSE,
    do_change_password,
    do_create_user,
    do_grant_role,
)
from jiangxin.accounts.models import Role, RoleGrant, User
from jiangxin.core.audit import record_event
from jiangxin.core.crypto import blind_index
from jiangxin.core.errors import DomainError, PermissionDenied
from jiangxin.core.masking import mask_numbers_in, mask_phone
from jiangxin.nominations.models import Nomination
from jiangxin.notifications.actions import notify
from jiangxin.notifications.kinds import render
from jiangxin.notifications.models import Notification
from jiangxin.orgs.models import Organization
from jiangxin.programs.models import Campaign, Tier
from jiangxin.programs.rules import ISSUER_KINDS
from jiangxin.programs.selectors import program_officers_of
from jiangxin.reviews import rules
from jiangxin.reviews.models import Assignment, ExpertEmployment, ExpertProfile, Invitation
from jiangxin.reviews.selectors import experts_visible_to

if TYPE_CHECKING:
    from jiangxin.reference.models import Industry, Region

logger = logging.getLogger("jiangxin.reviews")

I = Invitation.Status  # noqa: E741 - the statuses read like an enum
S = Nomination.Status

#: Days an invitation link stays valid unless the officer says otherwise.
DEFAULT_VALID_DAYS = 14
#: The longest validity an officer may give a link.
MAX_VALID_DAYS = 60
#: Random bytes in a token (43 URL-safe characters).
TOKEN_BYTES = 32
#: Reminders: every this many days without an answer, at most this many times.
REMINDER_INTERVAL_DAYS = 3
MAX_REMINDERS = 3
#: An invitation that is still "on": the expert is (or may become) one of the reviewers.
OPEN_INVITATION = (I.INVITED, I.ACCEPTED)
#: Nominations under review in a campaign (the accepted ones, and where they go next).
REVIEWED_STATUSES = (S.ACCEPTED, S.IN_REVIEW, S.SHORTLISTED)
#: Nominations that reached the campaign (the format check's and the review's).
REACHED_STATUSES = (S.ENDORSED, *REVIEWED_STATUSES)
#: Campaigns whose experts are busy with them (an expert's current load counts these).
BUSY_CAMPAIGN_STATUSES = (
    Campaign.Status.FORMAT_CHECK,
    Campaign.Status.ONLINE_REVIEW,
    Campaign.Status.PANEL_MEETING,
)
#: The profile fields `fields=` takes (model instances for the relations).
PROFILE_FIELDS = (
    "organization",
    "employer_name",
    "title",
    "region",
    "industries",
    "occupation_groups",
    "skill_domains",
    "expertise",
    "tiers",
    "default_max_load",
)
MAX_SKILL_DOMAINS = 30
REMINDER_KIND = "review.invitation_reminder"


def valid_days_default() -> int:
    return int(getattr(settings, "JIANGXIN_INVITATION_VALID_DAYS", DEFAULT_VALID_DAYS))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def answer_path(token: str) -> str:
    return reverse("reviews:pool_invitation_answer", args=[token])


@dataclass(frozen=True)
class EmploymentRow:
    """One past or present employer of an expert, as the pool form gives it."""

    employer_name: str
    organization_id: int | None = None
    start: dt.date | None = None
    end: dt.date | None = None


@dataclass(frozen=True)
class IssuedInvitation:
    """An invitation and the token of its link (known only here and in the email)."""

    invitation: Invitation
    token: str

    @property
    def path(self) -> str:
        return answer_path(self.token)


class InvitationNotValid(DomainError):
    """The one answer to an expired, used, withdrawn or unknown link."""

    def __init__(self) -> None:
        super().__init__(
            "invitation.not_valid",
            _("This link is not valid. It may have expired or already been used."),
        )


class InvitationsRefused(DomainError):
    """A bulk invitation refused as a whole; `problems` names every expert refused and why."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(
            "invitation.bulk_refused",
            _("No invitation was sent: %(first)s") % {"first": problems[0][1]},
        )
        self.problems = problems


# --- Profiles ---------------------------------------------------------------------------------


def pool_kinds() -> frozenset[str]:
    """Organizations that keep an expert pool: those that issue campaigns."""
    return frozenset(kind for kinds in ISSUER_KINDS.values() for kind in kinds)


def pools_for(user: User) -> QuerySet[Organization]:
    """The organizations whose pool the user keeps (issuing kinds in their program officer
    subtree)."""
    from jiangxin.accounts import rules as account_rules

    paths = account_rules.grant_paths(user, [Role.PROGRAM_OFFICER])
    if not paths:
        return Organization.objects.none()
    return Organization.objects.filter(
        account_rules.subtree_q(paths), kind__in=pool_kinds(), is_active=True
    ).order_by("path")


def _pool_org(acting_user: User | None, pool_id: int) -> Organization:
    pool = Organization.objects.get(pk=pool_id)
    if pool.kind not in pool_kinds():
        raise DomainError(
            "expert.pool_kind",
            _("Only an organization that issues campaigns keeps an expert pool."),
        )
    if acting_user is not None and not rules.can_manage_expert(acting_user, pool.path):
        raise PermissionDenied("expert.scope", _("This expert pool is outside your scope."))
    if not pool.is_active:
        raise DomainError("orgs.inactive", _("The organization is deactivated."))
    return pool


def _placeholder_password() -> str:
    """A password nobody knows, good enough for the policy check; replaced at once by an
    unusable one (the expert chooses theirs when accepting an invitation)."""
    return f"{secrets.token_urlsafe(24)}aA1!"


def _clean_fields(fields: dict[str, Any], *, new: bool = False) -> dict[str, Any]:
    """Check and normalise profile fields; a `new` profile must name its employer."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    data = dict(fields)
    organization: Organization | None = data.get("organization")
    name = " ".join(str(data.get("employer_name") or "").split())
    if not name and organization is not None:
        name = organization.name
    if "employer_name" in data or organization is not None or new:
        if not name:
            raise DomainError(
                "expert.employer_required", _("Name the organization the expert works for.")
            )
        data["employer_name"] = name
    if "tiers" in data:
        tiers = [str(t) for t in data["tiers"] or []]
        if any(t not in Tier.values for t in tiers):
            raise DomainError("expert.tier_unknown", _("Unknown tier."))
        data["tiers"] = [t for t in Tier.values if t in tiers]  # fixed order, no repeats
    if "skill_domains" in data:
        domains: list[str] = []
        for raw in data["skill_domains"] or []:
            word = " ".join(str(raw).split())
            if word and word not in domains:
                domains.append(word[:50])
        if len(domains) > MAX_SKILL_DOMAINS:
            raise DomainError(
                "expert.too_many_domains",
                _("Give at most %(n)s skill domains.") % {"n": MAX_SKILL_DOMAINS},
            )
        data["skill_domains"] = domains
    load = data.get("default_max_load")
    if load is not None and int(load) < 1:
        raise DomainError("expert.max_load", _("The maximum load must be at least 1."))
    return data


def _check_employment(rows: Sequence[EmploymentRow]) -> None:
    for row in rows:
        if not row.employer_name.strip() and row.organization_id is None:
            raise DomainError(
                "expert.employment_name", _("Each employment row needs the employer's name.")
            )
        if row.start and row.end and row.end < row.start:
            raise DomainError(
                "expert.employment_dates",
                _("An employment row ends before it starts (%(name)s).")
                % {"name": row.employer_name},
            )


def _write_profile(
    profile: ExpertProfile, fields: dict[str, Any], employment: Sequence[EmploymentRow] | None
) -> dict[str, Any]:
    """Set the profile's fields (saving it) and, when given, replace its employment rows.
    Returns what changed, for the audit summary."""
    changed: dict[str, Any] = {}
    m2m = {name: fields.pop(name) for name in ("industries", "occupation_groups") if name in fields}
    for name, value in fields.items():
        if profile.pk is None or getattr(profile, name) != value:
            setattr(profile, name, value)
            changed[name] = value.pk if hasattr(value, "pk") else value
    profile.save()
    for name, values in m2m.items():
        manager = getattr(profile, name)
        new = sorted(v.pk for v in values)
        if sorted(manager.values_list("pk", flat=True)) != new:
            manager.set(new)
            changed[name] = new
    if employment is not None:
        _check_employment(employment)
        before = list(profile.employment.values_list("employer_name", "organization_id"))
        orgs = Organization.objects.in_bulk(
            [r.organization_id for r in employment if r.organization_id]
        )
        rows = []
        for row in employment:
            org = orgs.get(row.organization_id) if row.organization_id else None
            name = " ".join(row.employer_name.split()) or (org.name if org else "")
            rows.append(
                ExpertEmployment(
                    expert=profile,
                    organization=org,
                    employer_name=name,
                    start=row.start,
                    end=row.end,
                )
            )
        profile.employment.all().delete()
        ExpertEmployment.objects.bulk_create(rows)
        after = [(r.employer_name, r.organization_id) for r in rows]
        if before != after:
            changed["employment"] = len(employment)
    return changed


@transaction.atomic
def do_create_expert(
    *,
    acting_user: User | None,
    pool_id: int,
    username: str,
    full_name: str,
    email: str,
    phone: str = "",
    fields: dict[str, Any],
    employment: Sequence[EmploymentRow] = (),
) -> ExpertProfile:
    """Create an expert: their account (unusable password until they accept an invitation),
    `Role.EXPERT` on the pool's organization, and the profile with its employment rows.

    `acting_user` None is a system command (the demo); otherwise a program officer whose
    grant covers the pool.
    """
    pool = _pool_org(acting_user, pool_id)
    if not email.strip():
        raise DomainError(
            "expert.email_required", _("An expert needs an email address for the invitations.")
        )
    data = _clean_fields(fields, new=True)
    user = do_create_user(
        acting_user=acting_user,
        username=username,
        full_name=full_name,
        password=_placeholder_password(),
        email=email,
        phone=phone,
        must_change_password=False,
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    do_grant_role(
        acting_user=acting_user, user_id=user.pk, organization_id=pool.pk, role=Role.EXPERT
    )
    profile = ExpertProfile(user=user, pool=pool, created_by=acting_user)
    _write_profile(profile, data, employment)
    record_event(
        "expert.created",
        actor=acting_user,
        obj=profile,
        summary={"after": {"user": user.username, "pool": pool.pk, "phone": mask_phone(phone)}},
    )
    return profile


@transaction.atomic
def do_add_expert_profile(
    *,
    acting_user: User | None,
    pool_id: int,
    user_id: int,
    fields: dict[str, Any],
    employment: Sequence[EmploymentRow] = (),
) -> ExpertProfile:
    """Put an existing account into a pool: `Role.EXPERT` on the pool's organization (unless
    held there already) and a profile. The account keeps its password."""
    pool = _pool_org(acting_user, pool_id)
    user = User.objects.select_for_update().get(pk=user_id)
    if ExpertProfile.objects.filter(user=user).exists():
        raise DomainError("expert.exists", _("This person is already in an expert pool."))
    data = _clean_fields(fields, new=True)
    if not RoleGrant.objects.filter(
        user=user, organization=pool, role=Role.EXPERT, revoked_at__isnull=True
    ).exists():
        do_grant_role(
            acting_user=acting_user, user_id=user.pk, organization_id=pool.pk, role=Role.EXPERT
        )
    profile = ExpertProfile(user=user, pool=pool, created_by=acting_user)
    _write_profile(profile, data, employment)
    record_event(
        "expert.created",
        actor=acting_user,
        obj=profile,
        summary={"after": {"user": user.username, "pool": pool.pk}},
    )
    return profile


def _lock_expert(acting_user: User, expert_id: int) -> ExpertProfile:
    profile = (
        ExpertProfile.objects.select_for_update(of=("self",))
        .select_related("user", "pool")
        .get(pk=expert_id)
    )
    if not rules.can_manage_expert(acting_user, profile.pool.path):
        raise PermissionDenied("expert.scope", _("This expert is outside your scope."))
    return profile


@transaction.atomic
def do_update_expert(
    *,
    acting_user: User,
    expert_id: int,
    fields: dict[str, Any],
    employment: Sequence[EmploymentRow] | None = None,
    full_name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> ExpertProfile:
    """Change an expert's profile (and name, email, phone of their account); `employment`,
    when given, replaces the employment rows."""
    profile = _lock_expert(acting_user, expert_id)
    data = _clean_fields(fields)
    changed = _write_profile(profile, data, employment)
    user = User.objects.select_for_update().get(pk=profile.user_id)
    account: dict[str, Any] = {}
    if full_name is not None and full_name.strip() != user.full_name:
        user.full_name = account["full_name"] = full_name.strip()
    if email is not None and email.strip() != user.email:
        if not email.strip():
            raise DomainError(
                "expert.email_required",
                _("An expert needs an email address for the invitations."),
            )
        user.email = account["email"] = email.strip()
    if phone is not None and phone.strip() != user.phone:
        user.phone = phone.strip()
        user.phone_index = (
            blind_index(user.phone, purpose=PHONE_INDEX_PURPOSE) if user.phone else ""
        )
        account["phone"] = "changed"
    if account:
        user.save(update_fields=["full_name", "email", "phone", "phone_index"])
    changed.update(account)
    if changed:
        record_event(
            "expert.updated",
            actor=acting_user,
            obj=profile,
            summary={"after": {k: _safe_value(v) for k, v in changed.items()}},
        )
    profile.user = user
    return profile


def _safe_value(value: Any) -> Any:
    return mask_numbers_in(value) if isinstance(value, str) else value


@transaction.atomic
def do_set_expert_active(*, acting_user: User, expert_id: int, active: bool) -> ExpertProfile:
    """Take an expert out of the pool (or back in). Deactivating withdraws their unanswered
    invitations; it is refused while they still have work in a running online review."""
    profile = _lock_expert(acting_user, expert_id)
    if profile.is_active == active:
        return profile
    withdrawn: list[int] = []
    if not active:
        busy = Assignment.objects.filter(
            expert=profile,
            status=Assignment.Status.ACTIVE,
            campaign__status=Campaign.Status.ONLINE_REVIEW,
        ).exists()
        if busy:
            raise DomainError(
                "expert.busy",
                _(
                    "This expert still has nominations to review in a running online review. "
                    "Replace their assignments first."
                ),
            )
        pending = Invitation.objects.select_for_update().filter(expert=profile, status=I.INVITED)
        withdrawn = list(pending.values_list("pk", flat=True))
        pending.update(status=I.WITHDRAWN, responded_at=timezone.now())
    profile.is_active = active
    profile.save(update_fields=["is_active", "updated_at"])
    record_event(
        "expert.activated" if active else "expert.deactivated",
        actor=acting_user,
        obj=profile,
        summary={"after": {"is_active": active}, "invitations_withdrawn": withdrawn},
    )
    return profile


# --- Invitations ------------------------------------------------------------------------------


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, hash_token(token)


def _expiry(days: int | None) -> dt.datetime:
    days = valid_days_default() if days is None else int(days)
    if not 1 <= days <= MAX_VALID_DAYS:
        raise DomainError(
            "invitation.valid_days",
            _("A link is valid for 1 to %(max)s days.") % {"max": MAX_VALID_DAYS},
        )
    return timezone.now() + dt.timedelta(days=days)


def _params(invitation: Invitation) -> dict[str, Any]:
    campaign = invitation.campaign
    expires = timezone.localtime(invitation.token_expires_at)
    return {
        "campaign": campaign.name,
        "issuer": campaign.issuing_org.name,
        "expert": str(invitation.expert),
        "ends": campaign.review_ends.isoformat(),
        "expires": f"{expires:%Y-%m-%d %H:%M}",
    }


def _email_link(address: str, kind: str, params: dict[str, Any], link: str) -> None:
    """Send the private link (after commit). A failure is logged: the officer sends it again."""
    with translation.override(settings.LANGUAGE_CODE):
        title, body = render(kind, params)
        note = gettext(
            "This link is personal: do not forward it. It is valid until %(expires)s "
            "(China Standard Time) and works once."
        ) % {"expires": params["expires"]}
        subject = f"[{gettext('Jiangxin')}] {title}"
    try:
        send_mail(
            subject=subject,
            message=f"{body}\n\n{link}\n\n{note}",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
        )
    except Exception:  # any mail failure; the page offers "send the link again"
        logger.exception("invitation email to %s failed", mask_numbers_in(address))


def _send_link(invitation: Invitation, token: str, kind: str) -> None:
    """Tell the expert in the app (linking to their own list) and by email with the private
    link. The notification's own email copy is skipped: the link must not be stored."""
    user = invitation.expert.user
    params = _params(invitation)
    rows = notify([user], kind, params=params, url=reverse("reviews:pool_my_invitations"))
    Notification.objects.filter(pk__in=[r.pk for r in rows if r.pk]).update(
        emailed_at=timezone.now()
    )
    if user.email:
        link = f"{settings.JIANGXIN_SITE_URL}{answer_path(token)}"
        transaction.on_commit(partial(_email_link, user.email, kind, params, link))


def _lock_campaign(acting_user: User, campaign_id: int) -> Campaign:
    campaign = (
        Campaign.objects.select_for_update(of=("self",))
        .select_related("issuing_org", "policy_version")
        .get(pk=campaign_id)
    )
    if not rules.can_manage_review(acting_user, campaign):
        raise PermissionDenied(
            "campaign.manage",
            _("Only a program officer of the issuing organization manages this campaign."),
        )
    return campaign


def _require_invitable(acting_user: User, campaign: Campaign) -> None:
    if not rules.can_invite_experts(acting_user, campaign):
        raise DomainError(
            "invitation.campaign_status",
            _(
                "Experts are invited from the format check until the online review closes "
                "(this campaign: %(status)s)."
            )
            % {"status": campaign.get_status_display()},
        )


def _invite_one(
    acting_user: User,
    campaign: Campaign,
    expert_id: int,
    *,
    expires_at: dt.datetime,
    replaces: Invitation | None,
) -> IssuedInvitation:
    expert = (
        ExpertProfile.objects.select_for_update(of=("self",))
        .select_related("user", "pool")
        .get(pk=expert_id)
    )
    if not rules.can_manage_expert(acting_user, expert.pool.path):
        raise PermissionDenied("expert.scope", _("This expert is outside your scope."))
    if not expert.is_active or not expert.user.is_active:
        raise DomainError(
            "expert.inactive", _("%(name)s is not active in the pool.") % {"name": expert}
        )
    if not expert.user.email:
        raise DomainError(
            "expert.no_email",
            _("%(name)s has no email address to send the link to.") % {"name": expert},
        )
    if expert.tiers and campaign.tier not in expert.tiers:
        raise DomainError(
            "invitation.tier",
            _("%(name)s does not review this tier (%(tier)s).")
            % {"name": expert, "tier": campaign.get_tier_display()},
        )
    token, digest = _new_token()
    invitation = (
        Invitation.objects.select_for_update().filter(campaign=campaign, expert=expert).first()
    )
    if invitation is not None and invitation.status != I.WITHDRAWN:
        raise DomainError(
            "invitation.exists",
            _("%(name)s was already invited to this campaign (%(status)s).")
            % {"name": expert, "status": invitation.get_status_display()},
        )
    if invitation is None:
        invitation = Invitation(campaign=campaign, expert=expert)
    invitation.status = I.INVITED
    invitation.token_hash = digest
    invitation.token_expires_at = expires_at
    invitation.replaces = replaces
    invitation.invited_by = acting_user
    invitation.invited_at = timezone.now()
    invitation.responded_at = None
    invitation.reminded_at = None
    invitation.decline_reason = ""
    invitation.availability = ""
    invitation.max_load = None
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:  # a concurrent invitation of the same expert won
        raise DomainError(
            "invitation.exists",
            _("%(name)s was already invited to this campaign (%(status)s).")
            % {"name": expert, "status": I.INVITED.label},
        ) from exc
    invitation.expert = expert
    invitation.campaign = campaign
    return IssuedInvitation(invitation=invitation, token=token)


def _replaced(campaign: Campaign, replaces_id: int | None) -> Invitation | None:
    if replaces_id is None:
        return None
    old = (
        Invitation.objects.select_for_update()
        .select_related("expert__user")
        .filter(pk=replaces_id, campaign=campaign)
        .first()
    )
    if old is None or old.status not in (I.DECLINED, I.WITHDRAWN):
        raise DomainError(
            "invitation.replace_status",
            _("Only an expert who declined, or whose invitation was withdrawn, is replaced."),
        )
    if old.replacements.filter(status__in=OPEN_INVITATION).exists():
        raise DomainError(
            "invitation.already_replaced",
            _("%(name)s has been replaced already.") % {"name": old.expert},
        )
    return old


@transaction.atomic
def do_invite_experts(
    *,
    acting_user: User,
    campaign_id: int,
    expert_ids: Iterable[int],
    valid_days: int | None = None,
    replaces_id: int | None = None,
) -> list[IssuedInvitation]:
    """Invite experts to a campaign: each gets a fresh link by email (valid `valid_days`
    days). All or nothing: if any expert is refused, none is invited and `InvitationsRefused`
    names every refusal. With `replaces_id`, the (single) expert replaces a decliner."""
    campaign = _lock_campaign(acting_user, campaign_id)
    _require_invitable(acting_user, campaign)
    ids = list(dict.fromkeys(expert_ids))
    if not ids:
        raise DomainError("invitation.none_chosen", _("Choose at least one expert to invite."))
    if replaces_id is not None and len(ids) != 1:
        raise DomainError("invitation.replace_one", _("Exactly one expert replaces another one."))
    replaces = _replaced(campaign, replaces_id)
    expires_at = _expiry(valid_days)
    issued: list[IssuedInvitation] = []
    problems: list[tuple[str, str]] = []
    for expert_id in ids:
        try:
            with transaction.atomic():
                issued.append(
                    _invite_one(
                        acting_user, campaign, expert_id, expires_at=expires_at, replaces=replaces
                    )
                )
        except DomainError as exc:
            problems.append((exc.rule, str(exc.message)))
    if problems:
        raise InvitationsRefused(problems)
    from jiangxin.reviews.conflicts import compute_conflicts

    compute_conflicts(campaign, expert_ids=ids)
    for item in issued:
        record_event(
            "invitation.sent",
            actor=acting_user,
            obj=item.invitation,
            acting_org=campaign.issuing_org,
            summary={
                "campaign": campaign.pk,
                "expert": item.invitation.expert_id,
                "replaces": replaces.pk if replaces else None,
                "expires": item.invitation.token_expires_at.isoformat(),
            },
        )
        _send_link(item.invitation, item.token, "review.invitation")
    return issued


def do_invite_expert(
    *,
    acting_user: User,
    campaign_id: int,
    expert_id: int,
    valid_days: int | None = None,
    replaces_id: int | None = None,
) -> IssuedInvitation:
    """Invite one expert (see `do_invite_experts`); refusals raise the expert's own error."""
    try:
        return do_invite_experts(
            acting_user=acting_user,
            campaign_id=campaign_id,
            expert_ids=[expert_id],
            valid_days=valid_days,
            replaces_id=replaces_id,
        )[0]
    except InvitationsRefused as exc:
        rule, message = exc.problems[0]
        raise DomainError(rule, message) from exc


def _reissue(invitation: Invitation, *, expires_at: dt.datetime) -> str:
    token, digest = _new_token()
    invitation.token_hash = digest
    invitation.token_expires_at = expires_at
    invitation.reminded_at = timezone.now()
    invitation.save(update_fields=["token_hash", "token_expires_at", "reminded_at"])
    return token


@transaction.atomic
def do_resend_invitation(
    *, acting_user: User, invitation_id: int, valid_days: int | None = None
) -> IssuedInvitation:
    """Send an unanswered invitation again with a new link (valid `valid_days` days from now);
    the earlier link stops working."""
    invitation = Invitation.objects.select_related("campaign").get(pk=invitation_id)
    campaign = _lock_campaign(acting_user, invitation.campaign_id)
    _require_invitable(acting_user, campaign)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("expert__user")
        .get(pk=invitation_id)
    )
    if invitation.status != I.INVITED:
        raise DomainError(
            "invitation.answered",
            _("This invitation is no longer waiting for an answer (%(status)s).")
            % {"status": invitation.get_status_display()},
        )
    token = _reissue(invitation, expires_at=_expiry(valid_days))
    invitation.campaign = campaign
    record_event(
        "invitation.resent",
        actor=acting_user,
        obj=invitation,
        acting_org=campaign.issuing_org,
        summary={"expires": invitation.token_expires_at.isoformat()},
    )
    _send_link(invitation, token, REMINDER_KIND)
    return IssuedInvitation(invitation=invitation, token=token)


@transaction.atomic
def do_withdraw_invitation(
    *, acting_user: User, invitation_id: int, reason: str = ""
) -> Invitation:
    """Withdraw an invitation (unanswered or accepted) while the expert has no work in the
    campaign; the expert is told."""
    invitation = Invitation.objects.select_related("campaign").get(pk=invitation_id)
    campaign = _lock_campaign(acting_user, invitation.campaign_id)
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("expert__user")
        .get(pk=invitation_id)
    )
    if invitation.status not in OPEN_INVITATION:
        raise DomainError(
            "invitation.not_open",
            _("Only an invitation that is waiting or accepted can be withdrawn."),
        )
    if Assignment.objects.filter(
        campaign=campaign, expert_id=invitation.expert_id, status=Assignment.Status.ACTIVE
    ).exists():
        raise DomainError(
            "invitation.has_assignments",
            _("This expert has nominations assigned in this campaign. Replace them first."),
        )
    before = invitation.status
    invitation.status = I.WITHDRAWN
    invitation.responded_at = timezone.now()
    invitation.save(update_fields=["status", "responded_at"])
    from jiangxin.reviews.conflicts import compute_conflicts

    compute_conflicts(campaign, expert_ids=[invitation.expert_id])
    reason = mask_numbers_in(reason.strip())
    record_event(
        "invitation.withdrawn",
        actor=acting_user,
        obj=invitation,
        acting_org=campaign.issuing_org,
        summary={"before": {"status": before}, "reason": reason},
    )
    invitation.campaign = campaign
    notify(
        [invitation.expert.user],
        "review.invitation_withdrawn",
        params={**_params(invitation), "reason": reason or "—"},
        url=reverse("reviews:pool_my_invitations"),
    )
    return invitation


# --- The expert's answer (public, by token) -----------------------------------------------------


def is_answerable(invitation: Invitation) -> bool:
    return (
        invitation.status == I.INVITED
        and invitation.token_expires_at > timezone.now()
        and invitation.expert.is_active
        and invitation.expert.user.is_active
        and invitation.campaign.status in rules.invitable_statuses()
    )


def _by_token(token: str) -> QuerySet[Invitation]:
    if not token or len(token) > 200:
        return Invitation.objects.none()
    return Invitation.objects.filter(token_hash=hash_token(token)).select_related(
        "campaign", "campaign__issuing_org", "campaign__policy_version", "expert", "expert__user"
    )


def find_open_invitation(token: str) -> Invitation | None:
    """The invitation a link answers, or None when the link is expired, used, withdrawn or
    unknown (the same None for every case)."""
    invitation = _by_token(token).first()
    if invitation is None or not is_answerable(invitation):
        return None
    return invitation


def _lock_by_token(token: str) -> Invitation:
    invitation = _by_token(token).select_for_update(of=("self",)).first()
    if invitation is None or not is_answerable(invitation):
        raise InvitationNotValid()
    return invitation


def needs_password(user: User) -> bool:
    return not user.has_usable_password()


def _tell_officers(invitation: Invitation, kind: str, **extra: Any) -> None:
    campaign = invitation.campaign
    recipients = program_officers_of(campaign)
    if invitation.invited_by_id and invitation.invited_by not in recipients:
        recipients.append(invitation.invited_by)  # type: ignore[arg-type]
    notify(
        recipients,
        kind,
        params={**_params(invitation), **extra},
        url=reverse("reviews:pool_invitations", args=[campaign.pk]),
    )


@transaction.atomic
def do_accept_invitation(
    *,
    token: str,
    availability: str = "",
    max_load: int | None = None,
    password: str | None = None,
) -> Invitation:
    """Accept through the link. An expert whose account has no usable password yet chooses
    one here (checked against the whole password policy: a `ValidationError` leaves nothing
    accepted); they enrol their authenticator app at their first sign-in step."""
    invitation = _lock_by_token(token)
    campaign = invitation.campaign
    user = invitation.expert.user
    limit = campaign.policy_version.max_nominations_per_expert
    if max_load is not None and not 1 <= max_load <= limit:
        raise DomainError(
            "invitation.max_load",
            _("The maximum load is between 1 and %(limit)s nominations.") % {"limit": limit},
        )
    if needs_password(user):
        if not password:
            raise DomainError("invitation.password_required", _("Choose a password."))
        do_change_password(user_id=user.pk, new_password=password, acting_user=user)
    invitation.status = I.ACCEPTED
    invitation.responded_at = timezone.now()
    invitation.availability = mask_numbers_in(" ".join(availability.split()))[:200]
    invitation.max_load = max_load
    invitation.save(update_fields=["status", "responded_at", "availability", "max_load"])
    record_event(
        "invitation.accepted",
        actor=user,
        obj=invitation,
        acting_org=None,
        summary={"max_load": max_load, "availability": invitation.availability},
    )
    _tell_officers(invitation, "review.invitation_accepted")
    return invitation


@transaction.atomic
def do_decline_invitation(*, token: str, reason: str) -> Invitation:
    """Decline through the link, with a reason (the officer then invites a replacement)."""
    invitation = _lock_by_token(token)
    reason = mask_numbers_in(reason.strip())
    if len(reason) < 2:
        raise DomainError(
            "invitation.reason_required", _("Say briefly why you cannot review this time.")
        )
    invitation.status = I.DECLINED
    invitation.responded_at = timezone.now()
    invitation.decline_reason = reason
    invitation.save(update_fields=["status", "responded_at", "decline_reason"])
    from jiangxin.reviews.conflicts import compute_conflicts

    compute_conflicts(invitation.campaign, expert_ids=[invitation.expert_id])
    record_event(
        "invitation.declined",
        actor=invitation.expert.user,
        obj=invitation,
        acting_org=None,
        summary={"reason": reason},
    )
    _tell_officers(invitation, "review.invitation_declined", reason=reason)
    return invitation


# --- Reminders (the daily scheduler, see reviews.scheduled) -----------------------------------


def due_for_reminder(today: dt.date) -> QuerySet[Invitation]:
    """Unanswered invitations with a valid link whose last email is `REMINDER_INTERVAL_DAYS`
    or more days old, in campaigns still inviting."""
    cutoff = timezone.make_aware(
        dt.datetime.combine(today - dt.timedelta(days=REMINDER_INTERVAL_DAYS - 1), dt.time.min)
    )
    return Invitation.objects.filter(
        status=I.INVITED,
        campaign__status__in=rules.invitable_statuses(),
        token_expires_at__gt=timezone.now(),
        expert__is_active=True,
        expert__user__is_active=True,
    ).filter(
        Q(reminded_at__isnull=True, invited_at__lt=cutoff)
        | Q(reminded_at__isnull=False, reminded_at__lt=cutoff)
    )


@transaction.atomic
def do_remind_invitation(*, invitation_id: int, today: dt.date) -> bool:
    """Remind one expert (a new link, valid as long as the last one was). Returns False when
    already reminded today or `MAX_REMINDERS` times (nothing is sent)."""
    from jiangxin.notifications.models import ReminderLog

    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("campaign", "campaign__issuing_org", "expert__user")
        .get(pk=invitation_id)
    )
    if not is_answerable(invitation):
        return False
    subject = f"invitation:{invitation.pk}"
    if ReminderLog.objects.filter(kind=REMINDER_KIND, subject_key=subject).count() >= MAX_REMINDERS:
        return False
    try:
        with transaction.atomic():
            ReminderLog.objects.create(
                kind=REMINDER_KIND,
                subject_key=subject,
                recipient=invitation.expert.user,
                sent_on=today,
            )
    except IntegrityError:
        return False
    token = _reissue(invitation, expires_at=invitation.token_expires_at)
    record_event("invitation.reminded", obj=invitation, acting_org=invitation.campaign.issuing_org)
    _send_link(invitation, token, REMINDER_KIND)
    return True


# --- Reads ------------------------------------------------------------------------------------


def with_load(qs: QuerySet[ExpertProfile]) -> QuerySet[ExpertProfile]:
    """Annotate each expert's current load: `open_assignments` (active assignments in busy
    campaigns) and `open_campaigns` (accepted invitations in busy campaigns)."""
    assignments = (
        Assignment.objects.filter(
            expert=OuterRef("pk"),
            status=Assignment.Status.ACTIVE,
            campaign__status__in=BUSY_CAMPAIGN_STATUSES,
        )
        .order_by()
        .values("expert")
        .annotate(n=Count("pk"))
        .values("n")
    )
    accepted = (
        Invitation.objects.filter(
            expert=OuterRef("pk"), status=I.ACCEPTED, campaign__status__in=BUSY_CAMPAIGN_STATUSES
        )
        .order_by()
        .values("expert")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return qs.annotate(
        open_assignments=Coalesce(Subquery(assignments, output_field=IntegerField()), 0),
        open_campaigns=Coalesce(Subquery(accepted, output_field=IntegerField()), 0),
    )


def reviews_tier(tier: str) -> Q:
    """Experts who review `tier` (an empty list of tiers means every tier)."""
    return Q(tiers=[]) | Q(tiers__icontains=f'"{tier}"')


def in_industry(codes: Iterable[str]) -> Exists:
    """Experts with one of these industries (sections or divisions) in their profile."""
    through = ExpertProfile.industries.through
    return Exists(through.objects.filter(expertprofile_id=OuterRef("pk"), industry_id__in=codes))


def in_section(section: Industry) -> Exists:
    """Experts with the section itself or one of its divisions."""
    through = ExpertProfile.industries.through
    return Exists(
        through.objects.filter(expertprofile_id=OuterRef("pk")).filter(
            Q(industry_id=section.pk) | Q(industry__section_id=section.pk)
        )
    )


def in_region(region: Region) -> Q:
    """Experts in the region or (for a province) one of its cities."""
    return Q(region_id=region.pk) | Q(region__parent_id=region.pk)


def campaign_industry_codes(campaign: Campaign) -> set[str]:
    """The industries (divisions and their sections) of the nominations under review."""
    rows = Nomination.objects.filter(
        campaign=campaign, status__in=REACHED_STATUSES, person__industry__isnull=False
    ).values_list("person__industry_id", "person__industry__section_id")
    codes: set[str] = set()
    for division, section in rows:
        codes.add(division)
        if section:
            codes.add(section)
    return codes


def invitation_candidates(
    user: User, campaign: Campaign, *, match_industries: bool = True
) -> QuerySet[ExpertProfile]:
    """Experts the user may invite to `campaign` now: active, in their pools, reviewing its
    tier, not invited yet (a withdrawn invitation may be renewed), and — unless told
    otherwise — knowing one of the industries of its nominations."""
    taken = Invitation.objects.filter(
        expert=OuterRef("pk"), campaign=campaign, status__in=[I.INVITED, I.ACCEPTED, I.DECLINED]
    )
    qs = (
        experts_visible_to(user)
        .filter(is_active=True, user__is_active=True)
        .filter(reviews_tier(campaign.tier))
        .exclude(Exists(taken))
    )
    if match_industries:
        codes = campaign_industry_codes(campaign)
        if codes:
            qs = qs.filter(in_industry(codes))
    return qs


def campaign_invitations(campaign: Campaign) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(campaign=campaign)
        .select_related("expert__user", "expert__pool", "replaces__expert__user", "invited_by")
        .prefetch_related("replacements")
        .order_by("status", "expert__user__full_name", "pk")
    )


def expected_load(campaign: Campaign, invitation: Invitation | None = None) -> int:
    """About how many nominations each expert reviews: the reviews needed (nominations × k)
    shared among the invited and accepted experts, at most the policy's limit and the
    expert's own maximum."""
    policy = campaign.policy_version
    nominations = Nomination.objects.filter(campaign=campaign, status__in=REACHED_STATUSES).count()
    experts = Invitation.objects.filter(campaign=campaign, status__in=OPEN_INVITATION).count()
    load = math.ceil(nominations * policy.reviewers_per_nomination / max(experts, 1))
    caps = [policy.max_nominations_per_expert]
    if invitation is not None:
        if invitation.max_load:
            caps.append(invitation.max_load)
        elif invitation.expert.default_max_load:
            caps.append(invitation.expert.default_max_load)
    return min(load, *caps)


def campaigns_in_review_for(user: User) -> QuerySet[Campaign]:
    """Campaigns whose review the user runs (program officer on the issuing organization),
    from the format check to the final approval."""
    from jiangxin.accounts import rules as account_rules

    org_ids = [
        g.organization_id
        for g in account_rules.active_grants(user)
        if g.role == Role.PROGRAM_OFFICER
    ]
    return (
        Campaign.objects.filter(
            issuing_org_id__in=org_ids,
            status__in=[*BUSY_CAMPAIGN_STATUSES, Campaign.Status.FINAL_APPROVAL],
        )
        .select_related("issuing_org")
        .order_by("-year", "tier", "pk")
    )


# --- Dashboard numbers ------------------------------------------------------------------------


def pool_stats(user: User) -> list[Any]:
    """The program officer's pool numbers: experts kept, invitations not answered yet."""
    from jiangxin.core.dashboard import Stat

    experts = experts_visible_to(user)
    waiting = Invitation.objects.filter(
        campaign__in=campaigns_in_review_for(user), status=I.INVITED
    )
    return [
        Stat(
            _("Active experts in my pools"),
            experts.filter(is_active=True).count(),
            reverse("reviews:pool_list"),
        ),
        Stat(_("Review invitations awaiting an answer"), waiting.count()),
    ]


def invitation_stats(user: User) -> list[Any]:
    """The expert's own: invitations to answer (by the emailed link)."""
    from jiangxin.core.dashboard import Stat

    waiting = Invitation.objects.filter(
        expert__user_id=user.pk,
        expert__is_active=True,
        status=I.INVITED,
        token_expires_at__gt=timezone.now(),
    )
    return [
        Stat(
            _("Review invitations to answer"),
            waiting.count(),
            reverse("reviews:pool_my_invitations"),
        )
    ]
