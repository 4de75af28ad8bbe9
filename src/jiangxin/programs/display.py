"""How policy data reads on the pages: rule parameters in words, optional links."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from jiangxin.people.choices import RecognitionLevel
from jiangxin.programs.models import EligibilityRule, Tier


def optional_url(name: str, *args: Any, query: str = "") -> str:
    """The URL of `name`, or "" while no app provides it yet (pages then leave the link out)."""
    try:
        url = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return f"{url}?{query}" if query else url


def tier_labels(tiers: list[str]) -> str:
    if not tiers:
        return _("Every tier")
    labels = dict(Tier.choices)
    return "、".join(str(labels.get(t, t)) for t in tiers)


def _levels(codes: list[str]) -> str:
    labels = dict(RecognitionLevel.choices)
    return "、".join(str(labels.get(c, c)) for c in codes) or _("none")


def param_lines(
    rule: EligibilityRule, *, skill_names: dict[str, str], section_names: dict[str, str]
) -> list[str]:
    """The rule's parameters as sentences (the reference names are looked up by the caller,
    once for all rules)."""
    params = rule.params or {}
    kind = rule.kind
    lines: list[str] = []
    if kind == EligibilityRule.Kind.FRONTLINE_EXPERIENCE:
        months = params.get("min_months")
        if isinstance(months, int):
            years, rest = divmod(months, 12)
            if rest == 0:
                lines.append(
                    _("At least %(months)s months (%(years)s years) of front-line production work.")
                    % {"months": months, "years": years}
                )
            else:
                lines.append(
                    _("At least %(months)s months of front-line production work.")
                    % {"months": months}
                )
    elif kind == EligibilityRule.Kind.SKILL_OR_HONORS:
        code = params.get("min_skill_level")
        if code:
            lines.append(
                _("Skill level %(level)s or higher.") % {"level": skill_names.get(code, code)}
            )
        else:
            lines.append(_("No minimum skill level."))
        lines.append(
            _("Honours that count as equivalent: %(levels)s.")
            % {"levels": _levels(params.get("honor_levels", []))}
        )
        lines.append(
            _("Contest results that count as equivalent: %(levels)s.")
            % {"levels": _levels(params.get("contest_levels", []))}
        )
    elif kind == EligibilityRule.Kind.INDUSTRY_PREFERENCE:
        sections = params.get("sections", [])
        named = [f"{s} {section_names[s]}" if s in section_names else s for s in sections]
        lines.append(
            _("Favoured industry sections: %(sections)s.")
            % {"sections": "、".join(named) or _("none")}
        )
    elif kind == EligibilityRule.Kind.POLITICAL_ATTESTATION:
        lines.append(_("An attestation by the recommending unit, with its signer and date."))
    known_by_kind: dict[str, set[str]] = {
        EligibilityRule.Kind.FRONTLINE_EXPERIENCE: {"min_months"},
        EligibilityRule.Kind.SKILL_OR_HONORS: {
            "min_skill_level",
            "honor_levels",
            "contest_levels",
        },
        EligibilityRule.Kind.INDUSTRY_PREFERENCE: {"sections"},
    }
    known = known_by_kind.get(kind, set())
    for key in sorted(set(params) - known):
        lines.append(f"{key}: {params[key]}")
    return lines
