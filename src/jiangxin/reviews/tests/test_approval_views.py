"""The final approval pages: the list against the quota, the charts' data and their tables,
the confirmation, the record with its digest, the export, and the nomination page its unit
sees afterwards."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.conf import settings
from django.urls import reverse
from openpyxl import load_workbook

from jiangxin.nominations.models import Nomination
from jiangxin.programs.models import Campaign
from jiangxin.reviews import approval, panel
from jiangxin.reviews.models import FinalApproval
from tests.factories import cast_votes, make_open_panel, make_reviewed_campaign

pytestmark = pytest.mark.usefixtures("campaign_day")


@pytest.fixture
def officer(world):  # type: ignore[no-untyped-def]
    return world.users["program_officer"]


@pytest.fixture
def en(client, english):  # type: ignore[no-untyped-def]
    """Pages in English (the originals the assertions read)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def closed(world, officer):  # type: ignore[no-untyped-def]
    campaign, nominations, _e = make_reviewed_campaign(world, count=6, target=3)
    meeting, _m = make_open_panel(world, campaign)
    entries = list(meeting.shortlist.order_by("rank"))
    for e in entries:
        panel.do_set_discussed(acting_user=officer, entry_id=e.pk, discussed=True)
    panel.do_save_minutes(acting_user=officer, meeting_id=meeting.pk, minutes="纪要")
    cast_votes(officer, meeting, {e.pk: (9 - i, i, 0) for i, e in enumerate(entries)})
    panel.do_close_panel(acting_user=officer, meeting_id=meeting.pk)
    return Campaign.objects.get(pk=campaign.pk), nominations


def _json_blocks(html: str) -> dict[str, dict]:  # type: ignore[type-arg]
    blocks = re.findall(r'<script id="([^"]+)" type="application/json">(.*?)</script>', html, re.S)
    return {key: json.loads(body) for key, body in blocks}


def test_the_approval_page_shows_the_list_against_the_quota_with_charts(
    client, officer, en, closed, django_assert_max_num_queries
):
    campaign, _nominations = closed
    client.force_login(officer)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("reviews:approval_detail", args=[campaign.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "候选人01" in html and "候选人04" in html
    assert "beyond the quota" in html
    # No inline script or style: the data travels in JSON blocks, the chart boxes are classed.
    assert "<script>" not in html and 'style="' not in html
    assert 'src="/static/vendor/echarts/echarts.min.js' in html
    blocks = _json_blocks(html)
    assert set(blocks) == {
        "chart-region-data",
        "chart-industry-data",
        "chart-gender-data",
        "chart-age-data",
    }
    assert blocks["chart-gender-data"]["kind"] == "pie"
    assert blocks["chart-gender-data"]["values"] == [3]  # three approved, all men by default
    assert blocks["chart-industry-data"]["labels"] == ["C Manufacturing"]
    assert blocks["chart-age-data"]["labels"] == ["45–54"]  # born 1978: 48 in 2026
    assert 'data-chart="chart-region-data"' in html
    # Each chart has a table version.
    assert html.count('class="table table-sm mb-0 chart-table"') == 4
    items = approval.frozen_items(approval.approval_lists(campaign).approved)
    assert approval.list_digest(campaign.pk, items) in html


def test_confirming_freezes_the_list_and_shows_the_record(client, world, officer, en, closed):
    campaign, nominations = closed
    client.force_login(officer)
    page = client.get(reverse("reviews:approval_detail", args=[campaign.pk])).content.decode()
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', page).group(1)  # type: ignore[union-attr]
    assert "data-confirm=" in page.split('action="/reviews/approval/')[1][:400]
    response = client.post(
        reverse("reviews:approval_confirm", args=[campaign.pk]), {"digest": digest, "notes": "同意"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:approval_record", args=[campaign.pk])
    record = FinalApproval.objects.get(campaign=campaign)
    assert record.digest == digest and record.notes == "同意"
    page = client.get(response["Location"]).content.decode()
    assert digest in page and "The frozen list matches its digest" in page
    assert "候选人03" in page and "候选人04" not in page
    # Confirming again is no longer offered; a second POST (a double click) shows the record.
    response = client.post(
        reverse("reviews:approval_confirm", args=[campaign.pk]), {"digest": digest}
    )
    assert response.status_code == 302 and response["Location"].endswith("/record/")
    assert FinalApproval.objects.filter(campaign=campaign).count() == 1
    # The unit sees the outcome on the nomination page.
    client.force_login(world.users["hebei_clerk"])
    page = client.get(reverse("nominations:detail", args=[nominations[3].pk])).content.decode()
    assert str(Nomination.Status.NOT_SELECTED.label) in page
    assert "beyond the quota" in page
    page = client.get(reverse("nominations:detail", args=[nominations[0].pk])).content.decode()
    assert "Selected in the final approval." in page


def test_a_stale_digest_is_refused_with_the_reason(client, officer, en, closed):
    campaign, _n = closed
    client.force_login(officer)
    response = client.post(
        reverse("reviews:approval_confirm", args=[campaign.pk]), {"digest": "0" * 64}
    )
    assert response.status_code == 200
    assert "The list changed since the page was shown" in response.content.decode()
    assert not FinalApproval.objects.exists()


def test_the_record_is_404_before_the_approval_and_the_export_has_the_list(client, officer, closed):
    campaign, nominations = closed
    client.force_login(officer)
    assert client.get(reverse("reviews:approval_record", args=[campaign.pk])).status_code == 404
    response = client.get(reverse("reviews:approval_export", args=[campaign.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4 and [r[1] for r in rows[1:]] == [n.number for n in nominations[:3]]
