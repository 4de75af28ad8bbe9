"""The cohort publication opens: one cultivation record per published craftsman, its period
from the policy, and the database's own guards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from jiangxin.core.errors import DomainError
from jiangxin.cultivation import consent
from jiangxin.cultivation.actions import cultivation_end, open_cohort
from jiangxin.cultivation.models import CultivationRecord
from jiangxin.nominations.models import Nomination
from jiangxin.programs.models import Campaign, PolicyVersion
from tests.factories import make_noticed_campaign

pytestmark = pytest.mark.usefixtures("campaign_day")


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (dt.date(2026, 3, 5), 24, dt.date(2028, 3, 5)),
        (dt.date(2026, 8, 31), 6, dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
    ],
)
def test_the_period_is_calendar_months(start, months, end):
    assert cultivation_end(start, months) == end


def test_one_record_per_nomination_with_the_policys_months(world):
    campaign, nominations = make_noticed_campaign(world)
    PolicyVersion.objects.filter(pk=campaign.policy_version_id).update(cultivation_months=18)
    campaign.refresh_from_db()
    with transaction.atomic():
        records = open_cohort(
            acting_user=world.users["program_officer"],
            campaign=campaign,
            nominations=nominations,
            start_date=dt.date(2026, 6, 12),
        )
    assert len(records) == len(nominations) == CultivationRecord.objects.count()
    assert {r.end_date for r in records} == {dt.date(2027, 12, 12)}
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.CULTIVATING
    with pytest.raises(DomainError) as exc:
        open_cohort(
            acting_user=None,
            campaign=campaign,
            nominations=nominations[:1],
            start_date=dt.date(2026, 6, 12),
        )
    assert exc.value.rule == "cultivation.record_exists"
    assert CultivationRecord.objects.count() == len(nominations)


def test_no_months_no_cohort(world):
    campaign, nominations = make_noticed_campaign(world)
    PolicyVersion.objects.filter(pk=campaign.policy_version_id).update(cultivation_months=0)
    campaign.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        open_cohort(
            acting_user=None,
            campaign=campaign,
            nominations=nominations,
            start_date=dt.date(2026, 6, 12),
        )
    assert exc.value.rule == "cultivation.no_months"


def test_the_database_refuses_a_record_that_ends_before_it_starts(world):
    campaign, nominations = make_noticed_campaign(world)
    n = nominations[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        CultivationRecord.objects.create(
            nomination=n,
            person_id=n.person_id,
            campaign=campaign,
            tier=campaign.tier,
            start_date=dt.date(2026, 6, 12),
            end_date=dt.date(2026, 6, 12),
        )


def test_consent_before_and_after_per_field_consent(world):
    _, nominations = make_noticed_campaign(world)
    n = Nomination.objects.get(pk=nominations[0].pk)
    assert consent.consented_fields(n) == frozenset(consent.ALL_FIELDS)
    n.consent_fields = ["name", "unit"]
    assert consent.consented_fields(n) == {"name", "unit"}
    n.consent_given = False
    assert consent.consented_fields(n) == frozenset()
    assert not consent.may_be_named(n)

    class Old:
        """A nomination as it was before `consent_fields` existed."""

        pk = n.pk
        consent_given = True

    assert consent.consented_fields(Old()) == frozenset(consent.ALL_FIELDS)  # type: ignore[arg-type]
