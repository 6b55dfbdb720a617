from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.choices import AuditEvent, RunStatus
from cases.models import AuditEntry, Determination, Event, Person
from cases.services.classify import classification_start
from cases.services.ingest import upload_ingest
from cases.services.policies import policy_get_current
from cases.services.uploads import upload_receive_path
from cases.tests.conftest import classify_in_process, sample

pytestmark = pytest.mark.django_db

#: Token, roles, person and upload, audit row, newest run, events, determinations.
QUERIES_PER_PERSON = 7


@pytest.fixture
def run(sample_run):
    return sample_run


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def _url(person_id: int) -> str:
    return reverse("api_person_detail", kwargs={"pk": person_id})


def _people_by_history_length(run) -> list[Person]:
    """The run's people who have determinations, fewest rows first."""
    return list(
        Person.objects.filter(upload=run.upload, determinations__run=run)
        .distinct()
        .annotate(rows=Count("events", distinct=True))
        .order_by("rows", "pk")
    )


def _person_with_determinations(run) -> Person:
    return _people_by_history_length(run)[-1]


@pytest.mark.parametrize("role", ["attorney", "clerk", "administrator"])
def test_staff_see_a_person_with_their_whole_history(request, run, role):
    person = _person_with_determinations(run)
    response = _client(request.getfixturevalue(role)).get(_url(person.pk))
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("id", "upload", "subject_id", "cii", "name", "gender", "race")} == {
        "id": person.pk,
        "upload": run.upload_id,
        "subject_id": person.subject_id,
        "cii": person.cii,
        "name": person.name,
        "gender": person.gender,
        "race": person.race,
    }
    assert body["dob"] == (person.dob.isoformat() if person.dob else None)
    assert body["incomplete"] is person.incomplete


def test_the_history_is_every_row_of_the_person_in_line_order(run, attorney):
    person = _person_with_determinations(run)
    events = _client(attorney).get(_url(person.pk)).json()["events"]
    expected = list(Event.objects.filter(person=person).order_by("line"))
    assert len(expected) > 1
    assert [row["id"] for row in events] == [event.pk for event in expected]
    assert [row["line"] for row in events] == sorted(row["line"] for row in events)
    first, stored = events[0], expected[0]
    assert first["raw"] == stored.raw and first["raw"]
    assert first["case_key"] == stored.case_key and first["cnt_order"] == stored.cnt_order
    for key in (
        "court",
        "county",
        "offense_date",
        "step_date",
        "disposition_date",
        "code_section",
        "offense_text",
        "severity",
        "disposition",
        "is_conviction",
        "sentence_location",
        "sentence_length",
        "sentence_unit",
        "sentence_end",
        "comment",
    ):
        assert key in first


def test_the_determinations_are_those_of_the_newest_finished_run(run, attorney):
    person = _person_with_determinations(run)
    newer = classify_in_process(run.upload, as_of=dt.date(2020, 6, 1))
    # A newer run that has not finished yet is not what pages and the API show.
    unfinished = classification_start(
        upload=run.upload, policy=policy_get_current(slug="statutory"), as_of=dt.date(2021, 1, 1), queue=False
    )
    assert newer.status == RunStatus.DONE and unfinished.status != RunStatus.DONE
    body = _client(attorney).get(_url(person.pk)).json()
    assert body["run"]["id"] == newer.pk and body["run"]["as_of"] == "2020-06-01"
    expected = Determination.objects.filter(run=newer, person=person).order_by("line")
    assert [item["id"] for item in body["determinations"]] == [d.pk for d in expected]
    item, stored = body["determinations"][0], expected[0]
    assert item == {
        "id": stored.pk,
        "event": stored.event_id,
        "line": stored.line,
        "section": stored.section,
        "outcome": stored.outcome,
        "reason_codes": stored.reason_codes,
        "review_status": stored.review_status,
        "version": stored.version,
    }


def test_a_person_of_an_unclassified_upload_has_no_determinations(attorney):
    upload, _ = upload_receive_path(path=sample("gogen_no_headers.csv"), user=None, queue=False)
    person = upload_ingest(upload_id=upload.pk).people.first()
    body = _client(attorney).get(_url(person.pk)).json()
    assert body["run"] is None and body["determinations"] == []
    assert len(body["events"]) == Event.objects.filter(person=person).count() > 0


def test_viewing_a_person_is_audited(run, clerk):
    person = _person_with_determinations(run)
    _client(clerk).get(_url(person.pk))
    entry = AuditEntry.objects.get(event=AuditEvent.RECORD_VIEWED, object_type="person")
    assert (entry.user, entry.object_id, entry.detail) == (clerk, str(person.pk), {"via": "api"})


def test_an_outsider_gets_404_and_leaves_no_record_viewed(run, outsider):
    person = _person_with_determinations(run)
    assert _client(outsider).get(_url(person.pk)).status_code == 404
    assert not AuditEntry.objects.filter(event=AuditEvent.RECORD_VIEWED).exists()


def test_an_anonymous_caller_is_refused(run):
    person = _person_with_determinations(run)
    assert APIClient().get(_url(person.pk)).status_code in (401, 403)
    assert not AuditEntry.objects.filter(event=AuditEvent.RECORD_VIEWED).exists()


def test_an_unknown_person_is_a_404(run, attorney):
    missing = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000
    assert _client(attorney).get(_url(missing)).status_code == 404


def test_the_query_count_does_not_grow_with_the_history(run, attorney, django_assert_max_num_queries):
    """One query per kind of row, whether the person has the shortest history of the sample or the longest."""
    people = _people_by_history_length(run)
    short, long = people[0], people[-1]
    assert Event.objects.filter(person=long).count() > Event.objects.filter(person=short).count()
    client = _client(attorney)
    counts = []
    for person in (short, long):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url(person.pk)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(QUERIES_PER_PERSON):
        client.get(_url(long.pk))
