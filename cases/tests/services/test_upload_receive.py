from __future__ import annotations

import io

import pytest
from django.conf import settings

from cases.choices import AuditEvent, UploadStatus
from cases.models import AuditEntry, Upload
from cases.services.uploads import UploadRefused, upload_receive, upload_receive_path
from cases.tests.conftest import sample

pytestmark = pytest.mark.django_db


def _stored_files() -> list[str]:
    root = settings.UPLOAD_ROOT
    return sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_a_doj_file_is_stored_privately_and_recorded(attorney):
    upload, created = upload_receive_path(path=sample("bear_with_header.dat"), user=attorney, county="sacramento")
    assert created
    assert upload.status == UploadStatus.QUEUED
    assert upload.county == "SACRAMENTO"
    assert upload.has_header
    assert upload.size_bytes == sample("bear_with_header.dat").stat().st_size
    assert _stored_files() == [f"{upload.sha256}.dat"]
    assert not str(settings.UPLOAD_ROOT).startswith(str(settings.STATIC_ROOT))
    assert AuditEntry.objects.filter(event=AuditEvent.UPLOAD_RECEIVED, object_id=str(upload.pk), user=attorney).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (b"name,dob,case\nA,1,2\n", "95 fields"),
        (sample("gogen_bad_field_count.csv").read_bytes(), "94 fields"),
    ],
)
def test_a_file_that_is_not_the_doj_layout_is_refused_and_nothing_is_stored(attorney, content, message):
    with pytest.raises(UploadRefused, match=message) as refused:
        upload_receive(source=io.BytesIO(content), name="wrong.csv", user=attorney)
    assert "wrong.csv" in str(refused.value)
    assert Upload.objects.count() == 0
    assert _stored_files() == []
    assert AuditEntry.objects.filter(event=AuditEvent.UPLOAD_REFUSED, user=attorney).count() == 1


def test_the_same_file_twice_returns_the_first_upload(attorney, administrator):
    first, created = upload_receive_path(path=sample("gogen_no_headers.csv"), user=attorney)
    again, created_again = upload_receive_path(path=sample("gogen_no_headers.csv"), user=administrator)
    assert created and not created_again
    assert again.pk == first.pk
    assert Upload.objects.count() == 1
    assert _stored_files() == [f"{first.sha256}.dat"]
    assert AuditEntry.objects.filter(event=AuditEvent.UPLOAD_DUPLICATE, user=administrator).exists()
