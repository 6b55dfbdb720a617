"""Decisions survive a reclassification where nothing changed, and go stale where it did."""

from __future__ import annotations

import pytest

from cases.choices import AuditEvent, DecisionAction, Outcome, ReviewStatus
from cases.models import AuditEntry, Decision, Determination
from cases.services.decisions import DecisionConflict, decision_record
from cases.tests.conftest import classify_in_process, values_the_planner_knows

pytestmark = pytest.mark.django_db


def _decide_all(run, attorney) -> None:
    """Approve what can be approved and override the rest, so every determination has a decision."""
    for d in Determination.objects.filter(run=run):
        if d.outcome == Outcome.NEEDS_REVIEW:
            decision_record(
                determination_id=d.pk,
                attorney=attorney,
                action=DecisionAction.OVERRIDE,
                outcome=Outcome.NOT_ELIGIBLE,
                reason="Read the file",
                expected_version=d.version,
            )
        else:
            decision_record(
                determination_id=d.pk, attorney=attorney, action=DecisionAction.APPROVE, expected_version=d.version
            )


def test_a_reclassification_under_the_same_policy_keeps_every_decision(sample_run, attorney):
    _decide_all(sample_run, attorney)
    again = classify_in_process(sample_run.upload)
    new = list(Determination.objects.filter(run=again))
    assert new and all(d.review_status in (ReviewStatus.APPROVED, ReviewStatus.OVERRIDDEN) for d in new)
    for d in new:
        carried = Decision.objects.get(determination=d)
        original = carried.carried_from
        assert original is not None
        assert original.determination_id == d.previous_id
        assert (carried.action, carried.outcome, carried.reason, carried.decided_by_id) == (
            original.action,
            original.outcome,
            original.reason,
            attorney.pk,
        )
    finished = AuditEntry.objects.filter(event=AuditEvent.CLASSIFICATION_FINISHED, object_id=str(again.pk)).get()
    assert finished.detail["decisions_carried"] == len(new) and finished.detail["stale"] == 0


def test_a_changed_recommendation_makes_its_decision_stale_and_the_rest_stay(sample_run, attorney):
    _decide_all(sample_run, attorney)
    before = {d.event_id: d for d in Determination.objects.filter(run=sample_run)}
    again = classify_in_process(sample_run.upload, slug="dismiss_all")
    changed = unchanged = 0
    for d in Determination.objects.filter(run=again):
        old = before[d.event_id]
        assert d.previous_id == old.pk
        if (d.outcome, d.reason_codes) != (old.outcome, old.reason_codes):
            changed += 1
            assert d.review_status == ReviewStatus.STALE
            assert not Decision.objects.filter(determination=d).exists()
        else:
            unchanged += 1
            assert d.review_status == old.review_status
    assert changed and unchanged, "the sample should have both kinds under dismiss_all"


def test_determinations_never_decided_stay_pending_after_reclassification(sample_run):
    again = classify_in_process(sample_run.upload, slug="dismiss_all")
    assert set(Determination.objects.filter(run=again).values_list("review_status", flat=True)) == {
        ReviewStatus.PENDING
    }
    assert not Decision.objects.exists()


def test_assignments_follow_their_convictions_into_the_new_classification(sample_run, attorney):
    Determination.objects.filter(run=sample_run).update(assigned_to=attorney)
    again = classify_in_process(sample_run.upload, slug="dismiss_all")
    assert set(Determination.objects.filter(run=again).values_list("assigned_to", flat=True)) == {attorney.pk}


def test_a_decision_on_a_replaced_classification_is_refused_as_a_conflict(sample_run, attorney):
    old = Determination.objects.filter(run=sample_run).exclude(outcome=Outcome.NEEDS_REVIEW).first()
    classify_in_process(sample_run.upload)
    with pytest.raises(DecisionConflict, match="classified again"):
        decision_record(
            determination_id=old.pk, attorney=attorney, action=DecisionAction.APPROVE, expected_version=old.version
        )
    assert not Decision.objects.filter(determination=old).exists()


def test_a_stale_determination_decided_again_is_no_longer_stale(sample_run, attorney):
    _decide_all(sample_run, attorney)
    again = classify_in_process(sample_run.upload, slug="dismiss_all")
    stale = Determination.objects.filter(run=again, review_status=ReviewStatus.STALE).first()
    decision_record(
        determination_id=stale.pk,
        attorney=attorney,
        action=DecisionAction.OVERRIDE,
        outcome=Outcome.DISMISS_AND_SEAL,
        reason="Agree with the new policy",
        expected_version=stale.version,
    )
    stale.refresh_from_db()
    assert stale.review_status == ReviewStatus.OVERRIDDEN


def _runs_the_planner_knows() -> set[int]:
    """Run ids in PostgreSQL's statistics of the determinations' run column."""
    return values_the_planner_knows("cases_determination", "run_id")


def test_a_finished_run_is_in_the_planner_statistics_before_its_decisions_are_carried_forward(sample_run):
    # Stale statistics made the planner join a new run with the old one by a nested loop: three
    # minutes for 37,000 determinations a run (docs/PERFORMANCE.md).
    assert sample_run.pk in _runs_the_planner_knows()
    again = classify_in_process(sample_run.upload)
    assert {sample_run.pk, again.pk} <= _runs_the_planner_knows()
