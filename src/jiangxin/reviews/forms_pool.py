"""Input parsing of the expert pool, invitation and conflict pages. No decisions here."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.validators import MaxValueValidator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from jiangxin.core.forms_base import JiangxinForm, LabelledModelChoiceField
from jiangxin.orgs.models import Organization
from jiangxin.people.forms import PHONE_FIELD_KW
from jiangxin.programs.models import Tier
from jiangxin.reference.models import Industry, OccupationGroup, Region
from jiangxin.reviews import pool
from jiangxin.reviews.models import Conflict, ExpertProfile

#: Skill domains are typed as one line: commas (either width), 、 or semicolons between them.
_DOMAIN_SEPARATORS = re.compile(r"[,，、;；\n]+")


def split_domains(text: str) -> list[str]:
    return [w.strip() for w in _DOMAIN_SEPARATORS.split(text or "") if w.strip()]


def expert_text_q(text: str) -> Q:
    """Experts whose name, username, employer, expertise or skill domains contain `text`."""
    q = text.strip()
    return (
        Q(user__full_name__icontains=q)
        | Q(user__username__icontains=q)
        | Q(employer_name__icontains=q)
        | Q(expertise__icontains=q)
        | Q(skill_domains__icontains=q)
    )


class NominationChoiceField(forms.ModelChoiceField):
    """A nomination shown by number, nominee and unit (never a personal number)."""

    def label_from_instance(self, obj: Any) -> str:
        person = obj.person.name if obj.person else ""
        return f"{obj.number} {person} · {obj.nominating_unit.display_name}"


class ExpertChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} · {obj.employer_name}"


# --- Pool -------------------------------------------------------------------------------------


class PoolFilterForm(JiangxinForm):
    q = forms.CharField(
        label=_("Name, employer or expertise contains"), max_length=100, required=False
    )
    section = LabelledModelChoiceField(
        label=_("Industry section"),
        queryset=Industry.objects.filter(level=Industry.Level.SECTION),
        required=False,
        empty_label=_("All industries"),
        label_attr="name",
    )
    region = LabelledModelChoiceField(
        label=_("Province"),
        queryset=Region.objects.filter(level=Region.Level.PROVINCE),
        required=False,
        empty_label=_("All regions"),
        label_attr="name",
    )
    tier = forms.ChoiceField(
        label=_("Reviews the tier"),
        required=False,
        choices=[("", _("All tiers")), *Tier.choices],
    )
    active = forms.ChoiceField(
        label=_("In the pool"),
        required=False,
        choices=[("", _("Active and deactivated")), ("1", _("Active")), ("0", _("Deactivated"))],
    )

    def filter(self, qs: QuerySet[ExpertProfile]) -> QuerySet[ExpertProfile]:
        """Apply the valid filters; a field with an error filters nothing (its error shows)."""
        if not self.is_bound:
            return qs
        self.is_valid()
        data = self.cleaned_data
        if data.get("q"):
            qs = qs.filter(expert_text_q(data["q"]))
        if data.get("section"):
            qs = qs.filter(pool.in_section(data["section"]))
        if data.get("region"):
            qs = qs.filter(pool.in_region(data["region"]))
        if data.get("tier"):
            qs = qs.filter(pool.reviews_tier(data["tier"]))
        if data.get("active"):
            qs = qs.filter(is_active=data["active"] == "1")
        return qs


class ExpertForm(JiangxinForm):
    """An expert's profile; a new expert also gets a username and a pool."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("The expert signs in with it. Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocapitalize": "none", "spellcheck": "false"}),
    )
    pool = LabelledModelChoiceField(
        label=_("Expert pool of"),
        queryset=Organization.objects.none(),
        help_text=_("The issuing organization whose program officers keep this expert."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    email = forms.EmailField(
        label=_("Email"), help_text=_("The invitation links are sent to this address.")
    )
    phone = forms.RegexField(**PHONE_FIELD_KW)
    title = forms.CharField(
        label=_("Professional title"),
        max_length=100,
        required=False,
        help_text=_("e.g. 正高级工程师, 特级技师"),
    )
    organization = LabelledModelChoiceField(
        label=_("Works for (in the system)"),
        queryset=Organization.objects.filter(is_active=True).order_by("path"),
        required=False,
        empty_label=_("Not in the system"),
        help_text=_("Used to find conflicts of interest with nominees of the same organization."),
    )
    employer_name = forms.CharField(
        label=_("Works for"),
        max_length=200,
        required=False,
        help_text=_("As the expert names it. Empty: the organization chosen above."),
    )
    region = LabelledModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=_("Not given"),
        label_attr="name",
    )
    industries = forms.ModelMultipleChoiceField(
        label=_("Industries (GB/T 4754 sections or divisions)"),
        queryset=Industry.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    occupation_groups = forms.ModelMultipleChoiceField(
        label=_("Occupation groups"),
        queryset=OccupationGroup.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skill_domains = forms.CharField(
        label=_("Skill domains"),
        max_length=1000,
        required=False,
        help_text=_("Keywords separated by commas or 、, e.g. 焊接、数控加工."),
    )
    expertise = forms.CharField(
        label=_("Expertise"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    tiers = forms.MultipleChoiceField(
        label=_("Tiers reviewed"),
        choices=Tier.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every tier."),
    )
    default_max_load = forms.IntegerField(
        label=_("Nominations per campaign at most"),
        min_value=1,
        max_value=500,
        required=False,
        help_text=_("Empty: the policy's limit."),
    )

    def __init__(
        self, *args: Any, pools: QuerySet[Organization] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if pools is None:  # editing: the account and the pool stay
            del self.fields["username"]
            del self.fields["pool"]
        else:
            pool_field = cast(forms.ModelChoiceField, self.fields["pool"])
            pool_field.queryset = pools
            pool_field.initial = pools.first()  # the officer's own organization comes first

    def clean_full_name(self) -> str:
        return " ".join(self.cleaned_data["full_name"].split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("employer_name") and not data.get("organization"):
            self.add_error("employer_name", _("Name the organization the expert works for."))
        return data

    def profile_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "organization": data.get("organization"),
            "employer_name": data.get("employer_name") or "",
            "title": data.get("title") or "",
            "region": data.get("region"),
            "industries": list(data.get("industries") or []),
            "occupation_groups": list(data.get("occupation_groups") or []),
            "skill_domains": split_domains(data.get("skill_domains") or ""),
            "expertise": data.get("expertise") or "",
            "tiers": list(data.get("tiers") or []),
            "default_max_load": data.get("default_max_load"),
        }

    @staticmethod
    def initial_for(profile: ExpertProfile) -> dict[str, Any]:
        return {
            "full_name": profile.user.full_name,
            "email": profile.user.email,
            "phone": profile.user.phone,
            "title": profile.title,
            "organization": profile.organization_id,
            "employer_name": profile.employer_name,
            "region": profile.region_id,
            "industries": [i.pk for i in profile.industries.all()],
            "occupation_groups": [g.pk for g in profile.occupation_groups.all()],
            "skill_domains": "、".join(profile.skill_domains or []),
            "expertise": profile.expertise,
            "tiers": profile.tiers,
            "default_max_load": profile.default_max_load,
        }


class EmploymentForm(JiangxinForm):
    employer_name = forms.CharField(label=_("Employer"), max_length=200, required=False)
    organization = LabelledModelChoiceField(
        label=_("Employer in the system"),
        queryset=Organization.objects.filter(is_active=True).order_by("path"),
        required=False,
        empty_label=_("Not in the system"),
    )
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False, help_text=_("Empty means to date."))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        if (start or end) and not (data.get("employer_name") or data.get("organization")):
            self.add_error("employer_name", _("Name the employer."))
        return data


class BaseEmploymentFormSet(forms.BaseFormSet):
    def rows(self) -> list[pool.EmploymentRow]:
        """The kept rows (not deleted, not left empty), as the pool actions take them."""
        kept = []
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            if not (data.get("employer_name") or data.get("organization")):
                continue
            org = data.get("organization")
            kept.append(
                pool.EmploymentRow(
                    employer_name=data.get("employer_name") or "",
                    organization_id=org.pk if org else None,
                    start=data.get("start"),
                    end=data.get("end"),
                )
            )
        return kept


EmploymentFormSet = forms.formset_factory(
    EmploymentForm, formset=BaseEmploymentFormSet, extra=2, can_delete=True, max_num=30
)


def employment_initial(profile: ExpertProfile) -> list[dict[str, Any]]:
    return [
        {
            "employer_name": row.employer_name,
            "organization": row.organization_id,
            "start": row.start,
            "end": row.end,
        }
        for row in profile.employment.all()
    ]


class ActiveForm(JiangxinForm):
    active = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1", widget=forms.HiddenInput
    )


# --- Invitations ------------------------------------------------------------------------------


class CandidateFilterForm(JiangxinForm):
    q = forms.CharField(
        label=_("Name, employer or expertise contains"), max_length=100, required=False
    )
    industries = forms.ChoiceField(
        label=_("Industries"),
        required=False,
        choices=[
            ("match", _("Only the industries of this campaign's nominations")),
            ("all", _("Any industry")),
        ],
    )
    region = LabelledModelChoiceField(
        label=_("Province"),
        queryset=Region.objects.filter(level=Region.Level.PROVINCE),
        required=False,
        empty_label=_("All regions"),
        label_attr="name",
    )

    def match_industries(self) -> bool:
        if not self.is_bound or not self.is_valid():
            return True
        return self.cleaned_data.get("industries") != "all"

    def filter(self, qs: QuerySet[ExpertProfile]) -> QuerySet[ExpertProfile]:
        if not self.is_bound:
            return qs
        self.is_valid()
        data = self.cleaned_data
        if data.get("q"):
            qs = qs.filter(expert_text_q(data["q"]))
        if data.get("region"):
            qs = qs.filter(pool.in_region(data["region"]))
        return qs


class InviteForm(JiangxinForm):
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts to invite"),
        queryset=ExpertProfile.objects.none(),
        error_messages={"required": _("Choose at least one expert to invite.")},
    )
    valid_days = forms.IntegerField(
        label=_("The link is valid for (days)"),
        min_value=1,
        max_value=pool.MAX_VALID_DAYS,
    )

    def __init__(self, *args: Any, candidates: QuerySet[ExpertProfile], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("valid_days", pool.valid_days_default())
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["experts"]).queryset = candidates


class ReplaceForm(JiangxinForm):
    expert = ExpertChoiceField(
        label=_("Invite in their place"), queryset=ExpertProfile.objects.none()
    )
    valid_days = forms.IntegerField(
        label=_("The link is valid for (days)"),
        min_value=1,
        max_value=pool.MAX_VALID_DAYS,
    )

    def __init__(self, *args: Any, candidates: QuerySet[ExpertProfile], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("valid_days", pool.valid_days_default())
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["expert"]).queryset = candidates.select_related(
            "user"
        )


class ResendForm(JiangxinForm):
    valid_days = forms.IntegerField(
        label=_("The new link is valid for (days)"),
        min_value=1,
        max_value=pool.MAX_VALID_DAYS,
    )


class WithdrawForm(JiangxinForm):
    reason = forms.CharField(label=_("Reason (told to the expert)"), max_length=500, required=False)


class AcceptForm(JiangxinForm):
    """Accepting through the link; a first-time expert also chooses a password."""

    availability = forms.CharField(
        label=_("Availability"),
        max_length=200,
        required=False,
        help_text=_("e.g. not available from 10 to 14 August."),
    )
    max_load = forms.IntegerField(
        label=_("Nominations I can review at most"),
        min_value=1,
        required=False,
        help_text=_("Empty: as many as the officer assigns within the policy's limit."),
    )
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Confirm the password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, max_load: int, with_password: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        load = cast(forms.IntegerField, self.fields["max_load"])
        load.max_value = max_load
        load.widget.attrs["max"] = max_load
        load.validators.append(MaxValueValidator(max_load))
        if with_password:
            self.fields[
                "password1"
            ].help_text = password_validation.password_validators_help_text_html()
        else:
            del self.fields["password1"]
            del self.fields["password2"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        one, two = data.get("password1"), data.get("password2")
        if one and two and one != two:
            self.add_error("password2", _("The two passwords do not match."))
        return data


class DeclineForm(JiangxinForm):
    reason = forms.CharField(
        label=_("Why you cannot review this time"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Conflicts --------------------------------------------------------------------------------


def kind_choices() -> list[tuple[str, Any]]:
    return list(Conflict.Kind.choices)


class ConflictFilterForm(JiangxinForm):
    q = forms.CharField(label=_("Nominee or expert contains"), max_length=100, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Conflict.Kind.choices]
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("All sources")), *Conflict.Source.choices],
    )

    def filter(self, qs: QuerySet[Conflict]) -> QuerySet[Conflict]:
        if not self.is_bound:
            return qs
        self.is_valid()
        data = self.cleaned_data
        if data.get("q"):
            q = data["q"].strip()
            qs = qs.filter(
                Q(nomination__person__name__icontains=q)
                | Q(nomination__number__icontains=q)
                | Q(expert__user__full_name__icontains=q)
            )
        if data.get("kind"):
            qs = qs.filter(kind=data["kind"])
        if data.get("source"):
            qs = qs.filter(source=data["source"])
        return qs


class ReasonForm(JiangxinForm):
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RecordConflictForm(ReasonForm):
    expert = ExpertChoiceField(label=_("Expert"), queryset=ExpertProfile.objects.none())
    nomination = NominationChoiceField(label=_("Nomination"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=kind_choices)
    field_order = ["expert", "nomination", "kind", "reason"]

    def __init__(self, *args: Any, experts: Any, nominations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["expert"]).queryset = experts
        cast(forms.ModelChoiceField, self.fields["nomination"]).queryset = nominations


class OwnConflictForm(ReasonForm):
    nomination = NominationChoiceField(label=_("Nominee"), queryset=None)
    kind = forms.ChoiceField(label=_("Relation"), choices=kind_choices)
    field_order = ["nomination", "kind", "reason"]

    def __init__(self, *args: Any, nominations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["nomination"]).queryset = nominations


class AvoidanceForm(ReasonForm):
    expert_name = forms.CharField(label=_("Full name of the expert"), max_length=100)
    employer_name = forms.CharField(
        label=_("The expert's employer"),
        max_length=200,
        required=False,
        help_text=_("Helps tell apart experts of the same name."),
    )
    kind = forms.ChoiceField(label=_("Relation"), choices=kind_choices, initial="other")
    field_order = ["expert_name", "employer_name", "kind", "reason"]
