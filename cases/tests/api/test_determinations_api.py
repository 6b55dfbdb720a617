from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.models import Determination

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(sample_run):
    return sample_run


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


@pytest.mark.parametrize(
    ("role", "visible"), [("attorney", True), ("clerk", True), ("administrator", True), ("outsider", False)]
)
def test_determinations_are_listed_for_staff_only(request, run, role, visible):
    body = _client(request.getfixturevalue(role)).get("/api/determinations/", {"upload": run.upload_id}).json()
    expected = Determination.objects.filter(run=run).count() if visible else 0
    assert body["count"] == expected
    if visible:
        item = body["results"][0]
        for key in ("id", "version", "outcome", "reasons", "flags", "case_number", "code_section", "person"):
            assert key in item
        assert item["person"]["name"]


def test_filters_narrow_the_list(run, attorney):
    client = _client(attorney)
    for outcome in ("needs_review", "reduce_to_misdemeanor", "not_eligible"):
        body = client.get("/api/determinations/", {"upload": run.upload_id, "outcome": outcome}).json()
        assert body["count"] == Determination.objects.filter(run=run, outcome=outcome).count()
        assert all(item["outcome"] == outcome for item in body["results"])
    body = client.get("/api/determinations/", {"reason": "JUVENILE"}).json()
    assert body["count"] == Determination.objects.filter(run=run, reason_codes__contains=["JUVENILE"]).count() > 0
    body = client.get("/api/determinations/", {"section": "11359", "page_size": "1"}).json()
    assert len(body["results"]) <= 1
    assert body["count"] == Determination.objects.filter(run=run, section_number="11359").count()


def test_a_bad_filter_is_a_400(attorney):
    client = _client(attorney)
    assert client.get("/api/determinations/", {"outcome": "pardon"}).status_code == 400
    assert client.get("/api/determinations/", {"upload": "x"}).status_code == 400


@pytest.mark.parametrize(("role", "status"), [("attorney", 200), ("clerk", 200), ("outsider", 404)])
def test_one_determination_comes_with_its_evidence(request, run, role, status):
    target = Determination.objects.filter(run=run, reason_codes__contains=["DQ_SUPER_STRIKE"]).first()
    response = _client(request.getfixturevalue(role)).get(f"/api/determinations/{target.pk}/")
    assert response.status_code == status
    if status == 200:
        evidence = response.json()["evidence"]
        ids = {row["id"] for row in evidence}
        assert target.event_id in ids and set(target.reasons[0]["evidence"]) <= ids
        assert all(row["raw"] for row in evidence)


@pytest.mark.parametrize(("role", "status"), [("clerk", 200), ("outsider", 404)])
def test_the_summary_serves_the_figures(request, run, role, status):
    response = _client(request.getfixturevalue(role)).get(f"/api/uploads/{run.upload_id}/summary/")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["policy"] == "statutory" and body["as_of"] == "2019-11-11"
        assert body["candidates"] == Determination.objects.filter(run=run).count()
        assert set(body["outcomes"]) == {
            "dismiss_and_seal",
            "reduce_to_misdemeanor",
            "reduce_to_infraction",
            "not_eligible",
            "needs_review",
        }
