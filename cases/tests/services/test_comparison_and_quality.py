"""Policy comparison never touches review; quality samples are reproducible and independent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import DecisionAction, Outcome, RunStatus
from cases.models import Decision, Determination, SecondReview
from cases.services.comparison import comparison_run, comparison_start
from cases.services.decisions import decision_record
from cases.services.policies import policy_get_current
from cases.services.quality import SampleInvalid, agreement_by_week, sample_draw, second_review_record
from cases.tests.conftest import approve_everything, classify_in_process

pytestmark = pytest.mark.django_db


def test_a_comparison_matches_what_classification_under_each_policy_gives(sample_run, attorney):
    statutory, everything = policy_get_current(slug="statutory"), policy_get_current(slug="dismiss_all")
    started = comparison_start(
        upload=sample_run.upload, policy_a=statutory, policy_b=everything, as_of=sample_run.as_of, user=attorney
    )
    before = (Determination.objects.count(), Decision.objects.count())
    with CaptureQueriesContext(connection) as queries:
        done = comparison_run(comparison_id=started.pk)
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert all("cases_policycomparison" in sql for sql in writes), writes
    assert (Determination.objects.count(), Decision.objects.count()) == before
    assert done.status == RunStatus.DONE and done.people_done == done.people_total > 0
    # Computed independently: classify under each policy and count the stored outcomes.
    other = classify_in_process(sample_run.upload, slug="dismiss_all", as_of=sample_run.as_of)
    for side, run in (("a", sample_run), ("b", other)):
        stored: dict[str, int] = {}
        for outcome in Determination.objects.filter(run=run).values_list("outcome", flat=True):
            stored[outcome] = stored.get(outcome, 0) + 1
        assert done.result[side]["outcomes"] == stored
        assert done.result[side]["impact"] == run.figures["impact"]["policy"]
    changed = sum(c["count"] for c in done.result["changes"])
    old = dict(Determination.objects.filter(run=sample_run).values_list("event_id", "outcome"))
    new = dict(Determination.objects.filter(run=other).values_list("event_id", "outcome"))
    assert changed == sum(old[e] != new[e] for e in old) > 0


def test_comparing_a_policy_with_itself_is_refused(sample_run, attorney):
    same = policy_get_current(slug="statutory")
    with pytest.raises(ValueError, match="two different"):
        comparison_start(
            upload=sample_run.upload, policy_a=same, policy_b=same, as_of=dt.date(2020, 1, 1), user=attorney
        )


@pytest.fixture
def decided(sample_run, attorney):  # type: ignore[no-untyped-def]
    approve_everything(sample_run, attorney)
    return sample_run


def test_a_sample_is_the_share_asked_for_reproducible_from_its_seed(decided, administrator):
    decided_count = Determination.objects.filter(run=decided).exclude(review_status="pending").count()
    first = sample_draw(user=administrator, percentage=Decimal("50"), seed=42)
    again = sample_draw(user=administrator, percentage=Decimal("50"), seed=42)
    assert first.reviews.count() == round(decided_count / 2)
    assert list(first.reviews.values_list("determination_id", flat=True)) == list(
        again.reviews.values_list("determination_id", flat=True)
    )
    for review in first.reviews.select_related("determination", "first_decision"):
        assert review.engine_outcome == review.determination.outcome
        assert review.first_outcome == review.first_decision.outcome


def test_a_sample_of_nothing_decided_is_refused(sample_run, administrator):
    with pytest.raises(SampleInvalid, match="nothing has been decided"):
        sample_draw(user=administrator, percentage=Decimal("10"))


def test_the_first_reviewer_cannot_give_the_second_review(decided, attorney, make_user):
    from cases.choices import Role

    sample = sample_draw(user=attorney, percentage=Decimal("100"), seed=1)
    review = sample.reviews.all()[0]
    with pytest.raises(SampleInvalid, match="someone other"):
        second_review_record(review=review, reviewer=attorney, outcome=review.first_outcome)
    second = make_user("second", Role.ATTORNEY)
    with pytest.raises(SampleInvalid, match="say why"):
        other = next(o for o in (Outcome.NOT_ELIGIBLE, Outcome.DISMISS_AND_SEAL) if o != review.first_outcome)
        second_review_record(review=review, reviewer=second, outcome=other)
    second_review_record(review=review, reviewer=second, outcome=review.first_outcome)
    assert SecondReview.objects.get(pk=review.pk).second_outcome == review.first_outcome


def test_agreement_rates_count_each_pair_of_reviewers(decided, attorney, make_user):
    from cases.choices import Role

    second = make_user("second", Role.ATTORNEY)
    target = Determination.objects.filter(run=decided, outcome=Outcome.REDUCE_TO_MISDEMEANOR).first()
    decision_record(
        determination_id=target.pk,
        attorney=attorney,
        action=DecisionAction.OVERRIDE,
        outcome=Outcome.DISMISS_AND_SEAL,
        reason="Policy",
        expected_version=Determination.objects.get(pk=target.pk).version,
    )
    sample = sample_draw(user=attorney, percentage=Decimal("100"), seed=3)
    reviews = list(sample.reviews.all())
    for review in reviews:
        agree = review.determination_id != target.pk
        outcome = review.first_outcome if agree else review.engine_outcome
        second_review_record(review=review, reviewer=second, outcome=outcome, reason="" if agree else "Statute")
    (week,) = agreement_by_week()
    n = len(reviews)
    assert week["reviewed"] == n
    assert week["engine_first"] == round(100 * (n - 1) / n, 1)
    assert week["first_second"] == round(100 * (n - 1) / n, 1)
    assert week["engine_second"] == 100.0
