from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.choices import AuditEvent, ReviewStatus
from cases.models import AuditEntry, Decision, Determination

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(sample_run):
    return sample_run


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _target(run, outcome="reduce_to_misdemeanor"):
    return Determination.objects.filter(run=run, outcome=outcome).first()


def _post(user, determination, **body):
    return _client(user).post(f"/api/determinations/{determination.pk}/decision/", body, format="json")


def test_an_attorney_approves_and_the_determination_moves_on(run, attorney):
    target = _target(run)
    response = _post(attorney, target, action="approve", version=target.version)
    assert response.status_code == 201
    assert response.json()["outcome"] == target.outcome and response.json()["version"] == target.version + 1
    target.refresh_from_db()
    assert target.review_status == ReviewStatus.APPROVED
    assert (
        AuditEntry.objects.filter(event=AuditEvent.DECISION_RECORDED, user=attorney, object_id=str(target.pk)).count()
        == 1
    )
    listed = _client(attorney).get("/api/determinations/", {"upload": run.upload_id, "outcome": target.outcome}).json()
    item = next(i for i in listed["results"] if i["id"] == target.pk)
    assert item["review_status"] == "approved" and item["decision"]["decided_by"] == "attorney"


def test_an_override_needs_a_reason_and_a_known_outcome(run, attorney):
    target = _target(run)
    no_reason = _post(attorney, target, action="override", outcome="dismiss_and_seal", version=target.version)
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["detail"]
    unknown = _post(attorney, target, action="override", outcome="pardon", reason="x", version=target.version)
    assert unknown.status_code == 400 and "outcome" in unknown.json()["detail"]
    assert Decision.objects.count() == 0
    done = _post(
        attorney,
        target,
        action="override",
        outcome="dismiss_and_seal",
        reason="Office policy: dismiss possession for sale over 20 years old",
        version=target.version,
    )
    assert done.status_code == 201
    target.refresh_from_db()
    assert target.review_status == ReviewStatus.OVERRIDDEN
    assert target.decisions.get().outcome == "dismiss_and_seal"


def test_needs_review_cannot_simply_be_approved(run, attorney):
    target = _target(run, "needs_review")
    response = _post(attorney, target, action="approve", version=target.version)
    assert response.status_code == 400 and "override" in response.json()["detail"]


def test_a_stale_version_is_a_409_and_nothing_is_overwritten(run, attorney, administrator):
    target = _target(run)
    first = _post(attorney, target, action="approve", version=target.version)
    second = _post(
        administrator, target, action="override", outcome="not_eligible", reason="prior", version=target.version
    )
    assert first.status_code == 201 and second.status_code == 409
    assert second.json()["version"] == target.version + 1
    assert Decision.objects.filter(determination=target).count() == 1


def test_a_changed_mind_is_a_new_decision(run, attorney):
    target = _target(run)
    _post(attorney, target, action="approve", version=target.version)
    _post(
        attorney,
        target,
        action="override",
        outcome="dismiss_and_seal",
        reason="on reflection",
        version=target.version + 1,
    )
    assert list(target.decisions.values_list("action", flat=True)) == ["override", "approve"]


@pytest.mark.parametrize(("role", "status"), [("clerk", 403), ("outsider", 404), ("administrator", 201)])
def test_who_may_decide(request, run, role, status):
    target = _target(run)
    response = _post(request.getfixturevalue(role), target, action="approve", version=target.version)
    assert response.status_code == status


def test_a_missing_version_is_a_400(run, attorney):
    response = _post(attorney, _target(run), action="approve")
    assert response.status_code == 400 and "version" in response.json()


def test_the_list_does_not_query_per_determination(run, attorney, django_assert_max_num_queries):
    for target in Determination.objects.filter(run=run).exclude(outcome="needs_review")[:5]:
        _post(attorney, target, action="approve", version=target.version)
    client = _client(attorney)
    with django_assert_max_num_queries(10):
        client.get("/api/determinations/", {"upload": run.upload_id, "page_size": 100})


def test_determinations_can_be_listed_by_review_status_and_assignee(run, attorney):
    target = _target(run)
    _post(attorney, target, action="approve", version=target.version)
    Determination.objects.filter(pk=target.pk).update(assigned_to=attorney)
    approved = _client(attorney).get("/api/determinations/", {"status": "approved"}).json()
    assert [i["id"] for i in approved["results"]] == [target.pk]
    mine = _client(attorney).get("/api/determinations/", {"assignee": attorney.pk}).json()
    assert [i["id"] for i in mine["results"]] == [target.pk]
    bad = _client(attorney).get("/api/determinations/", {"status": "filed-ish"})
    assert bad.status_code == 400 and "status" in bad.json()
