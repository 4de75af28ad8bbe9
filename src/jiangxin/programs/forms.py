"""Forms of the policy, campaign and quota pages: input parsing and messages only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiangxin.core.forms_base import JiangxinForm, JiangxinModelForm, style_widget
from jiangxin.orgs.models import Organization
from jiangxin.people.choices import RecognitionLevel
from jiangxin.programs import actions, rules
from jiangxin.programs.models import (
    Campaign,
    Dimension,
    EligibilityRule,
    PolicyVersion,
    Tier,
)
from jiangxin.programs.phases import PHASE_LABELS

# --- Lists ------------------------------------------------------------------------------------


class CampaignFilterForm(JiangxinForm):
    q = forms.CharField(label=gettext_lazy("Name contains"), max_length=100, required=False)
    tier = forms.ChoiceField(
        label=gettext_lazy("Tier"),
        required=False,
        choices=[("", gettext_lazy("All tiers")), *Tier.choices],
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"), required=False, min_value=2000, max_value=2100
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *Campaign.Status.choices],
    )

    def filter(self, qs: QuerySet[Campaign]) -> QuerySet[Campaign]:
        """Apply the valid filters; a field with an error filters nothing (its error shows)."""
        if not self.is_bound:
            return qs
        self.is_valid()
        data = self.cleaned_data
        if data.get("q"):
            qs = qs.filter(name__icontains=data["q"].strip())
        if data.get("tier"):
            qs = qs.filter(tier=data["tier"])
        if data.get("year"):
            qs = qs.filter(year=data["year"])
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        return qs


class PolicyFilterForm(JiangxinForm):
    q = forms.CharField(label=gettext_lazy("Name or code contains"), max_length=100, required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All statuses")), *PolicyVersion.Status.choices],
    )

    def filter(self, qs: QuerySet[PolicyVersion]) -> QuerySet[PolicyVersion]:
        if not self.is_bound:
            return qs
        self.is_valid()
        data = self.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            qs = qs.filter(Q(name_zh__icontains=q) | Q(name_en__icontains=q) | Q(code__icontains=q))
        if data.get("status"):
            qs = qs.filter(status=data["status"])
        return qs


# --- Policy versions --------------------------------------------------------------------------


class PolicyCopyForm(JiangxinForm):
    code = forms.SlugField(
        label=gettext_lazy("Code of the new version"),
        max_length=40,
        help_text=gettext_lazy("Letters, digits and hyphens, e.g. 2026-revision."),
    )
    name_zh = forms.CharField(label=gettext_lazy("Name (Chinese)"), max_length=100)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=200, required=False)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if PolicyVersion.objects.filter(code=code).exists():
            raise forms.ValidationError(_("Another policy version has this code."))
        return code


class PolicySettingsForm(JiangxinModelForm):
    class Meta:
        model = PolicyVersion
        fields = list(actions.POLICY_SETTINGS)
        widgets = {"source_note": forms.Textarea(attrs={"rows": 6})}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("recommendation_ratio", "shortlist_ratio"):
            value = data.get(name)
            if value is not None and value < 1:
                self.add_error(name, _("The ratio must be at least 1."))
        for name in (
            "panel_pass_denominator",
            "notice_working_days",
            "promotion_notice_working_days",
            "reviewers_per_nomination",
            "max_nominations_per_expert",
        ):
            if data.get(name) == 0:
                self.add_error(name, _("Enter a number above 0."))
        numerator = data.get("panel_pass_numerator")
        denominator = data.get("panel_pass_denominator")
        if numerator is not None and denominator is not None and numerator > denominator:
            self.add_error(
                "panel_pass_numerator",
                _("The pass threshold cannot be more than all members."),
            )
        return data

    def _post_clean(self) -> None:
        # The checks above say it in words; see DimensionForm.
        pass


class TierTargetsForm(JiangxinForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for tier in Tier:
            self.fields[tier.value] = forms.IntegerField(
                label=tier.label, min_value=0, max_value=1_000_000
            )
            style_widget(self.fields[tier.value].widget)

    def targets(self) -> dict[str, int]:
        return {tier.value: self.cleaned_data[tier.value] for tier in Tier}


class DimensionForm(JiangxinModelForm):
    class Meta:
        model = Dimension
        fields = list(actions.DIMENSION_FIELDS)
        widgets = {
            "description_zh": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("score_min"), data.get("score_max")
        if low is not None and high is not None and high <= low:
            self.add_error("score_max", _("The highest score must be above the lowest score."))
        shortest, longest = data.get("statement_min_chars"), data.get("statement_max_chars")
        if shortest is not None and longest is not None and longest < shortest:
            self.add_error(
                "statement_max_chars",
                _("The longest statement cannot be shorter than the shortest."),
            )
        return data

    def _post_clean(self) -> None:
        # The checks above say it in words; the model's constraint check would repeat them as
        # a generic message. The action checks again and the database has the constraints.
        pass


class RubricLevelForm(JiangxinForm):
    label_zh = forms.CharField(label=gettext_lazy("Level (Chinese)"), max_length=20)
    label_en = forms.CharField(label=gettext_lazy("Level (English)"), max_length=40, required=False)
    score_from = forms.IntegerField(label=gettext_lazy("From score"), min_value=0)
    score_to = forms.IntegerField(label=gettext_lazy("To score"), min_value=0)
    descriptor_zh = forms.CharField(
        label=gettext_lazy("Descriptor (Chinese)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    descriptor_en = forms.CharField(
        label=gettext_lazy("Descriptor (English)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("score_from"), data.get("score_to")
        if low is not None and high is not None and high < low:
            self.add_error("score_to", _("The band must not end below where it starts."))
        return data


class BaseRubricFormSet(forms.BaseFormSet):
    def levels(self) -> list[dict[str, Any]]:
        """The kept levels (not deleted, not left empty), as `do_update_dimension` takes them."""
        kept = []
        for form in self.forms:
            if not form.has_changed() or form.cleaned_data.get("DELETE"):
                continue
            kept.append({k: v for k, v in form.cleaned_data.items() if k != "DELETE"})
        return kept


RubricFormSet = forms.formset_factory(
    RubricLevelForm, formset=BaseRubricFormSet, extra=1, can_delete=True
)


def _recognition_choices() -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in RecognitionLevel.choices]


class RuleForm(JiangxinForm):
    """An eligibility rule: the common fields and the parameters its kind takes."""

    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"),
        choices=EligibilityRule.Severity.choices,
        widget=forms.RadioSelect,
    )
    tiers = forms.MultipleChoiceField(
        label=gettext_lazy("Applies to the tiers"),
        choices=Tier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick none to apply the rule to every tier."),
    )
    title_zh = forms.CharField(label=gettext_lazy("Title (Chinese)"), max_length=100)
    title_en = forms.CharField(
        label=gettext_lazy("Title (English)"), max_length=200, required=False
    )
    article = forms.CharField(
        label=gettext_lazy("Article"),
        max_length=50,
        required=False,
        help_text=gettext_lazy(
            "The article of the policy text, where the text numbers one (e.g. 第六条)."
        ),
    )
    basis = forms.CharField(
        label=gettext_lazy("Policy text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The wording of the policy this rule applies."),
    )

    #: The parameter fields each rule kind has (form field name → params key).
    PARAM_FIELDS: dict[str, tuple[str, ...]] = {
        EligibilityRule.Kind.FRONTLINE_EXPERIENCE: ("min_months",),
        EligibilityRule.Kind.SKILL_OR_HONORS: ("min_skill_level", "honor_levels", "contest_levels"),
        EligibilityRule.Kind.INDUSTRY_PREFERENCE: ("sections",),
        EligibilityRule.Kind.POLITICAL_ATTESTATION: (),
    }

    def __init__(self, *args: Any, rule: EligibilityRule, **kwargs: Any) -> None:
        self.rule = rule
        kwargs.setdefault(
            "initial",
            {
                "severity": rule.severity,
                "tiers": rule.tiers,
                "title_zh": rule.title_zh,
                "title_en": rule.title_en,
                "article": rule.article,
                "basis": rule.basis,
                **rule.params,
            },
        )
        super().__init__(*args, **kwargs)
        from jiangxin.reference.models import Industry, SkillLevel

        new: dict[str, forms.Field] = {}
        names = self.PARAM_FIELDS.get(rule.kind, ())
        if "min_months" in names:
            new["min_months"] = forms.IntegerField(
                label=_("Front-line production work at least (months)"),
                min_value=0,
                max_value=600,
            )
        if "min_skill_level" in names:
            new["min_skill_level"] = forms.ChoiceField(
                label=_("Skill level at least"),
                required=False,
                choices=[
                    ("", _("No skill level required")),
                    *((s.code, s.name) for s in SkillLevel.objects.order_by("rank")),
                ],
            )
        if "honor_levels" in names:
            new["honor_levels"] = forms.MultipleChoiceField(
                label=_("Honours of these levels count as equivalent"),
                choices=_recognition_choices(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        if "contest_levels" in names:
            new["contest_levels"] = forms.MultipleChoiceField(
                label=_("Contest results of these levels count as equivalent"),
                choices=_recognition_choices(),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        if "sections" in names:
            new["sections"] = forms.MultipleChoiceField(
                label=_("Industry sections the policy favours"),
                choices=[
                    (i.code, f"{i.code} {i.name}")
                    for i in Industry.objects.filter(level=Industry.Level.SECTION).order_by("code")
                ],
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        for name, fld in new.items():
            style_widget(fld.widget)
            self.fields[name] = fld

    def param_names(self) -> tuple[str, ...]:
        return self.PARAM_FIELDS.get(self.rule.kind, ())

    def changes(self) -> dict[str, Any]:
        """The fields of `do_update_eligibility_rule`; parameters this form does not show are
        kept as they are."""
        data = self.cleaned_data
        params = dict(self.rule.params)
        for name in self.param_names():
            value = data.get(name)
            if name == "min_skill_level" and not value:
                params.pop(name, None)
            else:
                params[name] = value
        return {
            "severity": data["severity"],
            "tiers": list(data["tiers"]),
            "title_zh": data["title_zh"].strip(),
            "title_en": data["title_en"].strip(),
            "article": data["article"].strip(),
            "basis": data["basis"].strip(),
            "params": params,
        }


# --- Campaigns --------------------------------------------------------------------------------


def _date_fields() -> dict[str, forms.DateField]:
    return {name: forms.DateField(label=str(label)) for name, label in PHASE_LABELS.items()}


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


class CampaignForm(JiangxinForm):
    """A new campaign. Tier choices follow the chosen issuing organization."""

    issuing_org = OrganizationChoiceField(
        label=gettext_lazy("Issuing organization"), queryset=Organization.objects.none()
    )
    tier = forms.ChoiceField(label=gettext_lazy("Tier"), choices=())
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    policy_version = forms.ModelChoiceField(
        label=gettext_lazy("Policy version"),
        queryset=PolicyVersion.objects.none(),
        help_text=gettext_lazy("Only published versions can be used; the campaign stays on it."),
    )
    target = forms.IntegerField(
        label=gettext_lazy("Target (people to select)"),
        min_value=0,
        required=False,
        help_text=gettext_lazy("Leave empty to use the yearly target of the policy version."),
    )
    recommendation_ratio = forms.DecimalField(
        label=gettext_lazy("Recommendation ratio"),
        min_value=Decimal("1"),
        max_digits=4,
        decimal_places=2,
        required=False,
        help_text=gettext_lazy(
            "Each organization may put forward up to this multiple of its allocation. Leave "
            "empty to use the policy version's."
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("Deployment notice text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Published on the portal at deployment. Leave empty for a standard text."
        ),
    )

    def __init__(self, *args: Any, issuing_orgs: Sequence[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, fld in _date_fields().items():
            style_widget(fld.widget)
            self.fields[name] = fld
        self.issuing_orgs = list(issuing_orgs)
        org_field = cast(forms.ModelChoiceField, self.fields["issuing_org"])
        org_field.queryset = Organization.objects.filter(
            pk__in=[o.pk for o in self.issuing_orgs]
        ).order_by("path")
        version_field = cast(forms.ModelChoiceField, self.fields["policy_version"])
        version_field.queryset = PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)
        org = self.chosen_org()
        tiers = rules.tiers_issued_by(org) if org else []
        if not tiers:
            tiers = sorted(
                {t for o in self.issuing_orgs for t in rules.tiers_issued_by(o)},
                key=[t.value for t in Tier].index,
            )
        cast(forms.ChoiceField, self.fields["tier"]).choices = [(t, Tier(t).label) for t in tiers]
        if len(self.issuing_orgs) == 1:
            org_field.empty_label = None
            org_field.initial = self.issuing_orgs[0].pk

    def chosen_org(self) -> Organization | None:
        """The issuing organization picked so far (posted, or in the initial data)."""
        raw = self.data.get("issuing_org") if self.is_bound else self.initial.get("issuing_org")
        if raw in (None, "") and len(self.issuing_orgs) == 1:
            return self.issuing_orgs[0]
        for org in self.issuing_orgs:
            if str(org.pk) == str(raw):
                return org
        return None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        org, tier = data.get("issuing_org"), data.get("tier")
        if org is not None and tier and tier not in rules.tiers_issued_by(org):
            self.add_error(
                "tier",
                _("%(org)s does not issue campaigns of this tier.") % {"org": org.display_name},
            )
        return data

    def dates(self) -> dict[str, dt.date]:
        return {name: self.cleaned_data[name] for name in Campaign.PHASE_FIELDS}


class CampaignEditForm(JiangxinForm):
    """Edit a campaign: everything while a draft; after deployment the dates still ahead, with
    a reason (the dates already passed are shown but cannot change)."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    target = forms.IntegerField(label=gettext_lazy("Target (people to select)"), min_value=0)
    recommendation_ratio = forms.DecimalField(
        label=gettext_lazy("Recommendation ratio"),
        min_value=Decimal("1"),
        max_digits=4,
        decimal_places=2,
    )
    description = forms.CharField(
        label=gettext_lazy("Deployment notice text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Recorded with the change, e.g. why a deadline is extended."),
    )

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        self.campaign = campaign
        self.is_draft = campaign.status == Campaign.Status.DRAFT
        initial = {name: getattr(campaign, name) for name in actions.CAMPAIGN_FIELDS}
        initial.update({name: getattr(campaign, name) for name in Campaign.PHASE_FIELDS})
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.locked_dates: list[str] = []
        for name, fld in _date_fields().items():
            if not self.is_draft and getattr(campaign, name) < today:
                fld.disabled = True
                fld.help_text = _("This phase date has passed and cannot move.")
                self.locked_dates.append(name)
            style_widget(fld.widget)
            self.fields[name] = fld
        if self.is_draft:
            self.fields["reason"].required = False
            self.fields["reason"].help_text = _("Optional while the campaign is a draft.")
        else:
            for name in actions.CAMPAIGN_FIELDS:
                del self.fields[name]

    def changes(self) -> dict[str, Any]:
        if not self.is_draft:
            return {}
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "target": data["target"],
            "recommendation_ratio": data["recommendation_ratio"],
            "description": data["description"],
        }

    def dates(self) -> dict[str, dt.date]:
        """The phase dates that changed (moving only those keeps the past ones untouched)."""
        return {
            name: self.cleaned_data[name]
            for name in Campaign.PHASE_FIELDS
            if name not in self.locked_dates
            and self.cleaned_data[name] != getattr(self.campaign, name)
        }


class StaffForm(JiangxinForm):
    user = forms.ChoiceField(label=gettext_lazy("Person"), choices=())

    def __init__(self, *args: Any, candidates: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["user"]).choices = [
            ("", _("Choose a person")),
            *((str(u.pk), f"{u.full_name or u.username} ({u.username})") for u in candidates),
        ]


# --- Allocation tables ------------------------------------------------------------------------


@dataclass
class AllocationLine:
    """One row of an allocation table as typed: raw strings kept so nothing typed is lost."""

    organization: Organization
    weight: str = ""
    suggested: str = ""
    slots: str = ""
    errors: list[str] = field(default_factory=list)
    cap: int | None = None
    used: int | None = None

    def weight_value(self) -> Decimal | None:
        return _decimal(self.weight)

    def slots_value(self) -> int | None:
        return _integer(self.slots)

    def suggested_value(self) -> int | None:
        return _integer(self.suggested)


def _decimal(raw: str) -> Decimal | None:
    raw = raw.strip().replace(",", "")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _integer(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        return None


class AllocationTable:
    """The rows of one allocation level, parsed from a POST or built from saved allocations.

    Field names: ``org`` (one hidden input per row, in order), ``weight-<id>``, ``slots-<id>``,
    ``suggested-<id>`` (hidden; the last computed suggestion), ``add_org`` (an organization to
    add) and the submit button ``action`` (suggest, check, save, add, remove-<id>).
    """

    MAX_WEIGHT = Decimal("9999999999.99")

    def __init__(
        self,
        lines: list[AllocationLine],
        *,
        available: int,
        candidates: Sequence[Organization],
    ) -> None:
        self.lines = lines
        self.available = available
        self.candidates = [
            c for c in candidates if c.pk not in {ln.organization.pk for ln in lines}
        ]
        self.errors: list[str] = []
        self.is_bound = False

    # Construction

    @classmethod
    def from_post(
        cls,
        data: Mapping[str, Any],
        *,
        allowed: Mapping[int, Organization],
        available: int,
        candidates: Sequence[Organization],
    ) -> AllocationTable:
        """Rows from a POST; organizations not in `allowed` are dropped (a forged id)."""
        lines = []
        seen: set[int] = set()
        getlist = data.getlist if hasattr(data, "getlist") else lambda k: [data.get(k)]
        for raw in getlist("org"):
            pk = _integer(str(raw or ""))
            if pk is None or pk in seen or pk not in allowed:
                continue
            seen.add(pk)
            lines.append(
                AllocationLine(
                    organization=allowed[pk],
                    weight=str(data.get(f"weight-{pk}", "")),
                    suggested=str(data.get(f"suggested-{pk}", "")),
                    slots=str(data.get(f"slots-{pk}", "")),
                )
            )
        table = cls(lines, available=available, candidates=candidates)
        table.is_bound = True
        return table

    # Edits

    def add(self, org: Organization) -> None:
        if all(line.organization.pk != org.pk for line in self.lines):
            self.lines.append(AllocationLine(organization=org))
            self.candidates = [c for c in self.candidates if c.pk != org.pk]

    def remove(self, org_id: int) -> None:
        kept = []
        for line in self.lines:
            if line.organization.pk == org_id:
                self.candidates = sorted(
                    [*self.candidates, line.organization], key=lambda o: o.path
                )
            else:
                kept.append(line)
        self.lines = kept

    # Validation

    def check_weights(self) -> bool:
        ok = True
        for line in self.lines:
            if not line.weight.strip():
                line.errors.append(_("Enter a weight (0 or more)."))
                ok = False
                continue
            value = line.weight_value()
            if value is None or value < 0 or value > self.MAX_WEIGHT:
                line.errors.append(_("Enter the weight as a number of 0 or more."))
                ok = False
        if not self.lines:
            self.errors.append(_("Add at least one organization."))
            return False
        if ok and all(line.weight_value() == 0 for line in self.lines):
            self.errors.append(_("At least one weight must be above 0."))
            ok = False
        return ok

    def check_slots(self) -> bool:
        ok = True
        for line in self.lines:
            value = line.slots_value()
            if value is None or value < 0:
                line.errors.append(_("Enter the slots as a whole number of 0 or more."))
                ok = False
            if line.weight.strip():
                weight = line.weight_value()
                if weight is None or weight < 0 or weight > self.MAX_WEIGHT:
                    line.errors.append(_("Enter the weight as a number of 0 or more."))
                    ok = False
        return ok

    def suggest(self) -> bool:
        """Fill the suggested and slots columns with the largest-remainder apportionment."""
        from jiangxin.programs.quotas import largest_remainder

        if not self.check_weights():
            return False
        shares = largest_remainder(
            self.available,
            [(line.organization.pk, line.weight_value() or Decimal(0)) for line in self.lines],
        )
        for line in self.lines:
            line.suggested = str(shares[line.organization.pk])
            line.slots = line.suggested
        return True

    def rows(self) -> list[actions.AllocationRow]:
        """Rows for `do_set_allocations` (call after `check_slots`)."""
        return [
            actions.AllocationRow(
                organization_id=line.organization.pk,
                slots=line.slots_value() or 0,
                weight=line.weight_value(),
                suggested=line.suggested_value(),
            )
            for line in self.lines
        ]

    # Display

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(line.errors for line in self.lines)

    @property
    def total_slots(self) -> int:
        return sum(max(line.slots_value() or 0, 0) for line in self.lines)

    @property
    def total_suggested(self) -> int | None:
        values = [line.suggested_value() for line in self.lines]
        if not values or any(v is None for v in values):
            return None
        return sum(v or 0 for v in values)

    @property
    def total_weight(self) -> Decimal:
        return sum(
            (max(line.weight_value() or Decimal(0), Decimal(0)) for line in self.lines), Decimal(0)
        )

    @property
    def remaining(self) -> int:
        return self.available - self.total_slots

    @property
    def over(self) -> int:
        return max(self.total_slots - self.available, 0)
