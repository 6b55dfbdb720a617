"""Notes, assignment by filter and bulk approval: each audited, each decision its own row."""

from __future__ import annotations

import pytest

from cases.choices import AuditEvent, DecisionAction, Outcome, ReviewStatus, RunStatus
from cases.models import AuditEntry, BulkAction, Decision, Determination, Note
from cases.review_queue import QueueFilters
from cases.services.decisions import decision_record
from cases.services.review import (
    ReviewInvalid,
    assignment_set,
    bulk_approval_count,
    bulk_approval_run,
    bulk_approval_start,
    note_add,
)

pytestmark = pytest.mark.django_db


def test_a_note_is_stored_with_its_author_and_audited(sample_run, attorney):
    d = Determination.objects.filter(run=sample_run).first()
    note = note_add(person=d.person, determination=d, author=attorney, text="  Called the PD's office.  ")
    assert note.text == "Called the PD's office." and note.author == attorney
    entry = AuditEntry.objects.get(event=AuditEvent.NOTE_ADDED)
    assert entry.object_id == str(d.pk) and entry.detail["text"] == "Called the PD's office."


def test_an_empty_note_is_refused_and_nothing_is_written(sample_run, attorney):
    d = Determination.objects.filter(run=sample_run).first()
    with pytest.raises(ReviewInvalid, match="needs some text"):
        note_add(person=d.person, determination=d, author=attorney, text="   ")
    assert not Note.objects.exists() and not AuditEntry.objects.filter(event=AuditEvent.NOTE_ADDED).exists()


def test_a_note_about_another_persons_determination_is_refused(sample_run, attorney):
    first, other = Determination.objects.filter(run=sample_run).order_by("person_id").distinct("person_id")[:2]
    with pytest.raises(ReviewInvalid):
        note_add(person=first.person, determination=other, author=attorney, text="x")


def test_assigning_a_filter_gives_exactly_its_rows_to_the_attorney(sample_run, attorney, administrator):
    filters = QueueFilters(upload=sample_run.upload_id, outcome=Outcome.NOT_ELIGIBLE)
    expected = Determination.objects.filter(run=sample_run, outcome=Outcome.NOT_ELIGIBLE).count()
    assert assignment_set(filters=filters, assignee=attorney, by=administrator) == expected
    assert Determination.objects.filter(assigned_to=attorney).count() == expected
    assert not Determination.objects.filter(assigned_to=attorney).exclude(outcome=Outcome.NOT_ELIGIBLE).exists()
    entry = AuditEntry.objects.get(event=AuditEvent.ASSIGNED)
    assert entry.detail == {"filters": filters.as_params(), "count": expected, "assignee": "attorney"}
    mine = QueueFilters(upload=sample_run.upload_id, assignee="me")
    from cases.review_queue import review_queue

    assert review_queue(user=attorney, filters=mine).count() == expected


def test_a_clerk_cannot_be_given_cases(sample_run, clerk, administrator):
    with pytest.raises(ReviewInvalid, match="not an attorney"):
        assignment_set(filters=QueueFilters(upload=sample_run.upload_id), assignee=clerk, by=administrator)
    assert not Determination.objects.filter(assigned_to=clerk).exists()


def test_unassigning_takes_the_cases_back(sample_run, attorney, administrator):
    filters = QueueFilters(upload=sample_run.upload_id)
    assignment_set(filters=filters, assignee=attorney, by=administrator)
    assignment_set(filters=filters, assignee=None, by=administrator)
    assert not Determination.objects.filter(assigned_to__isnull=False).exists()


def test_bulk_approval_decides_each_pending_recommendation_but_not_needs_review(sample_run, attorney):
    filters = QueueFilters(upload=sample_run.upload_id)
    rows = Determination.objects.filter(run=sample_run)
    approvable = rows.exclude(outcome=Outcome.NEEDS_REVIEW)
    assert rows.filter(outcome=Outcome.NEEDS_REVIEW).exists(), "the sample should include needs review"
    expected = approvable.count()
    assert bulk_approval_count(user=attorney, filters=filters) == expected
    bulk = bulk_approval_start(user=attorney, filters=filters, expected=expected)
    assert bulk.status == RunStatus.DONE and bulk.approved == expected and bulk.skipped == 0
    assert Decision.objects.filter(bulk=bulk, action=DecisionAction.APPROVE).count() == expected
    for d in approvable:
        assert d.review_status == ReviewStatus.APPROVED and d.version == 2
        assert d.decisions.get().outcome == d.outcome
    assert not rows.filter(outcome=Outcome.NEEDS_REVIEW).exclude(review_status=ReviewStatus.PENDING).exists()
    audited = AuditEntry.objects.filter(event=AuditEvent.DECISION_RECORDED, detail__bulk=bulk.pk)
    assert audited.count() == expected
    assert AuditEntry.objects.filter(event=AuditEvent.BULK_APPROVAL_FINISHED, object_id=str(bulk.pk)).exists()


def test_bulk_approval_leaves_what_was_decided_alone(sample_run, attorney):
    filters = QueueFilters(upload=sample_run.upload_id, outcome=Outcome.REDUCE_TO_MISDEMEANOR)
    first = Determination.objects.filter(run=sample_run, outcome=Outcome.REDUCE_TO_MISDEMEANOR).first()
    decision_record(
        determination_id=first.pk,
        attorney=attorney,
        action=DecisionAction.OVERRIDE,
        outcome=Outcome.DISMISS_AND_SEAL,
        reason="Policy",
        expected_version=first.version,
    )
    count = bulk_approval_count(user=attorney, filters=filters)
    bulk = bulk_approval_start(user=attorney, filters=filters, expected=count)
    first.refresh_from_db()
    assert first.review_status == ReviewStatus.OVERRIDDEN and first.decisions.count() == 1
    assert bulk.approved == count


def test_bulk_approval_refuses_when_the_count_changed_since_confirmation(sample_run, attorney):
    filters = QueueFilters(upload=sample_run.upload_id)
    count = bulk_approval_count(user=attorney, filters=filters)
    with pytest.raises(ReviewInvalid, match=f"now holds {count}"):
        bulk_approval_start(user=attorney, filters=filters, expected=count + 1)
    assert not BulkAction.objects.exists() and not Decision.objects.exists()


def test_a_clerk_cannot_approve_in_bulk(sample_run, clerk):
    filters = QueueFilters(upload=sample_run.upload_id)
    with pytest.raises(ReviewInvalid):
        bulk_approval_start(user=clerk, filters=filters, expected=bulk_approval_count(user=clerk, filters=filters))
    assert not Decision.objects.exists()


def test_running_a_bulk_approval_twice_decides_each_row_once(sample_run, attorney):
    filters = QueueFilters(upload=sample_run.upload_id)
    count = bulk_approval_count(user=attorney, filters=filters)
    bulk = bulk_approval_start(user=attorney, filters=filters, expected=count)
    BulkAction.objects.filter(pk=bulk.pk).update(status=RunStatus.CLASSIFYING)  # as if redelivered
    bulk_approval_run(bulk_id=bulk.pk)
    assert Decision.objects.count() == count
