from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from cases.adapters import ENGINE_FIELDS, histories_for
from cases.choices import RunStatus
from cases.models import ClassificationChunk, ClassificationRun, Determination, Event, Person
from cases.selectors import classification_difference
from cases.services.classify import classification_run_chunk
from cases.services.ingest import upload_ingest
from cases.services.uploads import upload_receive_path
from cases.tests.conftest import classify_in_process, sample
from clearance.doj.synthetic import generate
from clearance.eligibility.from_doj import ENGINE_STEPS, EngineCells, history_of, row_from_event
from clearance.eligibility.policies import PRESETS, evaluate_each

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2019, 11, 11)


def _ingested(path, county="SACRAMENTO"):
    upload, _ = upload_receive_path(path=path, user=None, county=county, queue=False)
    return upload_ingest(upload_id=upload.pk)


def _classify(upload, slug="statutory", as_of=AS_OF):
    return classify_in_process(upload, slug, as_of)


@pytest.fixture
def generated(tmp_path):
    path = tmp_path / "gen.dat"
    with path.open("wb") as out:
        generate(out, rows=6_000, seed=5, county="SAN FRANCISCO")
    return _ingested(path, county="SAN FRANCISCO")


def test_the_engine_decides_the_same_from_the_rows_it_reads_as_from_every_row_of_a_person(generated):
    # One person's DOB only on rows the engine does not read: their history still has it.
    convicted = Event.objects.filter(upload=generated, is_conviction=True, county="SAN FRANCISCO")
    dob_elsewhere = convicted.values_list("person_id", flat=True).first()
    assert dob_elsewhere is not None
    Event.objects.filter(person_id=dob_elsewhere).exclude(step_type="ARREST/DETAINED/CITED").update(dob=None)
    every_row: dict[int, list] = {}  # type: ignore[type-arg]
    for event_id, line, person_id, *values in Event.objects.filter(upload=generated).values_list(
        "id", "line", "person_id", *ENGINE_FIELDS
    ):
        every_row.setdefault(person_id, []).append(row_from_event(EngineCells(*values), row_id=event_id, line=line))
    people = Person.objects.filter(upload=generated).values_list("id", flat=True)
    read = histories_for(people)
    left_out = {r.step_type for history in every_row.values() for r in history} - set(ENGINE_STEPS)
    for person, history in read:
        whole = history_of(person.subject_id, every_row[person.pk], incomplete=person.incomplete)
        assert {r.id for r in history.rows} == {
            r.id for r in whole.rows if r.is_conviction or r.step_type in ENGINE_STEPS
        }
        assert history.dob == whole.dob
        if person.pk == dob_elsewhere:
            assert whole.dob is not None and not any(r.dob for r in history.rows)
        assert evaluate_each(history, county="SAN FRANCISCO", policies=tuple(PRESETS.values()), as_of=AS_OF) == (
            evaluate_each(whole, county="SAN FRANCISCO", policies=tuple(PRESETS.values()), as_of=AS_OF)
        )
    # The file has rows the engine does not read, deaths and registrations it does.
    assert left_out and sum(len(h.rows) for _, h in read) < sum(len(rows) for rows in every_row.values())
    assert {step for _, h in read for step in (r.step_type for r in h.rows)} >= set(ENGINE_STEPS)


def test_every_cannabis_conviction_in_the_county_gets_one_determination(generated):
    run = _classify(generated)
    assert run.status == RunStatus.DONE and run.people_done == run.people_total == generated.subject_count
    determined = set(Determination.objects.filter(run=run).values_list("event_id", flat=True))
    convicted_here = Event.objects.filter(upload=generated, is_conviction=True, county="SAN FRANCISCO")
    assert determined <= set(convicted_here.values_list("id", flat=True))
    assert run.figures["candidates"] == len(determined) > 0
    for d in Determination.objects.filter(run=run)[:200]:
        assert d.reasons and d.reasons[0]["code"] == d.reason_codes[0]
        assert d.section.startswith("HS 1135") or d.section.startswith("HS 11360")


def test_figures_agree_with_the_determinations(generated):
    run = _classify(generated)
    rows = Determination.objects.filter(run=run)
    counted = Counter(rows.values_list("outcome", flat=True))
    assert {k: v for k, v in run.figures["outcomes"].items() if v} == dict(counted)
    assert sum(cell["candidates"] for cell in run.figures["by_section"].values()) == rows.count()
    assert sum(run.figures["by_reason"].values()) == rows.count()
    relieved_people = set(
        rows.filter(outcome__in=["dismiss_and_seal", "reduce_to_misdemeanor", "reduce_to_infraction"]).values_list(
            "person_id", flat=True
        )
    )
    assert run.figures["people_with_relief"] == len(relieved_people)
    for dimension in ("race", "gender", "age_band"):
        cells = run.figures["equity"][dimension].values()
        assert sum(c["candidates"] for c in cells) == rows.count()
    dismiss_all = run.figures["impact"]["dismiss_all"]
    policy = run.figures["impact"]["policy"]
    for key in policy:
        assert dismiss_all[key] >= policy[key]  # dismiss_all never relieves less than the statute


def test_a_chunk_run_twice_gives_the_same_rows_and_counts_once(generated):
    run = _classify(generated)
    chunk = ClassificationChunk.objects.filter(run=run).first()
    before = sorted(Determination.objects.filter(run=run).values_list("event_id", "outcome", "reason_codes"))
    figures = ClassificationRun.objects.get(pk=run.pk).figures
    classification_run_chunk(chunk_id=chunk.pk)
    after = sorted(Determination.objects.filter(run=run).values_list("event_id", "outcome", "reason_codes"))
    run.refresh_from_db()
    assert after == before
    assert run.people_done == run.people_total
    assert run.figures == figures


def test_reclassifying_keeps_the_earlier_run_and_reports_the_difference(generated):
    statute = _classify(generated)
    generous = _classify(generated, slug="dismiss_all")
    assert Determination.objects.filter(run=statute).count() == Determination.objects.filter(run=generous).count()
    diff = classification_difference(before=statute, after=generous)
    old = dict(Determination.objects.filter(run=statute).values_list("event_id", "outcome"))
    new = dict(Determination.objects.filter(run=generous).values_list("event_id", "outcome"))
    assert diff["changed"] == sum(1 for k in old if old[k] != new[k])
    assert all(change["to"] == "dismiss_and_seal" for change in diff["changes"])


def test_a_quarantined_persons_candidates_go_to_review():
    upload = _ingested(sample("bear_bad_field_count.dat"))
    run = _classify(upload)
    incomplete = Determination.objects.filter(run=run, person__incomplete=True)
    assert incomplete.exists()
    assert all(d.outcome == "needs_review" and d.reason_codes[0] == "INCOMPLETE_RECORD" for d in incomplete)
