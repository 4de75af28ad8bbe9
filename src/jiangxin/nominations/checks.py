"""What a nomination must contain before it can be submitted (beyond the eligibility rules).

Each problem has a stable code (used by tests, the API and the format check's rule list) and a
message in the reader's language. Lengths are counted in characters, not counting white space
(字数, as Chinese forms count them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from jiangxin.nominations.models import Nomination

#: Codes the format check may cite besides the eligibility rules of the policy.
FORMAT_RULES: dict[str, Promise] = {
    "format.incomplete": _("Required parts of the nomination are missing or incomplete"),
    "format.illegible": _("Attachments are illegible or do not show what they claim"),
    "format.attestation": _("The political quality attestation is missing, unsigned or undated"),
    "format.facts": _("The facts stated do not match the evidence"),
    "format.duplicate": _("The person is nominated elsewhere in the same campaign"),
}


def char_count(text: str) -> int:
    return len("".join(text.split()))


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    step: str


def completeness_problems(nomination: Nomination) -> list[Problem]:
    """Everything still missing or too long, in the order of the form's steps."""
    from jiangxin.nominations.models import Nomination as N

    problems: list[Problem] = []
    version = nomination.campaign.policy_version
    if nomination.person_id is None:
        problems.append(Problem("nomination.person", str(_("Choose the person.")), N.Step.PERSON))
    texts = {s.dimension_id: s.text for s in nomination.statements.all()}
    for dim in version.dimensions.order_by("order"):
        count = char_count(texts.get(dim.pk, ""))
        if count < dim.statement_min_chars or count > dim.statement_max_chars:
            problems.append(
                Problem(
                    "nomination.statement_length",
                    str(
                        _(
                            "The statement under %(dimension)s has %(count)s characters; it "
                            "must have %(min)s to %(max)s."
                        )
                        % {
                            "dimension": dim.name,
                            "count": count,
                            "min": dim.statement_min_chars,
                            "max": dim.statement_max_chars,
                        }
                    ),
                    N.Step.STATEMENTS,
                )
            )
    summary = char_count(nomination.deeds_summary)
    if summary == 0 or summary > version.summary_max_chars:
        problems.append(
            Problem(
                "nomination.summary",
                str(
                    _("Write the deeds summary for the public notice (at most %(max)s characters).")
                    % {"max": version.summary_max_chars}
                ),
                N.Step.OPINION,
            )
        )
    opinion = char_count(nomination.unit_opinion)
    if opinion == 0 or opinion > version.opinion_max_chars:
        problems.append(
            Problem(
                "nomination.opinion",
                str(
                    _("Write the unit's recommendation opinion (at most %(max)s characters).")
                    % {"max": version.opinion_max_chars}
                ),
                N.Step.OPINION,
            )
        )
    if not nomination.consent_given or nomination.consent_date is None:
        problems.append(
            Problem(
                "nomination.consent",
                str(
                    _(
                        "Record the person's consent to the publication of the notice fields, "
                        "with its date."
                    )
                ),
                N.Step.OPINION,
            )
        )
    return problems
