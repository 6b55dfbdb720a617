from __future__ import annotations

import csv
import datetime as dt
import io
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.audit_log import CSV_HEADER, audit_entries_for_objects
from cases.choices import AuditEvent
from cases.models import AuditEntry
from cases.services.audit import audit_record

pytestmark = [
    pytest.mark.django_db,
]

URLS = ("audit_log", "audit_log_csv")
UTC = dt.UTC
#: Session, user, roles, the count, one page of entries with their users, and the session's
#: sliding expiry saved in a savepoint (SESSION_SAVE_EVERY_REQUEST).
MAX_PAGE_QUERIES = 8


def record_at(when: dt.datetime, **kwargs) -> AuditEntry:
    """An audit entry written as if at `when` (`at` is auto_now_add and the table is append-only)."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        return audit_record(**kwargs)


def csv_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.fixture
def admin_client(client_for, administrator):
    return client_for(administrator)


def test_anyone_signed_out_is_sent_to_the_login_page(client):
    for name in URLS:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", URLS)
@pytest.mark.parametrize(
    ("role", "status"), [("administrator", 200), ("attorney", 403), ("clerk", 403), ("outsider", 403)]
)
def test_only_administrators_read_or_export_the_audit_log(request, client_for, name, role, status):
    response = client_for(request.getfixturevalue(role)).get(reverse(name))
    assert response.status_code == status
    if role == "outsider":
        assert "no role" in response.content.decode()
    if status == 403:
        assert not AuditEntry.objects.filter(event=AuditEvent.EXPORT).exists()


def test_the_page_shows_readable_events_local_times_and_compact_detail(admin_client, attorney):
    record_at(
        dt.datetime(2024, 1, 5, 3, 0, tzinfo=UTC),
        event=AuditEvent.UPLOAD_RECEIVED,
        user=attorney,
        obj=attorney,
        ip="10.0.0.7",
        detail={"name": "sf.dat", "counts": {"rows": 3}},
    )
    body = admin_client.get(reverse("audit_log")).content.decode()
    assert "Upload received" in body and "upload_received</td>" not in body
    assert "Jan 4, 2024 19:00:00 PST" in body  # 03:00 UTC is the evening before in California
    assert "<dt>name</dt><dd>sf.dat</dd>" in body
    assert "<dt>counts</dt><dd>{&quot;rows&quot;:3}</dd>" in body
    assert "10.0.0.7" in body
    assert '<th scope="col">When</th>' in body and "<caption" in body
    assert '<label for="audit-date-from">From date</label>' in body


def test_filtering_by_event_narrows_the_list(admin_client, attorney):
    audit_record(event=AuditEvent.POLICY_SAVED, user=attorney, detail={"slug": "kept-policy"})
    audit_record(event=AuditEvent.UPLOAD_FAILED, user=attorney, detail={"slug": "other-event"})
    body = admin_client.get(reverse("audit_log"), {"event": AuditEvent.POLICY_SAVED}).content.decode()
    assert "kept-policy" in body and "other-event" not in body
    assert "<strong>1</strong> entry match these filters" in body


def test_filtering_by_user_narrows_the_list(admin_client, attorney, clerk):
    audit_record(event=AuditEvent.RECORD_VIEWED, user=attorney, detail={"page": "by-attorney"})
    audit_record(event=AuditEvent.RECORD_VIEWED, user=clerk, detail={"page": "by-clerk"})
    audit_record(event=AuditEvent.LOGIN_FAILED, username="attorney-typo", detail={"page": "typed"})
    body = admin_client.get(reverse("audit_log"), {"user": "ATTORN"}).content.decode()
    assert "by-attorney" in body and "typed" in body
    assert "by-clerk" not in body


def test_filtering_by_dates_uses_whole_days_in_the_offices_time_zone(admin_client, attorney):
    # Jan 4 at 23:30 in California is already Jan 5 in UTC.
    record_at(dt.datetime(2024, 1, 5, 7, 30, tzinfo=UTC), event=AuditEvent.EXPORT, user=attorney, detail={"n": "4th"})
    record_at(dt.datetime(2024, 1, 5, 20, 0, tzinfo=UTC), event=AuditEvent.EXPORT, user=attorney, detail={"n": "5th"})
    record_at(dt.datetime(2024, 1, 7, 20, 0, tzinfo=UTC), event=AuditEvent.EXPORT, user=attorney, detail={"n": "7th"})

    def shown(**filters: str) -> set[str]:
        body = admin_client.get(reverse("audit_log"), {"event": "export", **filters}).content.decode()
        return {n for n in ("4th", "5th", "7th") if f"<dd>{n}</dd>" in body}

    assert shown(date_from="2024-01-05") == {"5th", "7th"}
    assert shown(date_to="2024-01-05") == {"4th", "5th"}
    assert shown(date_from="2024-01-05", date_to="2024-01-05") == {"5th"}


def test_searching_the_detail_and_following_an_object_narrow_the_list(admin_client, attorney, clerk):
    audit_record(event=AuditEvent.UPLOAD_RECEIVED, user=attorney, obj=clerk, detail={"name": "Sacramento-2019.dat"})
    audit_record(event=AuditEvent.UPLOAD_RECEIVED, user=attorney, obj=attorney, detail={"name": "fresno.dat"})
    body = admin_client.get(reverse("audit_log"), {"text": "sacramento"}).content.decode()
    assert "Sacramento-2019.dat" in body and "fresno.dat" not in body
    assert f'href="?object_type=user&amp;object_id={clerk.pk}"' in body
    body = admin_client.get(reverse("audit_log"), {"object_type": "user", "object_id": clerk.pk}).content.decode()
    assert "Sacramento-2019.dat" in body and "fresno.dat" not in body


def test_page_links_and_the_download_link_keep_the_filters(admin_client, attorney):
    for n in range(60):
        audit_record(event=AuditEvent.RECORD_VIEWED, user=attorney, detail={"n": n})
    body = admin_client.get(reverse("audit_log"), {"event": "record_viewed", "user": "attorney"}).content.decode()
    assert "<strong>60</strong> entries match these filters" in body
    assert "Page 1 of 2" in body
    assert 'href="?event=record_viewed&amp;user=attorney&amp;page=2"' in body
    assert f'href="{reverse("audit_log_csv")}?event=record_viewed&amp;user=attorney"' in body

    second = admin_client.get(reverse("audit_log"), {"event": "record_viewed", "user": "attorney", "page": 2})
    body = second.content.decode()
    assert "Page 2 of 2" in body and 'href="?event=record_viewed&amp;user=attorney&amp;page=1"' in body
    assert body.count("<dt>n</dt>") == 10


def test_the_csv_has_a_header_and_one_row_per_matching_entry(admin_client, attorney):
    record_at(
        dt.datetime(2024, 3, 1, 17, 4, 5, 123456, tzinfo=UTC),
        event=AuditEvent.UPLOAD_RECEIVED,
        user=attorney,
        obj=attorney,
        ip="192.0.2.1",
        detail={"name": "sf.dat", "rows": 12},
    )
    audit_record(event=AuditEvent.POLICY_SAVED, user=attorney)
    response = admin_client.get(reverse("audit_log_csv"), {"event": "upload_received"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="audit-log-\d{8}-\d{4}\.csv"', response["Content-Disposition"])
    rows = csv_of(response)
    assert rows[0] == list(CSV_HEADER)
    assert rows[1:] == [
        [
            "2024-03-01T17:04:05.123Z",
            "attorney",
            "upload_received",
            "Upload received",
            "user",
            str(attorney.pk),
            "192.0.2.1",
            '{"name":"sf.dat","rows":12}',
        ]
    ]


def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(admin_client):
    audit_record(event=AuditEvent.LOGIN_FAILED, username='=HYPERLINK("http://evil","x")', ip="198.51.100.9")
    audit_record(event=AuditEvent.LOGIN_FAILED, username="@SUM(1+1)")
    rows = csv_of(admin_client.get(reverse("audit_log_csv"), {"event": "login_failed"}))
    assert [row[1] for row in rows[1:]] == ["'@SUM(1+1)", '\'=HYPERLINK("http://evil","x")']


def test_the_export_is_recorded_with_its_row_count_before_the_file_is_sent(admin_client, administrator, attorney):
    for _ in range(3):
        audit_record(event=AuditEvent.RECORD_VIEWED, user=attorney)
    response = admin_client.get(reverse("audit_log_csv"), {"event": "record_viewed", "date_from": "2020-01-01"})
    export = AuditEntry.objects.get(event=AuditEvent.EXPORT)  # before a byte of the file is read
    assert export.user == administrator
    assert export.detail == {
        "what": "audit_log",
        "filters": {"event": "record_viewed", "date_from": "2020-01-01"},
        "rows": 3,
    }
    assert len(csv_of(response)) == 1 + 3


def test_an_unfiltered_export_does_not_contain_its_own_export_row(admin_client, attorney):
    audit_record(event=AuditEvent.RECORD_VIEWED, user=attorney)
    rows = csv_of(admin_client.get(reverse("audit_log_csv")))
    export = AuditEntry.objects.get(event=AuditEvent.EXPORT)
    # The administrator's sign-in and the record view; not the export being written.
    assert export.detail["rows"] == len(rows) - 1 == 2
    assert "export" not in [row[2] for row in rows[1:]]


def test_the_page_makes_the_same_few_queries_with_5_or_60_entries(
    admin_client, attorney, clerk, django_assert_max_num_queries
):
    counts = []
    for entries in (5, 55):
        for n in range(entries):
            audit_record(event=AuditEvent.RECORD_VIEWED, user=attorney if n % 2 else clerk, obj=attorney)
        with django_assert_max_num_queries(MAX_PAGE_QUERIES) as captured:
            assert admin_client.get(reverse("audit_log")).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("name", URLS)
def test_a_bad_date_is_explained_naming_the_field(admin_client, name):
    response = admin_client.get(reverse(name), {"date_from": "2024-02-30", "user": "kept"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "From date: “2024-02-30” is not a date" in body
    assert 'value="kept"' in body and 'value="2024-02-30"' in body
    assert not AuditEntry.objects.filter(event=AuditEvent.EXPORT).exists()


def test_an_end_date_before_the_start_date_is_explained(admin_client):
    response = admin_client.get(reverse("audit_log"), {"date_from": "2024-02-01", "date_to": "2024-01-01"})
    assert response.status_code == 400
    assert "To date is before From date" in response.content.decode()


def test_an_unknown_event_is_explained_not_ignored(admin_client):
    response = admin_client.get(reverse("audit_log"), {"event": "drop_table"})
    assert response.status_code == 400
    assert "Event: “drop_table” is not an event" in response.content.decode()


def test_an_objects_history_lists_entries_about_any_of_the_objects_newest_first(attorney, clerk, administrator):
    first = audit_record(event=AuditEvent.RECORD_VIEWED, obj=attorney)
    audit_record(event=AuditEvent.RECORD_VIEWED, obj=administrator)
    second = audit_record(event=AuditEvent.RECORD_VIEWED, obj=clerk)
    history = audit_entries_for_objects(objects=[("user", str(attorney.pk)), ("user", str(clerk.pk))])
    assert list(history) == [second, first]
    assert not audit_entries_for_objects(objects=[]).exists()


def test_times_in_the_csv_are_utc_whatever_the_office_time_zone(admin_client, attorney):
    with timezone.override("America/Los_Angeles"):
        record_at(dt.datetime(2024, 7, 1, 23, 30, tzinfo=UTC), event=AuditEvent.POLICY_SAVED, user=attorney)
    rows = csv_of(admin_client.get(reverse("audit_log_csv"), {"event": "policy_saved"}))
    assert rows[1][0] == "2024-07-01T23:30:00.000Z"
