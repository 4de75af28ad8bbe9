"""The eligibility engine: every rule of the pinned policy version, evaluated on a nomination.

A rule's *kind* is implemented here; its parameters, severity, tiers and the policy text it
cites are data (`programs.EligibilityRule`). Each evaluation returns one verdict per applicable
rule: ``pass``, ``fail`` or ``needs_evidence`` (the record lacks what the rule looks at), with
the reason as a message key and parameters, so it is shown in the reader's language. A failed
or incomplete *hard* rule blocks submission; an *advisory* rule is shown and never blocks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jiangxin.core.errors import DomainError
from jiangxin.people.choices import RecognitionLevel
from jiangxin.people.frontline import frontline_months
from jiangxin.programs.models import EligibilityRule
from jiangxin.reference.models import SkillLevel

if TYPE_CHECKING:
    from jiangxin.nominations.models import Nomination
    from jiangxin.people.models import Person
    from jiangxin.programs.models import Campaign

PASS = "pass"  # noqa: S105 - a verdict, not a password
FAIL = "fail"
NEEDS_EVIDENCE = "needs_evidence"

Kind = EligibilityRule.Kind

MESSAGES: dict[str, Promise] = {
    "frontline.pass": _(
        "%(months)s months of front-line production work by %(as_of)s (at least %(min)s required)."
    ),
    "frontline.fail": _(
        "Only %(months)s months of front-line production work by %(as_of)s; at least %(min)s "
        "are required."
    ),
    "frontline.none": _("The work history has no period marked as front-line production work."),
    "attestation.pass": _("Attested by %(signer)s on %(date)s."),
    "attestation.missing": _(
        "The recommending unit's attestation of political quality, with the signer and the "
        "date, is missing."
    ),
    "skill.level": _("Skill level %(level)s meets the required %(min)s."),
    "skill.honor": _(
        "The skill level is below %(min)s, but the honour “%(title)s” (%(level)s) counts as "
        "equivalent."
    ),
    "skill.contest": _(
        "The skill level is below %(min)s, but the contest result “%(title)s” (%(level)s) "
        "counts as equivalent."
    ),
    "skill.fail": _(
        "Skill level %(level)s is below the required %(min)s, and no honour or contest result "
        "of an equivalent level is recorded."
    ),
    "skill.none": _(
        "No skill level is entered, and no honour or contest result of an equivalent level is "
        "recorded."
    ),
    "skill.no_certificate": _(
        "Skill level %(level)s is entered without the number of its certificate."
    ),
    "industry.pass": _("Industry %(industry)s is one the policy favours."),
    "industry.outside": _(
        "Industry %(industry)s is outside the sections the policy favours (%(sections)s); the "
        "nomination may still go ahead."
    ),
    "industry.none": _("No industry is entered for the person or the employer."),
    "person.missing": _("Choose the person first."),
}


@dataclass(frozen=True)
class Verdict:
    rule: str
    kind: str
    severity: str
    outcome: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def reason(self) -> str:
        text = MESSAGES.get(self.message)
        if text is None:
            return self.message
        try:
            return str(text) % self.params
        except (KeyError, TypeError, ValueError):
            return str(text)

    @property
    def blocks(self) -> bool:
        return self.severity == EligibilityRule.Severity.HARD and self.outcome != PASS

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        return cls(**data)


@dataclass
class Context:
    nomination: Nomination
    campaign: Campaign
    person: Person
    as_of: dt.date


Checker = Callable[[EligibilityRule, Context], tuple[str, str, dict[str, Any]]]


def _frontline(rule: EligibilityRule, ctx: Context) -> tuple[str, str, dict[str, Any]]:
    minimum = int(rule.params.get("min_months", 60))
    periods = [(w.start, w.end, w.is_frontline) for w in ctx.person.work_periods.all()]
    if not any(frontline for _, _, frontline in periods):
        return NEEDS_EVIDENCE, "frontline.none", {"min": minimum}
    months = frontline_months(periods, as_of=ctx.as_of)
    params = {"months": months, "min": minimum, "as_of": ctx.as_of.isoformat()}
    return (
        (PASS if months >= minimum else FAIL),
        ("frontline.pass" if months >= minimum else "frontline.fail"),
        params,
    )


def _attestation(rule: EligibilityRule, ctx: Context) -> tuple[str, str, dict[str, Any]]:
    n = ctx.nomination
    if n.attestation_text.strip() and n.attestation_signer.strip() and n.attestation_date:
        return (
            PASS,
            "attestation.pass",
            {
                "signer": n.attestation_signer.strip(),
                "date": n.attestation_date.isoformat(),
            },
        )
    return NEEDS_EVIDENCE, "attestation.missing", {}


def _level_label(code: str) -> str:
    return str(dict(RecognitionLevel.choices).get(code, code))


def _skill(rule: EligibilityRule, ctx: Context) -> tuple[str, str, dict[str, Any]]:
    person = ctx.person
    minimum_code = rule.params.get("min_skill_level")
    minimum = SkillLevel.objects.filter(code=minimum_code).first() if minimum_code else None
    min_name = minimum.name if minimum else "-"
    honor_levels = set(rule.params.get("honor_levels", []))
    contest_levels = set(rule.params.get("contest_levels", []))
    level = person.skill_level
    if level is not None and (minimum is None or level.rank >= minimum.rank):
        if not person.skill_certificate_no.strip():
            return NEEDS_EVIDENCE, "skill.no_certificate", {"level": level.name}
        return PASS, "skill.level", {"level": level.name, "min": min_name}
    for honor in person.honors.all():
        if honor.level in honor_levels:
            return (
                PASS,
                "skill.honor",
                {
                    "min": min_name,
                    "title": honor.title,
                    "level": _level_label(honor.level),
                },
            )
    for result in person.contest_results.all():
        if result.level in contest_levels:
            return (
                PASS,
                "skill.contest",
                {
                    "min": min_name,
                    "title": f"{result.contest} {result.result}",
                    "level": _level_label(result.level),
                },
            )
    if level is None:
        return NEEDS_EVIDENCE, "skill.none", {"min": min_name}
    return FAIL, "skill.fail", {"level": level.name, "min": min_name}


def _industry(rule: EligibilityRule, ctx: Context) -> tuple[str, str, dict[str, Any]]:
    industry = ctx.person.industry or ctx.person.employer.industry
    sections = list(rule.params.get("sections", []))
    if industry is None:
        return NEEDS_EVIDENCE, "industry.none", {}
    section = industry.code if industry.level == "section" else industry.section_id
    label = f"{industry.code} {industry.name}"
    if section in sections:
        return PASS, "industry.pass", {"industry": label}
    return FAIL, "industry.outside", {"industry": label, "sections": ", ".join(sections)}


CHECKERS: dict[str, Checker] = {
    Kind.FRONTLINE_EXPERIENCE: _frontline,
    Kind.POLITICAL_ATTESTATION: _attestation,
    Kind.SKILL_OR_HONORS: _skill,
    Kind.INDUSTRY_PREFERENCE: _industry,
}


def validate_params(kind: str, params: dict[str, Any]) -> None:
    """Refuse parameters the rule kind cannot use (policy editing)."""
    levels = {c for c, _ in RecognitionLevel.choices}
    problem = None
    if kind == Kind.FRONTLINE_EXPERIENCE:
        months = params.get("min_months")
        if not isinstance(months, int) or months < 0:
            problem = _("The minimum number of months must be a whole number of 0 or more.")
    elif kind == Kind.SKILL_OR_HONORS:
        code = params.get("min_skill_level")
        if code and not SkillLevel.objects.filter(code=code).exists():
            problem = _("Unknown skill level.")
        for key in ("honor_levels", "contest_levels"):
            if not set(params.get(key, [])) <= levels:
                problem = _("Unknown honour or contest level.")
    elif kind == Kind.INDUSTRY_PREFERENCE:
        sections = params.get("sections", [])
        if not isinstance(sections, list) or not all(
            isinstance(s, str) and len(s) == 1 for s in sections
        ):
            problem = _("List industry sections by their letters (A–T).")
    if problem is not None:
        raise DomainError("policy.rule_params", problem)


def evaluate(nomination: Nomination) -> list[Verdict]:
    """Evaluate every rule of the campaign's policy version that applies to its tier."""
    campaign = nomination.campaign
    rules = [
        r for r in campaign.policy_version.rules.order_by("order") if r.applies_to(campaign.tier)
    ]
    if nomination.person_id is None:
        return [
            Verdict(r.code, r.kind, r.severity, NEEDS_EVIDENCE, "person.missing") for r in rules
        ]
    from jiangxin.people.models import Person

    person = (
        Person.objects.select_related("skill_level", "industry", "employer__industry")
        .prefetch_related("work_periods", "honors", "contest_results")
        .get(pk=nomination.person_id)
    )
    ctx = Context(nomination, campaign, person, as_of=campaign.recommendation_closes)
    verdicts = []
    for rule in rules:
        outcome, message, params = CHECKERS[rule.kind](rule, ctx)
        verdicts.append(Verdict(rule.code, rule.kind, rule.severity, outcome, message, params))
    return verdicts
