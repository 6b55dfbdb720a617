"""Quality sampling: a random share of decided convictions reviewed again, independently.

The draw is reproducible (its seed is stored). The engine's outcome and the first decision are
frozen when drawn, so later changes cannot rewrite what the second reviewer was compared with.
A second reviewer never reviews their own first decision.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cases.choices import AuditEvent, Outcome
from cases.models import Decision, Determination, QualitySample, SecondReview, Upload
from cases.review_queue import current_run_ids
from cases.services.audit import audit_record
from cases.services.classify import DECIDED
from cases.services.decisions import FINAL_OUTCOMES


class SampleInvalid(ValueError):
    """The sample or second review cannot be recorded as asked; the message says why."""


def sample_draw(
    *, user: User, percentage: Decimal, upload: Upload | None = None, seed: int | None = None
) -> QualitySample:
    if not Decimal("0") < percentage <= Decimal("100"):
        raise SampleInvalid("the percentage must be more than 0 and at most 100")
    candidates = Determination.objects.filter(
        run_id__in=current_run_ids(upload=upload.pk if upload else None), review_status__in=DECIDED
    )
    ids = sorted(candidates.values_list("id", flat=True))
    if not ids:
        raise SampleInvalid("nothing has been decided yet, so there is nothing to sample")
    seed = seed if seed is not None else random.SystemRandom().randrange(2**62)
    size = max(1, round(len(ids) * float(percentage) / 100))
    chosen = sorted(random.Random(seed).sample(ids, size))
    first = {
        d.determination_id: d
        for d in Decision.objects.filter(determination_id__in=chosen)
        .order_by("determination_id", "-decided_at", "-id")
        .distinct("determination_id")
    }
    outcomes = dict(Determination.objects.filter(pk__in=chosen).values_list("id", "outcome"))
    with transaction.atomic():
        sample = QualitySample.objects.create(upload=upload, percentage=percentage, drawn_by=user, seed=seed)
        SecondReview.objects.bulk_create(
            SecondReview(
                sample=sample,
                determination_id=pk,
                first_decision=first[pk],
                engine_outcome=outcomes[pk],
                first_outcome=first[pk].outcome,
            )
            for pk in chosen
            if pk in first
        )
        audit_record(
            event=AuditEvent.SAMPLE_DRAWN,
            user=user,
            obj=sample,
            detail={"percentage": str(percentage), "drawn": size, "of": len(ids), "seed": seed},
        )
    return sample


def second_review_record(*, review: SecondReview, reviewer: User, outcome: str, reason: str = "") -> SecondReview:
    if outcome not in FINAL_OUTCOMES:
        raise SampleInvalid(f"outcome must be one of {', '.join(sorted(FINAL_OUTCOMES))}")
    with transaction.atomic():
        locked = SecondReview.objects.select_for_update().select_related("first_decision").get(pk=review.pk)
        if locked.reviewed_at is not None:
            raise SampleInvalid("this conviction has had its second review already")
        if locked.first_decision.decided_by_id == reviewer.pk:
            raise SampleInvalid("a second review must be made by someone other than the first reviewer")
        if outcome != locked.first_outcome and not reason.strip():
            raise SampleInvalid("say why you disagree with the first decision")
        locked.second_outcome, locked.second_reason = outcome, reason.strip()
        locked.reviewer, locked.reviewed_at = reviewer, timezone.now()
        locked.save(update_fields=["second_outcome", "second_reason", "reviewer", "reviewed_at"])
        audit_record(
            event=AuditEvent.SECOND_REVIEW_RECORDED,
            user=reviewer,
            obj=locked.determination,
            detail={
                "sample": locked.sample_id,
                "engine": locked.engine_outcome,
                "first": locked.first_outcome,
                "second": outcome,
                "reason": locked.second_reason,
            },
        )
    return locked


def agreement_by_week() -> list[dict[str, object]]:
    """Agreement rates per week of second review: engine vs first, first vs second, engine vs second."""
    from collections import defaultdict

    weeks: dict[object, list[SecondReview]] = defaultdict(list)
    for review in SecondReview.objects.exclude(reviewed_at=None).order_by("reviewed_at"):
        assert review.reviewed_at is not None
        local = timezone.localtime(review.reviewed_at).date()
        weeks[local - dt.timedelta(days=local.weekday())].append(review)
    found = []
    for week, reviews in sorted(weeks.items()):
        n = len(reviews)
        found.append(
            {
                "week": week,
                "reviewed": n,
                "engine_first": _rate(sum(r.engine_outcome == r.first_outcome for r in reviews), n),
                "first_second": _rate(sum(r.first_outcome == r.second_outcome for r in reviews), n),
                "engine_second": _rate(sum(r.engine_outcome == r.second_outcome for r in reviews), n),
            }
        )
    return found


def _rate(agree: int, total: int) -> float:
    return round(100 * agree / total, 1) if total else 0.0


OUTCOME_CHOICES = [(o.value, o.label) for o in Outcome if o.value in FINAL_OUTCOMES]
