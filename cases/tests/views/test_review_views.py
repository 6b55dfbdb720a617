"""The review screens: who may see and do what, filters in the URL, decisions, and query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import AuditEvent, Outcome, ReviewStatus
from cases.models import AuditEntry, Decision, Determination, Note

pytestmark = pytest.mark.django_db


def _one(run, **where) -> Determination:
    return Determination.objects.filter(run=run, **where).exclude(outcome=Outcome.NEEDS_REVIEW).order_by("line")[0]


# Who may see what ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["attorney", "clerk", "administrator"])
def test_staff_see_the_queue_and_a_case(request, role, sample_run, client_for):
    client = client_for(request.getfixturevalue(role))
    d = _one(sample_run)
    assert client.get("/review/").status_code == 200
    page = client.get(f"/review/{d.pk}/")
    assert page.status_code == 200 and d.person.name in page.content.decode()


def test_an_outsider_sees_no_queue_and_no_case(sample_run, outsider, client_for):
    client = client_for(outsider)
    queue = client.get("/review/")
    assert queue.status_code == 403 and _one(sample_run).person.name not in queue.content.decode()
    assert client.get(f"/review/{_one(sample_run).pk}/").status_code == 404
    assert client.post(f"/review/{_one(sample_run).pk}/decide/", {"action": "approve", "version": 1}).status_code == 404
    assert client.post(f"/review/{_one(sample_run).pk}/note/", {"text": "x"}).status_code == 404
    assert client.get(f"/review/bulk-approve/?upload={sample_run.upload_id}").status_code == 403
    assert client.post("/review/assign/", {"upload": sample_run.upload_id, "assign_to": "none"}).status_code == 403
    assert not Decision.objects.exists() and not Note.objects.exists()


@pytest.mark.parametrize("path", ["/review/", "/review/1/", "/review/bulk-approve/", "/review/bulk/1/"])
def test_an_anonymous_visitor_is_sent_to_sign_in(path, client, sample_run):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_clerk_reads_a_case_but_has_no_decision_buttons_and_cannot_decide(sample_run, clerk, client_for):
    client = client_for(clerk)
    d = _one(sample_run)
    page = client.get(f"/review/{d.pk}/").content.decode()
    assert "Approve:" not in page and "Override…" not in page
    assert client.post(f"/review/{d.pk}/decide/", {"action": "approve", "version": d.version}).status_code == 403
    assert client.post(f"/review/{d.pk}/note/", {"text": "x"}).status_code == 403
    assert client.get(f"/review/bulk-approve/?upload={sample_run.upload_id}").status_code == 403
    assert client.post("/review/assign/", {"upload": sample_run.upload_id, "assign_to": "none"}).status_code == 403
    assert not Decision.objects.exists()


def test_only_an_administrator_may_assign(sample_run, attorney, administrator, client_for):
    body = {"upload": sample_run.upload_id, "outcome": "not_eligible", "assign_to": attorney.pk}
    assert client_for(attorney).post("/review/assign/", body).status_code == 403
    response = client_for(administrator).post("/review/assign/", body, follow=True)
    assert "Assigned 3 convictions to attorney" in response.content.decode(), response.content.decode()
    assigned = Determination.objects.filter(assigned_to=attorney)
    assert assigned.count() == Determination.objects.filter(run=sample_run, outcome="not_eligible").count() > 0


# The queue ---------------------------------------------------------------------------------


def test_the_queue_filters_live_in_the_url_and_counts_follow_them(sample_run, attorney, client_for):
    client = client_for(attorney)
    page = client.get(f"/review/?upload={sample_run.upload_id}&outcome=reduce_to_misdemeanor").content.decode()
    expected = Determination.objects.filter(run=sample_run, outcome="reduce_to_misdemeanor")
    assert f"<strong>{expected.count()}</strong> conviction" in page
    rows = re.findall(r'<tr data-href="/review/(\d+)/\?([^"]*)"', page)
    assert {int(pk) for pk, _ in rows} == set(expected.values_list("pk", flat=True))
    assert all("outcome=reduce_to_misdemeanor" in query for _, query in rows)
    # The status facet counts inside the chosen outcome; the outcome facet ignores its own choice.
    total = Determination.objects.filter(run=sample_run).count()
    outcome_counts = re.findall(r'<span class="count">(\d+)</span>', page)
    assert sum(int(n) for n in outcome_counts[:5]) == total
    assert int(outcome_counts[5]) == expected.count()  # pending, inside the outcome


def test_searching_by_name_or_cii_finds_the_person(sample_run, attorney, client_for):
    client = client_for(attorney)
    d = _one(sample_run)
    by_name = client.get("/review/", {"q": d.person.name.split(",")[0].lower()}).content.decode()
    assert f"/review/{d.pk}/" in by_name
    by_cii = client.get("/review/", {"q": d.person.cii}).content.decode()
    assert f"/review/{d.pk}/" in by_cii
    nobody = client.get("/review/", {"q": "ZZZNOSUCHNAME"}).content.decode()
    assert "No convictions match this filter" in nobody


def test_an_unknown_filter_value_is_named_and_ignored(sample_run, attorney, client_for):
    page = client_for(attorney).get("/review/?outcome=pardon").content.decode()
    assert "outcome must be one of" in page


def test_my_queue_shows_only_what_is_assigned_to_me(sample_run, attorney, administrator, client_for):
    d = _one(sample_run)
    Determination.objects.filter(pk=d.pk).update(assigned_to=attorney)
    page = client_for(attorney).get("/review/?assignee=me").content.decode()
    assert re.findall(r'<tr data-href="/review/(\d+)/', page) == [str(d.pk)]


def test_the_queue_page_makes_the_same_number_of_queries_for_few_or_many_rows(sample_run, attorney, client_for):
    client = client_for(attorney)
    client.get("/review/")  # warm the session
    counts = []
    for filters in ({"outcome": "not_eligible"}, {"status": "pending"}):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/review/", filters).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 14


# The case page -----------------------------------------------------------------------------


def test_the_case_page_shows_history_reasons_raw_lines_and_is_audited(sample_run, attorney, client_for):
    d = _one(sample_run)
    page = client_for(attorney).get(f"/review/{d.pk}/").content.decode()
    for event in d.person.events.all():
        assert f'id="e{event.pk}"' in page and f"Raw DOJ line {event.line}" in page
    for reason in d.reasons:
        assert reason["code"] in page
    viewed = AuditEntry.objects.get(event=AuditEvent.RECORD_VIEWED, object_id=str(d.pk))
    assert viewed.user == attorney and viewed.detail["person"] == d.person_id


def test_previous_and_next_follow_the_queue_it_was_opened_from(sample_run, attorney, client_for):
    client = client_for(attorney)
    ordered = list(Determination.objects.filter(run=sample_run, outcome="not_eligible").order_by("line"))
    assert len(ordered) >= 3
    page = client.get(f"/review/{ordered[1].pk}/?outcome=not_eligible").content.decode()
    assert f'href="/review/{ordered[0].pk}/?outcome=not_eligible" rel="prev"' in page
    assert f'href="/review/{ordered[2].pk}/?outcome=not_eligible" rel="next"' in page
    first = client.get(f"/review/{ordered[0].pk}/?outcome=not_eligible").content.decode()
    assert "First in queue" in first


def test_the_case_page_makes_the_same_number_of_queries_for_short_and_long_histories(sample_run, attorney, client_for):
    from django.db.models import Count

    people = Determination.objects.filter(run=sample_run).values("person_id").annotate(n=Count("person__events"))
    short = min(people, key=lambda p: p["n"])
    long = max(people, key=lambda p: p["n"])
    assert long["n"] > short["n"]
    client = client_for(attorney)
    counts = []
    for person in (short, long):
        d = Determination.objects.filter(run=sample_run, person_id=person["person_id"]).first()
        client.get(f"/review/{d.pk}/")
        with CaptureQueriesContext(connection) as queries:
            client.get(f"/review/{d.pk}/")
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 20


# Deciding ----------------------------------------------------------------------------------


def test_approving_from_the_case_page_records_the_decision_and_returns_there(sample_run, attorney, client_for):
    d = _one(sample_run)
    response = client_for(attorney).post(
        f"/review/{d.pk}/decide/",
        {"action": "approve", "version": d.version, "query": "outcome=not_eligible", "focus": d.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/review/{d.pk}/?outcome=not_eligible#d{d.pk}"
    d.refresh_from_db()
    assert d.review_status == ReviewStatus.APPROVED and d.decisions.get().decided_by == attorney


def test_an_override_without_a_reason_is_not_saved_and_says_why(sample_run, attorney, client_for):
    d = _one(sample_run)
    client = client_for(attorney)
    client.post(f"/review/{d.pk}/decide/", {"action": "override", "outcome": "dismiss_and_seal", "version": d.version})
    page = client.get(f"/review/{d.pk}/").content.decode()
    assert "Not saved: an override needs a written reason" in page
    assert not Decision.objects.exists()


def test_a_second_attorney_on_the_same_version_gets_a_conflict_message(sample_run, attorney, make_user, client_for):
    from cases.choices import Role

    other = make_user("second", Role.ATTORNEY)
    d = _one(sample_run)
    client_for(attorney).post(f"/review/{d.pk}/decide/", {"action": "approve", "version": d.version})
    late = client_for(other)
    late.post(
        f"/review/{d.pk}/decide/",
        {"action": "override", "outcome": "not_eligible", "reason": "x", "version": d.version},
    )
    page = late.get(f"/review/{d.pk}/").content.decode()
    assert "someone else decided on this conviction" in page
    assert Decision.objects.filter(determination=d).count() == 1


def test_a_note_is_saved_and_shown_on_the_case_page(sample_run, attorney, client_for):
    d = _one(sample_run)
    client = client_for(attorney)
    client.post(f"/review/{d.pk}/note/", {"text": "Asked the court for the docket."})
    page = client.get(f"/review/{d.pk}/").content.decode()
    assert "Asked the court for the docket." in page and Note.objects.get().author == attorney


# Bulk approval -----------------------------------------------------------------------------


def test_bulk_approval_confirms_the_count_then_approves(sample_run, attorney, client_for):
    client = client_for(attorney)
    expected = Determination.objects.filter(run=sample_run, outcome="reduce_to_misdemeanor").count()
    confirm = client.get(f"/review/bulk-approve/?upload={sample_run.upload_id}&outcome=reduce_to_misdemeanor")
    assert f"approve <strong>{expected}</strong> pending" in confirm.content.decode()
    assert not Decision.objects.exists()
    done = client.post(
        "/review/bulk-approve/",
        {"upload": sample_run.upload_id, "outcome": "reduce_to_misdemeanor", "expected": expected},
        follow=True,
    )
    assert f"Approved {expected} conviction" in done.content.decode()
    assert Decision.objects.count() == expected


def test_bulk_approval_of_an_unfiltered_queue_is_refused(sample_run, attorney, client_for):
    response = client_for(attorney).get("/review/bulk-approve/", follow=True)
    assert "bulk approval acts on a filtered queue only" in response.content.decode()
    assert not Decision.objects.exists()


def test_looking_at_the_queue_is_audited_with_its_filter(sample_run, attorney, client_for):
    client_for(attorney).get("/review/?outcome=not_eligible")
    entry = AuditEntry.objects.get(event=AuditEvent.RECORD_VIEWED, detail__page="queue")
    assert entry.user == attorney and entry.detail["filters"] == {"outcome": "not_eligible"}
