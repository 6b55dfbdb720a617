from __future__ import annotations

import pytest
from django.urls import reverse

from cases.choices import AuditEvent, UploadStatus
from cases.models import AuditEntry, Upload
from cases.services.ingest import upload_ingest
from cases.services.uploads import upload_receive_path
from cases.tests.conftest import sample

pytestmark = pytest.mark.django_db

ROLES = ["attorney", "clerk", "administrator", "outsider"]


@pytest.fixture
def ingested():
    upload, _ = upload_receive_path(path=sample("bear_bad_field_count.dat"), user=None, queue=False)
    return upload_ingest(upload_id=upload.pk)


def test_anyone_signed_out_is_sent_to_the_login_page(client, ingested):
    for url in (
        reverse("uploads"),
        reverse("upload_detail", args=[ingested.pk]),
        reverse("upload_progress", args=[ingested.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "status"), [("attorney", 200), ("clerk", 200), ("administrator", 200), ("outsider", 403)]
)
def test_the_uploads_list_shows_uploads_to_staff_only(request, client_for, ingested, role, status):
    response = client_for(request.getfixturevalue(role)).get(reverse("uploads"))
    assert response.status_code == status
    body = response.content.decode()
    assert ("bear_bad_field_count.dat" in body) == (status == 200)
    if role == "outsider":
        assert "no role" in body


@pytest.mark.parametrize(("role", "can_upload"), [("attorney", True), ("clerk", False), ("administrator", True)])
def test_only_attorneys_and_administrators_see_the_upload_form(request, client_for, role, can_upload):
    body = client_for(request.getfixturevalue(role)).get(reverse("uploads")).content.decode()
    assert ('enctype="multipart/form-data"' in body) == can_upload


@pytest.mark.parametrize(
    ("role", "status"), [("attorney", 302), ("clerk", 403), ("administrator", 302), ("outsider", 403)]
)
def test_uploading_through_the_page(request, client_for, role, status, django_capture_on_commit_callbacks):
    user = request.getfixturevalue(role)
    with sample("gogen_no_headers.csv").open("rb") as handle, django_capture_on_commit_callbacks() as queued:
        response = client_for(user).post(
            reverse("uploads"), {"file": handle, "county": "san joaquin", "policy": "dismiss_all"}
        )
    assert response.status_code == status
    if status == 302:
        upload = Upload.objects.get()
        assert response["Location"] == reverse("upload_detail", args=[upload.pk])
        assert upload.uploaded_by == user
        assert upload.county == "SAN JOAQUIN"
        assert upload.policy_slug == "dismiss_all"
        assert len(queued) == 1  # ingestion is queued once the upload row commits
    else:
        assert Upload.objects.count() == 0


def test_a_refused_file_shows_why_and_keeps_the_form(client_for, attorney):
    with sample("gogen_bad_field_count.csv").open("rb") as handle:
        response = client_for(attorney).post(reverse("uploads"), {"file": handle, "county": "YOLO"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "94 fields" in body and "Nothing was stored" in body
    assert 'value="YOLO"' in body
    assert Upload.objects.count() == 0


def test_a_file_with_another_extension_is_refused_by_the_form(client_for, attorney):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for(attorney).post(
        reverse("uploads"), {"file": SimpleUploadedFile("records.xlsx", b"PK\x03\x04")}
    )
    assert response.status_code == 400
    assert "not a .dat or .csv file" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [("attorney", 200), ("clerk", 200), ("administrator", 200), ("outsider", 404)]
)
def test_the_upload_page_lists_quarantined_lines(request, client_for, ingested, role, status):
    user = request.getfixturevalue(role)
    response = client_for(user).get(reverse("upload_detail", args=[ingested.pk]))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "line has 94 fields" in body
        assert str(ingested.row_count) in body
        assert AuditEntry.objects.filter(event=AuditEvent.RECORD_VIEWED, user=user, object_id=str(ingested.pk)).exists()
    else:
        assert "bear_bad_field_count" not in response.content.decode()


@pytest.mark.parametrize(
    ("role", "status"), [("attorney", 200), ("clerk", 200), ("administrator", 200), ("outsider", 404)]
)
def test_the_progress_partial_polls_while_the_file_is_read(request, client_for, role, status):
    upload, _ = upload_receive_path(path=sample("gogen_no_headers.csv"), user=None, queue=False)
    Upload.objects.filter(pk=upload.pk).update(status=UploadStatus.INGESTING, bytes_read=upload.size_bytes // 2)
    response = client_for(request.getfixturevalue(role)).get(reverse("upload_progress", args=[upload.pk]))
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert 'hx-trigger="every 1s"' in body
        assert "50%" in body
        assert "HX-Refresh" not in response


def test_the_progress_partial_asks_for_a_reload_when_reading_ends(client_for, attorney, ingested):
    response = client_for(attorney).get(reverse("upload_progress", args=[ingested.pk]))
    assert response["HX-Refresh"] == "true"
    assert "hx-trigger" not in response.content.decode()


def test_pages_carry_a_content_security_policy_without_inline_scripts(client_for, attorney):
    response = client_for(attorney).get(reverse("uploads"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()


def test_the_uploads_page_makes_a_fixed_number_of_queries(client_for, attorney, django_assert_max_num_queries):
    for name in ("gogen_no_headers.csv", "gogen_extra_comma.csv", "bear_with_header.dat"):
        upload_receive_path(path=sample(name), user=attorney, queue=False)
    client = client_for(attorney)
    with django_assert_max_num_queries(8):
        client.get(reverse("uploads"))
