from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.choices import UploadStatus
from cases.models import Upload
from cases.services.ingest import upload_ingest
from cases.services.uploads import upload_receive_path
from cases.tests.conftest import sample

pytestmark = pytest.mark.django_db


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.mark.parametrize(
    ("role", "status"), [("attorney", 202), ("administrator", 202), ("clerk", 403), ("outsider", 403)]
)
def test_posting_a_file_queues_its_ingestion(request, role, status, django_capture_on_commit_callbacks):
    client = _token_client(request.getfixturevalue(role))
    with sample("gogen_no_headers.csv").open("rb") as handle, django_capture_on_commit_callbacks() as queued:
        response = client.post("/api/uploads/", {"file": handle}, format="multipart")
    assert response.status_code == status
    if status == 202:
        upload = Upload.objects.get()
        assert response.json() == {"id": upload.pk, "status": UploadStatus.QUEUED, "duplicate": False}
        assert len(queued) == 1
    else:
        assert Upload.objects.count() == 0


def test_posting_the_same_file_again_returns_the_existing_upload(attorney):
    client = _token_client(attorney)
    with sample("gogen_no_headers.csv").open("rb") as handle:
        first = client.post("/api/uploads/", {"file": handle}, format="multipart").json()
    with sample("gogen_no_headers.csv").open("rb") as handle:
        again = client.post("/api/uploads/", {"file": handle}, format="multipart")
    assert again.status_code == 200
    assert again.json()["id"] == first["id"] and again.json()["duplicate"] is True


def test_a_refused_file_gets_a_400_naming_the_problem(attorney):
    with sample("gogen_bad_field_count.csv").open("rb") as handle:
        response = _token_client(attorney).post("/api/uploads/", {"file": handle}, format="multipart")
    assert response.status_code == 400
    assert "94 fields" in response.json()["file"][0]
    assert Upload.objects.count() == 0


def test_a_post_without_a_file_is_a_400(attorney):
    response = _token_client(attorney).post("/api/uploads/", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()


def test_the_api_needs_credentials():
    assert APIClient().get("/api/uploads/").status_code in (401, 403)


@pytest.mark.parametrize(
    ("role", "status"), [("attorney", 200), ("clerk", 200), ("administrator", 200), ("outsider", 404)]
)
def test_an_upload_reports_its_status_and_counts(request, role, status):
    upload, _ = upload_receive_path(path=sample("bear_bad_field_count.dat"), user=None, queue=False)
    upload = upload_ingest(upload_id=upload.pk)
    response = _token_client(request.getfixturevalue(role)).get(f"/api/uploads/{upload.pk}/")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["status"] == UploadStatus.INGESTED
        assert body["row_count"] == upload.row_count
        assert body["subject_count"] == upload.subject_count
        assert body["error_count"] == 1
        assert body["errors"][0]["line"] == 2


@pytest.mark.parametrize(("role", "visible"), [("clerk", 1), ("outsider", 0)])
def test_the_upload_list_shows_nothing_to_an_outsider(request, role, visible):
    upload_receive_path(path=sample("gogen_no_headers.csv"), user=None, queue=False)
    body = _token_client(request.getfixturevalue(role)).get("/api/uploads/").json()
    assert body["count"] == visible


def test_the_openapi_schema_describes_the_upload_endpoints(attorney):
    response = _token_client(attorney).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/uploads/{id}/" in response.content
