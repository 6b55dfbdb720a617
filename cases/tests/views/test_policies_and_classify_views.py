from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse

from cases.choices import AuditEvent
from cases.models import AuditEntry, ClassificationRun, Policy
from cases.services.ingest import upload_ingest
from cases.services.uploads import upload_receive_path
from cases.tests.conftest import classify_in_process, sample

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "status"), [("attorney", 403), ("clerk", 403), ("administrator", 200), ("outsider", 403)]
)
def test_only_administrators_see_the_policies_page(request, client_for, role, status):
    response = client_for(request.getfixturevalue(role)).get(reverse("policies"))
    assert response.status_code == status
    if role == "administrator":
        body = response.content.decode()
        assert "dismiss_all" in body and "los_angeles_2020" in body


def test_saving_a_policy_makes_a_new_audited_version(client_for, administrator):
    client = client_for(administrator)
    options = {
        "baselineEligibility": {"dismiss": ["11357"], "reduce": ["11359"]},
        "additionalRelief": {"subjectAgeThreshold": 50},
    }
    for _ in range(2):
        response = client.post(
            reverse("policies"), {"slug": "sf-2026", "name": "SF 2026", "kind": "bear", "options": json.dumps(options)}
        )
        assert response.status_code == 302
    versions = list(Policy.objects.filter(slug="sf-2026").order_by("version").values_list("version", flat=True))
    assert versions == [1, 2]
    assert AuditEntry.objects.filter(event=AuditEvent.POLICY_SAVED, user=administrator).count() == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ('{"additionalRelief": {"subjectAgeThreshold": 70}}', "between 40 and 65"),
        ("{not json", "Not valid JSON"),
        ('{"additionalRelief": {"subjectIsOld": true}}', "subjectIsOld"),
    ],
)
def test_a_bad_policy_is_refused_with_the_reason_and_the_form_kept(client_for, administrator, options, message):
    response = client_for(administrator).post(
        reverse("policies"), {"slug": "bad", "name": "Bad", "kind": "bear", "options": options}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body and 'value="Bad"' in body
    assert not Policy.objects.filter(slug="bad").exists()


@pytest.fixture
def classified():
    upload, _ = upload_receive_path(
        path=sample("gogen_configurable_flow_input.csv"), user=None, county="SACRAMENTO", queue=False
    )
    upload = upload_ingest(upload_id=upload.pk)
    for slug in ("statutory", "dismiss_all"):
        classify_in_process(upload, slug)
    return upload


def test_the_upload_page_shows_results_and_the_difference_between_runs(client_for, clerk, classified):
    body = client_for(clerk).get(reverse("upload_detail", args=[classified.pk])).content.decode()
    assert "Results" in body and "No felony any more" in body
    assert "change outcome from Statute only" in body
    assert "Classify again" not in body  # clerks do not classify


@pytest.mark.parametrize(("role", "status"), [("attorney", 302), ("clerk", 403), ("outsider", 404)])
def test_classifying_again_from_the_page(
    request, client_for, classified, role, status, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = client_for(request.getfixturevalue(role)).post(
            reverse("upload_classify", args=[classified.pk]), {"policy": "sacramento_2019", "as_of": "2020-01-01"}
        )
    assert response.status_code == status
    runs = ClassificationRun.objects.filter(upload=classified, policy__slug="sacramento_2019")
    assert runs.exists() == (status == 302)
    if status == 302:
        assert len(queued) == 1 and runs.get().as_of == dt.date(2020, 1, 1)
