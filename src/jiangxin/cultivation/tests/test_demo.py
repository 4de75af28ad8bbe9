"""The publication part of the demo world builds through the real actions, once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from jiangxin.cultivation.models import CultivationRecord, ProfileHighlight, Publication
from jiangxin.programs.models import Campaign


@pytest.mark.django_db
def test_the_demo_has_a_published_provincial_list_and_craftsman_pages(
    client, django_capture_on_commit_callbacks
):
    from jiangxin.core.demo import build_demo
    from jiangxin.cultivation.demo import PEOPLE, build_publication_demo

    build_demo()
    with django_capture_on_commit_callbacks(execute=True):
        campaign = build_publication_demo()
    if campaign is None:
        pytest.skip("last year's holiday schedule is not known to the calendar")
    assert campaign.status == Campaign.Status.CULTIVATING
    assert campaign.tier == "provincial"
    publication = Publication.objects.get(campaign=campaign)
    assert publication.documents_status == Publication.DocumentStatus.READY
    assert publication.document_number.startswith("冀工发〔")
    assert CultivationRecord.objects.filter(campaign=campaign).count() == len(PEOPLE)
    assert ProfileHighlight.objects.count() == 6
    # Idempotent.
    assert build_publication_demo() == campaign
    assert Publication.objects.count() == 1
    html = client.get(reverse("portal:craftsmen")).content.decode()
    assert all(spec[0] in html for spec in PEOPLE)
