"""The audit administrator's pages: access, filters, pagination, detail and Excel export."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from jiangxin.core import audit, audit_export
from jiangxin.core.audit import record_event
from jiangxin.core.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = reverse("core:audit_list")
EXPORT = reverse("core:audit_export")


def _detail(pk: int) -> str:
    return reverse("core:audit_detail", args=[pk])


def _at(monkeypatch, when: dt.datetime, action: str, **kwargs) -> AuditEvent:
    monkeypatch.setattr(audit, "_now", lambda: when)
    try:
        return record_event(action, **kwargs)
    finally:
        monkeypatch.undo()


@pytest.fixture
def auditor(client, world):
    client.force_login(world.users["audit_admin"])
    client.cookies["jiangxin_language"] = "en"  # the assertions read the English originals
    return client


def _rows(response) -> int:
    return len(re.findall(r'href="/audit/\d+/"', response.content.decode()))


# --- Access -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["security_admin", "system_admin", "program_officer", "craftsman"])
def test_everyone_but_the_audit_administrator_gets_404(client, world, role):
    event = record_event("test.secret")
    client.force_login(world.users[role])
    assert client.get(LIST).status_code == 404
    assert client.get(_detail(event.pk)).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_audit_administrator_reads_the_log(auditor, world):
    record_event(
        "test.shown",
        actor=world.users["program_officer"],
        acting_org=world.hebei,
        obj=world.hebei,
        ip="10.1.2.3",
    )
    response = auditor.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="results"' in html
    assert "test.shown" in html and "10.1.2.3" in html and world.hebei.name in html
    assert "<caption" in html and 'scope="col"' in html
    assert response.context["filter_form"] is not None
    assert response.context["export_url"] == EXPORT
    assert response.context["breadcrumbs"]
    # Reading is not audited (see audit_views); exporting is.
    assert not AuditEvent.objects.filter(action__startswith="audit.").exists()


def test_times_are_shown_in_china_standard_time(auditor, monkeypatch):
    _at(monkeypatch, dt.datetime(2024, 5, 1, 15, 30, 5, tzinfo=dt.UTC), "test.timed")
    html = auditor.get(LIST).content.decode()
    assert "2024-05-01 23:30:05" in html


# --- Filters ------------------------------------------------------------------------------------


def test_date_filters_use_china_standard_time_days(auditor, monkeypatch):
    # 2024-05-01 23:30 in Shanghai is still 15:30 UTC on 1 May; 00:30 on 2 May is 16:30 UTC.
    late = _at(monkeypatch, dt.datetime(2024, 5, 1, 15, 30, tzinfo=dt.UTC), "test.late")
    early = _at(monkeypatch, dt.datetime(2024, 5, 1, 16, 30, tzinfo=dt.UTC), "test.early")
    page = auditor.get(LIST, {"date_from": "2024-05-01", "date_to": "2024-05-01"})
    assert [e.pk for e in page.context["page_obj"]] == [late.pk]
    page = auditor.get(LIST, {"date_from": "2024-05-02", "date_to": "2024-05-02"})
    assert [e.pk for e in page.context["page_obj"]] == [early.pk]


def test_other_filters(auditor, world):
    officer = world.users["program_officer"]
    a = record_event("test.role.granted", actor=officer, obj=world.hebei, ip="10.0.0.1")
    b = record_event(
        "test.role.revoked",
        actor=world.users["hebei_officer"],
        ip="10.0.0.2",
        outcome=AuditEvent.Outcome.DENIED,
    )
    c = record_event("test.user.created", actor=officer, obj=officer, ip="10.0.0.1")

    def ids(**params):
        return {e.pk for e in auditor.get(LIST, params).context["page_obj"]}

    assert ids(action="test.role.") == {a.pk, b.pk}
    assert ids(action="Test.Role.Granted") == {a.pk}
    assert ids(actor="PROG", action="test.") == {a.pk, c.pk}
    assert ids(outcome="denied") == {b.pk}
    assert ids(object_type="orgs.", action="test.") == {a.pk}
    assert ids(object_type="accounts.user", object_id=str(officer.pk), action="test.") == {c.pk}
    assert ids(ip="10.0.0.1") == {a.pk, c.pk}


def test_invalid_filters_are_explained_and_ignored(auditor):
    event = record_event("test.any")
    response = auditor.get(
        LIST,
        {"date_from": "2024-05-02", "date_to": "2024-05-01", "ip": "not-an-ip", "action": "test."},
    )
    assert response.status_code == 200
    form = response.context["filter_form"]
    assert "date_to" in form.errors and "ip" in form.errors
    assert "The end date is before the start date." in response.content.decode()
    assert [e.pk for e in response.context["page_obj"]] == [event.pk]


def test_pagination_fifty_per_page(auditor):
    for i in range(60):
        record_event("test.paged", summary={"i": i})
    first = auditor.get(LIST, {"action": "test.paged"})
    assert _rows(first) == 50
    assert first.context["page_obj"].paginator.num_pages == 2
    second = auditor.get(LIST, {"action": "test.paged", "page": 2})
    assert _rows(second) == 10
    assert "action=test.paged" in first.content.decode()  # page links keep the filters


def test_query_count_does_not_grow_with_rows(auditor, world, django_assert_num_queries):
    def write(n: int) -> None:
        for i in range(n):
            record_event(
                "test.counted",
                actor=world.users["program_officer"],
                acting_org=world.henan,
                obj=world.henan,
                summary={"i": i},
            )

    write(2)
    auditor.get(LIST)  # warm up the session
    with CaptureQueriesContext(connection) as few:
        assert _rows(auditor.get(LIST)) == AuditEvent.objects.count()
    write(45)
    with django_assert_num_queries(len(few.captured_queries)):
        assert _rows(auditor.get(LIST)) == min(50, AuditEvent.objects.count())


def test_htmx_filter_gets_results_and_an_export_link_with_the_same_filters(auditor):
    record_event("test.htmx")
    response = auditor.get(
        LIST, {"action": "test."}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    html = response.content.decode()
    assert '<div id="results">' in html and "test.htmx" in html
    # The form swaps #results and, out of band, the export link: it must carry the filters.
    assert 'hx-select-oob="#export-link"' in html
    link = re.search(r'<a id="export-link"[^>]*href="([^"]+)"', html)
    assert link is not None and "action=test." in link.group(1)


# --- Detail -------------------------------------------------------------------------------------


def test_detail_shows_summary_escaped_hashes_and_user_agent(auditor, world):
    event = record_event(
        "test.detail",
        obj=world.hebei,
        summary={"before": {"name": "<script>alert(1)</script>"}, "after": {"name": "河北"}},
        user_agent="Mozilla/5.0 (X11; Linux) Firefox/128.0",
    )
    response = auditor.get(_detail(event.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html
    assert '"after": {\n' in html.replace("&quot;", '"')  # pretty-printed
    assert "河北" in html
    assert event.hash in html and event.prev_hash in html
    assert "Firefox/128.0" in html
    assert response.context["hash_ok"] is True
    assert "object_id=" in response.context["object_events_url"]


def test_detail_of_a_missing_event_is_404(auditor):
    assert auditor.get(_detail(999_999)).status_code == 404


# --- Export -------------------------------------------------------------------------------------


def _workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_export_is_an_xlsx_of_the_filtered_events_and_is_audited(auditor, world):
    for i in range(3):
        record_event("test.exported", summary={"i": i}, ip="10.9.9.9", acting_org=world.hebei)
    record_event("test.other")
    response = auditor.get(EXPORT, {"action": "test.exported", "ip": "10.9.9.9"})
    assert response.status_code == 200
    assert response["Content-Type"] == audit_export.XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(r'filename="audit-log-\d{8}-\d{6}\.xlsx"', disposition)

    wb = _workbook(response)
    sheet = wb.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("ID", "Time (China Standard Time)")
    assert len(rows) == 1 + 3
    assert {r[4] for r in rows[1:]} == {"test.exported"}
    assert {r[3] for r in rows[1:]} == {world.hebei.name}
    assert isinstance(rows[1][1], dt.datetime)
    notes = {r[0]: r[1] for r in wb.worksheets[1].iter_rows(values_only=True) if r}
    assert notes["Events exported"] == 3

    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor == world.users["audit_admin"]
    assert exported.summary == {
        "filters": {"action": "test.exported", "ip": "10.9.9.9"},
        "rows": 3,
        "truncated": False,
    }


def test_export_is_truncated_with_a_message(auditor, monkeypatch):
    monkeypatch.setattr(audit_export, "MAX_EXPORT_ROWS", 3)
    for _i in range(5):
        record_event("test.many")
    response = auditor.get(EXPORT, {"action": "test.many"})
    wb = _workbook(response)
    assert wb.worksheets[0].max_row == 1 + 3
    notes = [r for r in wb.worksheets[1].iter_rows(values_only=True) if r and r[0]]
    assert any("Only the newest 3 of 5" in str(r[1]) for r in notes)
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.summary["truncated"] is True and exported.summary["rows"] == 3
    follow = auditor.get(LIST)
    assert "Only the newest 3 of 5" in follow.content.decode()


def test_export_writes_formulas_as_text(auditor):
    record_event(
        "test.formula", actor_label='=HYPERLINK("http://x","y")', user_agent="agent\x07with control"
    )
    wb = _workbook(auditor.get(EXPORT, {"action": "test.formula"}))
    row = next(wb.worksheets[0].iter_rows(min_row=2, max_row=2))
    assert row[2].data_type == "s"
    assert row[2].value.startswith("=HYPERLINK")
    assert row[10].value == "agentwith control"


def test_export_with_invalid_filters_goes_back_to_the_list(auditor):
    response = auditor.get(EXPORT, {"ip": "nope"})
    assert response.status_code == 302
    assert response["Location"].startswith(LIST)
    assert not AuditEvent.objects.filter(action="audit.exported").exists()
