"""Classifying an upload: fan out chunks of people to Celery, store determinations, sum figures.

Idempotent by construction: a chunk deletes and rewrites its own determinations in one
transaction, and marks itself done only once, so a chunk run twice (a redelivered task) yields
the same rows and counts once. Runs accumulate; nothing of an earlier run is touched.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, NamedTuple

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from psycopg.types.json import Jsonb

from cases.adapters import engine_policy, histories_for
from cases.choices import AuditEvent, ReviewStatus, RunStatus, UploadStatus
from cases.models import ClassificationChunk, ClassificationRun, Determination, Person, Upload
from cases.models import Policy as PolicyRecord
from cases.services.audit import audit_record
from cases.services.figures import chunk_figures, merge_figures, run_figures
from clearance.collector import fewer_collections
from clearance.eligibility import types as engine
from clearance.eligibility.policies import PRESETS, Policy, evaluate_each
from clearance.eligibility.statute import RULES_VERSION, Conviction, cannabis_section, convictions_of
from clearance.eligibility.types import Outcome, PersonHistory, Row

log = logging.getLogger(__name__)

CHUNK_PEOPLE = 500
#: A chunk's histories and results live until it is written and form no cycles; collecting the
#: youngest generation every 100,000 allocations rather than 700 made a chunk about 10 % faster.
CHUNK_GC_THRESHOLD = 100_000


def classification_start(
    *, upload: Upload, policy: PolicyRecord, as_of: dt.date, user: User | None = None, queue: bool = True
) -> ClassificationRun:
    """Create a run with its chunks; queue one task per chunk once the run commits."""
    if upload.status != UploadStatus.INGESTED:
        raise ValueError(f"upload {upload.pk} is {upload.status}, not ingested: it cannot be classified yet")
    person_ids = list(Person.objects.filter(upload=upload).order_by("id").values_list("id", flat=True))
    with transaction.atomic():
        run = ClassificationRun.objects.create(
            upload=upload,
            policy=policy,
            as_of=as_of,
            rules_version=RULES_VERSION,
            status=RunStatus.CLASSIFYING,
            people_total=len(person_ids),
            started_by=user,
        )
        chunks = [
            ClassificationChunk(run=run, index=i, person_ids=person_ids[start : start + CHUNK_PEOPLE])
            for i, start in enumerate(range(0, len(person_ids), CHUNK_PEOPLE))
        ]
        ClassificationChunk.objects.bulk_create(chunks)
        run.chunks_total = len(chunks)
        run.save(update_fields=["chunks_total"])
        audit_record(
            event=AuditEvent.CLASSIFICATION_STARTED,
            user=user,
            obj=run,
            detail={
                "upload": upload.pk,
                "policy": policy.slug,
                "version": policy.version,
                "as_of": as_of.isoformat(),
                "people": len(person_ids),
            },
        )
        if not chunks:
            _finish(run)
        elif queue:
            from cases.tasks import classify_chunk

            ids = [c.pk for c in ClassificationChunk.objects.filter(run=run).order_by("index")]
            transaction.on_commit(lambda: [classify_chunk.delay(chunk_id) for chunk_id in ids])
    return run


def _case_numbers(wanted: set[tuple[int, str]]) -> dict[tuple[int, str], tuple[str, str]]:
    """Court and numbers of the cases candidates belong to, by (person, case key): only those,
    a tenth of the chunk's cases, in one query through the (person, key) index."""
    if not wanted:
        return {}
    people, keys = zip(*wanted, strict=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.person_id, c.key, c.court, c.case_numbers FROM cases_case AS c"
            " JOIN unnest(%s::bigint[], %s::text[]) AS wanted (person_id, key) USING (person_id, key)",
            [list(people), list(keys)],
        )
        return {(pid, key): (court, ", ".join(numbers)) for pid, key, court, numbers in cursor.fetchall()}


class _Evaluated(NamedTuple):
    person: Person
    history: PersonHistory
    #: Grouped once for the engine, for finding candidates' rows and for the impact figures.
    convictions: list[Conviction]
    results: list[engine.Determination]
    #: Each candidate row's outcome under `dismiss_all`, for the impact figures.
    dismiss_all: dict[int, Outcome]
    #: The convictions' rows by id: every candidate is one.
    rows: dict[int, Row]


def _evaluate(run: ClassificationRun, policy: Policy, person: Person, history: PersonHistory) -> _Evaluated:
    convictions = convictions_of(history)
    results, generous = evaluate_each(
        history,
        county=run.upload.county,
        policies=(policy, PRESETS["dismiss_all"]),
        as_of=run.as_of,
        convictions=convictions,
    )
    rows = {c.row.id: c.row for c in convictions}
    return _Evaluated(person, history, convictions, results, {d.row_id: d.outcome for d in generous}, rows)


class NewDetermination(NamedTuple):
    """A determination as it is copied into cases_determination (its columns, in `_COPY_COLUMNS`
    order): building a model instance per row cost more than the COPY itself."""

    run_id: int
    upload_id: int
    person_id: int
    event_id: int
    line: int
    outcome: str
    suggested_outcome: str
    dismiss_all_outcome: str
    reasons: list[dict[str, Any]]
    reason_codes: list[str]
    flags: list[str]
    section: str
    section_number: str
    severity: str
    conviction_date: dt.date | None
    court: str
    case_number: str
    version: int
    review_status: str


_COPY_COLUMNS = NewDetermination._fields
_FIRST_VERSION = Determination._meta.get_field("version").get_default()
_NOT_REVIEWED = Determination._meta.get_field("review_status").get_default()


def _determinations_for(
    run: ClassificationRun, evaluated: _Evaluated, cases: dict[tuple[int, str], tuple[str, str]]
) -> list[NewDetermination]:
    person, results, dismiss_all, rows = evaluated.person, evaluated.results, evaluated.dismiss_all, evaluated.rows
    made = []
    for result in results:
        row = rows[result.row_id]
        section = cannabis_section(row)
        court, numbers = cases.get((person.pk, row.case_key), ("", ""))
        made.append(NewDetermination(
            run_id=run.pk, upload_id=run.upload_id, person_id=person.pk, event_id=row.id, line=row.line,
            outcome=result.outcome.value,
            suggested_outcome=result.suggested_outcome.value if result.suggested_outcome else "",
            dismiss_all_outcome=dismiss_all.get(row.id, result.outcome).value,
            reasons=[{"code": r.code, "text": r.text, "cites": r.cites, "evidence": list(r.evidence)}
                     for r in result.reasons],
            reason_codes=[r.code for r in result.reasons],
            flags=sorted(f.value for f in result.flags),
            section=str(section) if section else row.charge.raw,
            section_number=section.number if section else "",
            severity=row.severity.value, conviction_date=row.conviction_date,
            court=court or "", case_number=numbers, version=_FIRST_VERSION, review_status=_NOT_REVIEWED,
        ))  # fmt: skip
    return made


def _copy_determinations(determinations: list[NewDetermination]) -> None:
    """COPY instead of bulk_create: building one huge INSERT took longer than classifying the chunk."""
    cursor = connection.cursor().cursor  # the psycopg cursor under Django's wrapper
    with cursor.copy(f"COPY cases_determination ({', '.join(_COPY_COLUMNS)}) FROM STDIN") as copy:
        for d in determinations:
            copy.write_row((*d[:8], Jsonb(d.reasons), *d[9:]))  # reasons, the ninth column, as jsonb


def classification_run_chunk(*, chunk_id: int) -> None:
    """Classify one chunk of people. Running it again rewrites the same rows and counts once."""
    chunk = ClassificationChunk.objects.select_related("run__upload", "run__policy").get(pk=chunk_id)
    run = chunk.run
    with fewer_collections(CHUNK_GC_THRESHOLD):
        loaded = histories_for(chunk.person_ids)
        policy = engine_policy(run.policy)  # validated once per chunk, not once per person
        evaluated = [_evaluate(run, policy, person, history) for person, history in loaded]
        cases = _case_numbers({(e.person.pk, e.rows[r.row_id].case_key) for e in evaluated for r in e.results})
        determinations = [made for e in evaluated for made in _determinations_for(run, e, cases)]
        figures = chunk_figures(
            run=run, loaded=[(e.person, e.history, e.convictions) for e in evaluated], determinations=determinations
        )
    with transaction.atomic():
        earlier = Determination.objects.filter(run=run, person_id__in=chunk.person_ids)
        # Only a chunk run again has rows to replace. Asking first spares the first run the
        # ORM's delete, which looks for dependent rows in five tables (a sixth of a chunk's time).
        if earlier.exists():
            earlier.delete()
        _copy_determinations(determinations)
        first_time = ClassificationChunk.objects.filter(pk=chunk.pk, done=False).update(done=True, figures=figures)
        if first_time:
            ClassificationRun.objects.filter(pk=run.pk).update(people_done=F("people_done") + len(chunk.person_ids))
        remaining = ClassificationChunk.objects.filter(run=run, done=False).exists()
        if not remaining:
            # Lock the run so exactly one chunk finishes it.
            locked = ClassificationRun.objects.select_for_update().get(pk=run.pk)
            if locked.status == RunStatus.CLASSIFYING:
                _finish(locked)


#: A determination "changed" when its outcome or its reasons did: either may change what an
#: attorney would decide. Reason texts alone (dates, ages) do not count.
_CARRY_FORWARD = """
UPDATE cases_determination AS new
SET previous_id = old.id,
    assigned_to_id = old.assigned_to_id,
    review_status = CASE
        WHEN old.review_status = ANY(%(decided)s)
             AND new.outcome = old.outcome AND new.reason_codes = old.reason_codes THEN old.review_status
        WHEN old.review_status = ANY(%(decided)s) OR old.review_status = %(stale)s THEN %(stale)s
        ELSE new.review_status
    END
FROM cases_determination AS old
WHERE new.run_id = %(run)s AND old.run_id = %(previous)s AND old.event_id = new.event_id
"""

#: The carried decision repeats the attorney's own: same action, outcome, reason, person and time.
_CARRY_DECISIONS = """
INSERT INTO cases_decision
    (determination_id, action, outcome, reason, decided_by_id, decided_at, determination_version, carried_from_id)
SELECT DISTINCT ON (new.id)
    new.id, d.action, d.outcome, d.reason, d.decided_by_id, d.decided_at, new.version, d.id
FROM cases_determination AS new
JOIN cases_decision AS d ON d.determination_id = new.previous_id
WHERE new.run_id = %(run)s AND new.review_status = ANY(%(decided)s)
ORDER BY new.id, d.decided_at DESC, d.id DESC
"""


#: Review states that hold a current decision. A conviction already in a packet, filed or ruled
#: on keeps that state when its recommendation is unchanged: the court process goes on.
DECIDED = (
    ReviewStatus.APPROVED,
    ReviewStatus.OVERRIDDEN,
    ReviewStatus.IN_PACKET,
    ReviewStatus.FILED,
    ReviewStatus.GRANTED,
    ReviewStatus.DENIED,
)


def _carry_decisions_forward(run: ClassificationRun) -> dict[str, int]:
    """Decisions made on the run this one replaces stay with their convictions.

    Where the recommendation is unchanged the decision is repeated on the new determination
    (a new row pointing at the original: decisions stay append-only); where it changed, the
    determination is marked stale and returns to the queue with the old decision in view.
    Assignments follow their convictions either way.
    """
    previous = (
        ClassificationRun.objects.filter(upload_id=run.upload_id, status=RunStatus.DONE)
        .exclude(pk=run.pk)
        .order_by("-created_at", "-id")
        .values_list("id", flat=True)
        .first()
    )
    if previous is None:
        return {}
    params: dict[str, int | str | list[str]] = {
        "run": run.pk,
        "previous": previous,
        "decided": [status.value for status in DECIDED],
        "stale": ReviewStatus.STALE.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(_CARRY_FORWARD, params)
        cursor.execute(_CARRY_DECISIONS, params)
        carried = cursor.rowcount
    stale = Determination.objects.filter(run=run, review_status=ReviewStatus.STALE).count()
    return {"replaces_run": previous, "decisions_carried": carried, "stale": stale}


def _finish(run: ClassificationRun) -> None:
    # Serialise with decisions on the run being replaced (see lock_upload_for_decisions).
    Upload.objects.select_for_update().filter(pk=run.upload_id).values_list("id").get()
    # The run's rows were just copied in. With statistics from before them the planner expects
    # none: carrying decisions forward then joined the two runs by a nested loop over the run
    # index, three minutes for 37,000 determinations a run instead of a fraction of a second;
    # the review screens' first queries on the run would be planned from the same stale figures.
    # Sampling the run column costs about 0.15 s on 775,000 determinations.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_determination (run_id)")
    carried = _carry_decisions_forward(run)
    totals: dict[str, Any] = {}
    for figures in ClassificationChunk.objects.filter(run=run).values_list("figures", flat=True):
        totals = merge_figures(totals, figures)
    run.figures = run_figures(run=run, people=totals)
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.people_done = run.people_total
    run.save(update_fields=["figures", "status", "finished_at", "people_done"])
    audit_record(
        event=AuditEvent.CLASSIFICATION_FINISHED,
        obj=run,
        detail={
            "candidates": run.figures.get("candidates", 0),
            "outcomes": run.figures.get("outcomes", {}),
            **carried,
        },
    )


def classification_mark_failed(*, run_id: int, failure: str) -> None:
    with transaction.atomic():
        run = ClassificationRun.objects.select_for_update().get(pk=run_id)
        if run.status == RunStatus.DONE:
            return
        run.status = RunStatus.FAILED
        run.failure = failure[:2000]
        run.save(update_fields=["status", "failure"])
