"""Expert review (网审 → 会评 → 审定): the expert pool, conflicts of interest, assignment,
score sheets, the panel meeting and the final approval.

The stages of a campaign after the format check:

- online review (网审): accepted nominations are assigned k experts each by an optimal
  assignment (`AssignmentRun` → `Assignment`), never across a `Conflict`; each expert fills a
  `ScoreSheet` per assignment, one `Score` per assessment dimension of the pinned policy;
- panel meeting (会评): a shortlist drawn from the calibrated ranking (`ShortlistEntry`), the
  members present (`PanelMember`), recusals, one `Vote` per member and nominee; results are
  computed from the votes;
- final approval (审定): the passed list checked against the quota and frozen
  (`FinalApproval`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpertProfile(models.Model):
    """An expert reviewer: who they are, what they know, whom they work for (for conflicts)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="expert_profile",
    )
    #: The issuing organization whose program officers keep this expert in their pool.
    pool = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("expert pool of"),
        on_delete=models.PROTECT,
        related_name="expert_pool",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("works for (in the system)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="experts",
    )
    employer_name = models.CharField(_("works for"), max_length=200)
    title = models.CharField(_("professional title"), max_length=100, blank=True)
    region = models.ForeignKey(
        "reference.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    industries = models.ManyToManyField(
        "reference.Industry", verbose_name=_("industries"), blank=True, related_name="+"
    )
    occupation_groups = models.ManyToManyField(
        "reference.OccupationGroup",
        verbose_name=_("occupation groups"),
        blank=True,
        related_name="+",
    )
    skill_domains = models.JSONField(
        _("skill domains"), default=list, blank=True, help_text=_("Keywords, e.g. 焊接, 数控加工.")
    )
    expertise = models.TextField(_("expertise"), blank=True)
    tiers = models.JSONField(_("tiers reviewed"), default=list, blank=True)
    default_max_load = models.PositiveSmallIntegerField(
        _("nominations per campaign at most"),
        null=True,
        blank=True,
        help_text=_("Empty: the policy's limit."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["user__full_name", "id"]

    def __str__(self) -> str:
        return self.user.full_name or self.user.get_username()


class ExpertEmployment(models.Model):
    """An expert's past or present employer, for the colleague conflict."""

    expert = models.ForeignKey(
        ExpertProfile, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="employment"
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("employer in the system"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    employer_name = models.CharField(_("employer"), max_length=200)
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert's employment")
        verbose_name_plural = _("experts' employment")
        ordering = ["expert_id", "start"]

    def __str__(self) -> str:
        return self.employer_name


class Invitation(models.Model):
    """An expert invited to review in one campaign; answered through a tokenised link."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn by the officer")

    campaign = models.ForeignKey(
        "programs.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    expert = models.ForeignKey(
        ExpertProfile,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    #: SHA-256 of the link's token; the token itself is only ever in the link sent.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_expires_at = models.DateTimeField(_("link valid until"))
    max_load = models.PositiveSmallIntegerField(
        _("nominations at most"), null=True, blank=True, help_text=_("Empty: the default.")
    )
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("replaces"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replacements",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited at"), auto_now_add=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("last reminded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["campaign_id", "expert_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "expert"], name="invitation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.expert_id} {self.status}"


class Conflict(models.Model):
    """A conflict of interest between an expert and a nomination in a campaign. Computed ones
    are refreshed from the data; declared ones stay until the officer removes them. Either
    way the expert is never assigned to, and never sees, the nomination."""

    class Kind(models.TextChoices):
        SAME_EMPLOYER = "same_employer", _("Same employer")
        SAME_UNION = "same_union", _("Same enterprise union")
        SAME_CHAIN = "same_chain", _("Same recommending organization")
        COLLEAGUE = "colleague", _("Past or present colleague")
        TEACHER_APPRENTICE = "teacher_apprentice", _("Teacher and apprentice")
        FAMILY = "family", _("Family relation")
        CO_INVENTOR = "co_inventor", _("Co-inventor or co-author")
        OTHER = "other", _("Other declared relation")

    class Source(models.TextChoices):
        COMPUTED = "computed", _("Computed from the records")
        EXPERT = "expert", _("Declared by the expert")
        UNIT = "unit", _("Asked by the nominee's unit")
        OFFICER = "officer", _("Recorded by the officer")

    campaign = models.ForeignKey(
        "programs.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="conflicts",
    )
    expert = models.ForeignKey(
        ExpertProfile, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="conflicts"
    )
    nomination = models.ForeignKey(
        "nominations.Nomination",
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="conflicts",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    reason = models.TextField(_("reason"))
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        ordering = ["campaign_id", "expert_id", "nomination_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "expert", "nomination", "kind", "source"],
                name="conflict_unique",
            ),
        ]
        indexes = [models.Index(fields=["expert", "nomination"], name="conflict_pair")]

    def __str__(self) -> str:
        return f"{self.expert_id}×{self.nomination_id} {self.kind}"


class AssignmentRun(models.Model):
    """One solve of the assignment problem (parse → preview → execute).

    `params` holds what was asked (k, loads, constraints, pins and forbids, the nominations in
    scope for a replacement); `result` the proposed pairs with their affinities and the
    statistics shown in the preview. Executing writes `Assignment` rows in one transaction.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Solving")
        SOLVED = "solved", _("Solved: preview")
        INFEASIBLE = "infeasible", _("Infeasible")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        EXECUTED = "executed", _("Executed")
        DISCARDED = "discarded", _("Discarded")

    campaign = models.ForeignKey(
        "programs.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="assignment_runs",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    is_replacement = models.BooleanField(_("replacement of some experts"), default=False)
    params = models.JSONField(_("parameters"), default=dict)
    result = models.JSONField(_("result"), default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    cancel_requested = models.BooleanField(default=False)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    executed_at = models.DateTimeField(_("executed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign_id} run {self.pk} {self.status}"


class Assignment(models.Model):
    """An expert assigned to review a nomination."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Assigned")
        RECUSED = "recused", _("Recused")
        REPLACED = "replaced", _("Replaced")

    campaign = models.ForeignKey(
        "programs.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    nomination = models.ForeignKey(
        "nominations.Nomination",
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    expert = models.ForeignKey(
        ExpertProfile,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    run = models.ForeignKey(
        AssignmentRun,
        verbose_name=_("assignment run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    affinity = models.FloatField(_("affinity"), default=0.0)
    pinned = models.BooleanField(_("pinned by the officer"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    ended_reason = models.TextField(_("why it ended"), blank=True)
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["nomination_id", "expert_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "expert"],
                condition=models.Q(status="active"),
                name="assignment_unique_active",
            ),
        ]
        indexes = [
            models.Index(fields=["expert", "status"], name="assignment_expert"),
            models.Index(fields=["campaign", "status"], name="assignment_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.nomination_id}←{self.expert_id}"


class ScoreSheet(models.Model):
    """An expert's scores for one assigned nomination. Submitted sheets are locked; an
    officer may reopen one (audited, with a reason)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        REOPENED = "reopened", _("Reopened")

    assignment = models.OneToOneField(
        Assignment,
        verbose_name=_("assignment"),
        on_delete=models.CASCADE,
        related_name="sheet",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    comment = models.TextField(_("overall comment"), blank=True)
    #: The form's input as typed and not yet submitted (autosave, "save draft"), valid or
    #: not, so nothing typed is lost; emptied on submission. Scores hold submitted values.
    draft = models.JSONField(_("draft input"), default=dict, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reopened by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")

    def __str__(self) -> str:
        return f"sheet {self.assignment_id} {self.status}"


class Score(models.Model):
    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE, related_name="scores"
    )
    dimension = models.ForeignKey(
        "programs.Dimension",
        verbose_name=_("dimension"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["sheet_id", "dimension__order"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "dimension"], name="score_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id}/{self.dimension_id}={self.value}"


class PanelMeeting(models.Model):
    """The panel meeting (会评) of a campaign: who sat, what was voted, the minutes."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_SESSION = "in_session", _("In session")
        CLOSED = "closed", _("Closed")

    campaign = models.OneToOneField(
        "programs.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="panel_meeting",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    held_on = models.DateField(_("held on"), null=True, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chair"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    #: The pass threshold in force (copied from the policy when the meeting is set up).
    pass_numerator = models.PositiveSmallIntegerField(_("pass threshold: numerator"))
    pass_denominator = models.PositiveSmallIntegerField(_("pass threshold: denominator"))
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("panel meeting")
        verbose_name_plural = _("panel meetings")

    def __str__(self) -> str:
        return f"panel {self.campaign_id}"


class PanelMember(models.Model):
    meeting = models.ForeignKey(
        PanelMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    expert = models.ForeignKey(
        ExpertProfile,
        verbose_name=_("expert"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="panel_seats",
    )
    present = models.BooleanField(_("present"), default=False)

    class Meta:
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")
        ordering = ["meeting_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="panelmember_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.user_id}"


class ShortlistEntry(models.Model):
    """A nominee discussed at the panel: drawn from the ranking, or added by the officer (a
    flagged case) with a reason. Its result is computed from the votes."""

    class Source(models.TextChoices):
        RANKING = "ranking", _("From the ranking")
        ADDED = "added", _("Added by the officer")

    class Result(models.TextChoices):
        PENDING = "pending", _("Not voted yet")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Not passed")

    meeting = models.ForeignKey(
        PanelMeeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="shortlist"
    )
    nomination = models.ForeignKey(
        "nominations.Nomination",
        verbose_name=_("nomination"),
        on_delete=models.PROTECT,
        related_name="shortlist_entries",
    )
    rank = models.PositiveIntegerField(_("rank in the online review"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    reason = models.TextField(_("reason for adding"), blank=True)
    discussed = models.BooleanField(_("discussed"), default=False)
    result = models.CharField(
        _("result"), max_length=10, choices=Result.choices, default=Result.PENDING
    )
    agree = models.PositiveSmallIntegerField(_("agree"), default=0)
    disagree = models.PositiveSmallIntegerField(_("disagree"), default=0)
    abstain = models.PositiveSmallIntegerField(_("abstain"), default=0)
    #: The online-review figures when the entry was made (the ranking is frozen with it).
    z = models.FloatField(_("calibrated score"), null=True, blank=True)
    raw = models.FloatField(_("raw mean score"), null=True, blank=True)
    disagreement = models.BooleanField(_("the experts disagreed"), default=False)
    #: Frozen at the close (see reviews.panel): members voting on this nominee (present, not
    #: recused), agree votes needed, place in the tie-break order among the passed, whether
    #: that place is within the quota, and the agree votes of each run-off round.
    voters = models.PositiveSmallIntegerField(_("members voting"), default=0)
    required = models.PositiveSmallIntegerField(_("agree votes needed"), default=0)
    position = models.PositiveIntegerField(_("place among the passed"), null=True, blank=True)
    within_quota = models.BooleanField(_("within the quota"), default=False)
    runoff = models.JSONField(_("run-off agree votes by round"), default=list, blank=True)

    class Meta:
        verbose_name = _("shortlisted nominee")
        verbose_name_plural = _("shortlist")
        ordering = ["meeting_id", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "nomination"], name="shortlist_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} #{self.rank} {self.nomination_id}"


class Recusal(models.Model):
    """A member who does not vote on a nominee (a conflict, or declared at the meeting)."""

    entry = models.ForeignKey(
        ShortlistEntry, verbose_name=_("nominee"), on_delete=models.CASCADE, related_name="recusals"
    )
    member = models.ForeignKey(
        PanelMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="recusals"
    )
    reason = models.TextField(_("reason"))
    #: Made from a recorded conflict of interest (it cannot be withdrawn at the meeting).
    automatic = models.BooleanField(_("from a recorded conflict"), default=False)

    class Meta:
        verbose_name = _("recusal")
        verbose_name_plural = _("recusals")
        constraints = [
            models.UniqueConstraint(fields=["entry", "member"], name="recusal_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id} ✕ {self.member_id}"


class Vote(models.Model):
    class Choice(models.TextChoices):
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")
        ABSTAIN = "abstain", _("Abstain")

    entry = models.ForeignKey(
        ShortlistEntry, verbose_name=_("nominee"), on_delete=models.CASCADE, related_name="votes"
    )
    member = models.ForeignKey(
        PanelMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="votes"
    )
    choice = models.CharField(_("vote"), max_length=10, choices=Choice.choices)
    #: 0 is the vote on the nominee; 1, 2, … are run-off rounds among nominees tied for the
    #: last places within the quota (see reviews.panel).
    round = models.PositiveSmallIntegerField(_("round"), default=0)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["entry", "member", "round"], name="vote_unique_round"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.member_id}: {self.choice}"


class FinalApproval(models.Model):
    """审定: the approved list, frozen when the officer confirms it."""

    campaign = models.OneToOneField(
        "programs.Campaign",
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        related_name="final_approval",
    )
    #: The approved nominations in their order, as frozen: [{"nomination": id, "number": …,
    #: "position": n, "rank": online-review rank, "agree": n}] (see reviews.approval).
    approved = models.JSONField(_("approved list"), default=list)
    #: SHA-256 over the frozen list, shown on the record so any later change is evident.
    digest = models.CharField(max_length=64, editable=False)
    notes = models.TextField(_("notes"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), auto_now_add=True)

    class Meta:
        verbose_name = _("final approval")
        verbose_name_plural = _("final approvals")

    def __str__(self) -> str:
        return f"approval {self.campaign_id}"
