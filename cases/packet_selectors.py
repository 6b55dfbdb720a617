"""What goes into a court packet: the decided convictions of an upload's current classification.

Only an attorney's decision is ever printed (an override's outcome, never a bare recommendation):
a conviction is filed when its current decision says dismiss or reduce, and challenged (notice to
the public defender) when its current decision says not eligible. Pending, stale and
needs-review convictions are left out and counted as not ready.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models.expressions import RawSQL
from django.http import Http404

from cases.choices import Outcome, ReviewStatus
from cases.models import Court, Decision, Determination, Event, OfficeSettings, Packet, PacketCourt, Upload
from cases.permissions import AnyUser, can_view_records
from cases.review_queue import current_run_ids

RELIEF = (Outcome.DISMISS_AND_SEAL, Outcome.REDUCE_TO_MISDEMEANOR, Outcome.REDUCE_TO_INFRACTION)
#: States in which the current decision may go into a packet (a filed one is already at court).
PACKABLE = (ReviewStatus.APPROVED, ReviewStatus.OVERRIDDEN, ReviewStatus.IN_PACKET)
#: DOMAIN.md section 5: dismissal and sealing rest on HS 11361.8(e)-(f), or (a)-(b) for someone
#: still serving the sentence; redesignation on (e)-(f) as well, 11361.9 being the DOJ review.
BASIS = {
    Outcome.DISMISS_AND_SEAL: "HS 11361.8(e), (f); HS 11361.9",
    Outcome.REDUCE_TO_MISDEMEANOR: "HS 11361.8(e), (f); HS 11361.9",
    Outcome.REDUCE_TO_INFRACTION: "HS 11361.8(e), (f); HS 11361.9",
}
BASIS_SERVING = "HS 11361.8(a), (b); HS 11361.9"
#: The new disposition a court reports to DOJ, in the court CSV.
NEW_DISPOSITION = {
    Outcome.DISMISS_AND_SEAL: "DISMISSED AND SEALED PER HS 11361.8",
    Outcome.REDUCE_TO_MISDEMEANOR: "REDESIGNATED MISDEMEANOR PER HS 11361.8",
    Outcome.REDUCE_TO_INFRACTION: "REDESIGNATED INFRACTION PER HS 11361.8",
}


@dataclass
class DecidedRow:
    determination: Determination
    decision: Decision
    event: Event
    akas: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        return self.decision.outcome


#: What a packet prints or records of a determination, its person and its current decision:
#: loading whole rows made model instances cost more than the queries (66,000 counts).
_PRINTED = (
    "id", "event_id", "person_id", "case_number", "section", "severity", "conviction_date", "court", "flags",
    "reasons", "person__name", "person__dob", "person__cii",
)  # fmt: skip
_DECISION = ("id", "determination_id", "outcome", "reason")


def decided_rows(*, upload: Upload, court_name: str = "") -> list[DecidedRow]:
    """Every conviction of the upload's current classification with a packable decision."""
    runs = current_run_ids(upload=upload.pk)
    rows = (
        Determination.objects.filter(run_id__in=runs, review_status__in=PACKABLE)
        .select_related("person")
        .only(*_PRINTED)
        .order_by("court", "case_number", "line")
    )
    if court_name:
        rows = rows.filter(court=court_name)
    determinations = list(rows)
    current = _current_decisions([d.pk for d in determinations])
    # Only what a packet prints of the row: not the verbatim line and comment of every count.
    wanted = _one_array([d.event_id for d in determinations])
    events = {e.pk: e for e in Event.objects.only("id", "court_case_number", "cnt_order").filter(pk__in=wanted)}
    found = []
    for d in determinations:
        decision = current.get(d.pk)
        if decision is not None and decision.outcome != Outcome.NEEDS_REVIEW:
            found.append(DecidedRow(determination=d, decision=decision, event=events[d.event_id]))
    return found


def _one_array(ids: list[int]) -> RawSQL:
    """`ids` for an `__in` lookup as one array parameter: Django's list puts a placeholder per id
    in the SQL, and composing and splitting that text for 66,000 ids took about a second."""
    return RawSQL("SELECT unnest(%s::bigint[])", (ids,))


def _current_decisions(ids: list[int]) -> dict[int, Decision]:
    if not ids:
        return {}
    newest = (
        Decision.objects.filter(determination_id__in=_one_array(ids))
        .only(*_DECISION)
        .order_by("determination_id", "-decided_at", "-id")
        .distinct("determination_id")
    )
    return {d.determination_id: d for d in newest}


def not_ready_count(*, upload: Upload, court_name: str = "") -> int:
    """Convictions not yet decided (pending or stale): they wait for an attorney."""
    rows = Determination.objects.filter(
        run_id__in=current_run_ids(upload=upload.pk),
        review_status__in=(ReviewStatus.PENDING, ReviewStatus.STALE),
    )
    if court_name:
        rows = rows.filter(court=court_name)
    return int(rows.count())


def decisions_fingerprint(*, upload: Upload, court_name: str = "") -> str:
    """A hash of which decisions a packet would print now; a packet built from another is outdated.

    Computed in the database (one aggregate), so a packets page stays fast on a large upload.
    """
    runs = current_run_ids(upload=upload.pk)
    if not runs:
        return ""
    sql = f"""
        SELECT md5(coalesce(string_agg(d.id || ':' || dec.id || ':' || dec.outcome, ',' ORDER BY d.id), ''))
        {_PACKABLE_WITH_CURRENT_DECISION} AND (%s = '' OR d.court = %s)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [runs, [s.value for s in PACKABLE], court_name, court_name])
        return str(cursor.fetchone()[0])


def decided_counts_by_court(*, upload: Upload) -> dict[str, dict[str, int]]:
    """Per court, what `relief_counts(decided_rows(...))` gives, in one aggregate: the packets
    page must not load every decided conviction (66,000 in Los Angeles's batch) to count them."""
    runs = current_run_ids(upload=upload.pk)
    if not runs:
        return {}
    sql = f"""
        SELECT d.court, dec.outcome, count(*)
        {_PACKABLE_WITH_CURRENT_DECISION} AND dec.outcome <> %s
        GROUP BY d.court, dec.outcome
    """
    counts: dict[str, dict[str, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [runs, [s.value for s in PACKABLE], Outcome.NEEDS_REVIEW.value])
        for court, outcome, number in cursor.fetchall():
            counts.setdefault(court, relief_counts([]))[outcome] = number
    return counts


#: Packable determinations of some runs (first parameter: run ids, second: review states), each
#: joined to its current decision `dec` (the newest, as `_current_decisions` picks it).
_PACKABLE_WITH_CURRENT_DECISION = """
        FROM cases_determination d
        JOIN LATERAL (
            SELECT id, outcome FROM cases_decision
            WHERE determination_id = d.id ORDER BY decided_at DESC, id DESC LIMIT 1
        ) dec ON true
        WHERE d.run_id = ANY(%s) AND d.review_status = ANY(%s)"""


def court_names_of(*, upload: Upload) -> list[str]:
    """The courts of an upload's current classification, as DOJ names them."""
    names = (
        Determination.objects.filter(run_id__in=current_run_ids(upload=upload.pk))
        .exclude(court="")
        .values_list("court", flat=True)
        .distinct()
        .order_by("court")
    )
    return list(names)


def office_settings() -> OfficeSettings:
    found = OfficeSettings.objects.filter(pk=1).first()
    return found if found is not None else OfficeSettings(pk=1)


#: DOJ abbreviates a superior court as CASC plus the county, with or without a space.
_SUPERIOR_COURT = re.compile(r"^CASC\s*(?P<county>.+)$", re.IGNORECASE)


def court_display_name(name: str) -> str:
    """Spell out ``CASC SAN FRANCISCO`` as the Superior Court of the county; leave any other
    agency's name as DOJ wrote it, for an administrator to correct."""
    found = _SUPERIOR_COURT.match(name.strip())
    if found is None:
        return name
    return f"Superior Court of California, County of {found.group('county').strip().title()}"


def courts_by_name(names: list[str]) -> dict[str, Court]:
    return {c.name: c for c in Court.objects.filter(name__in=names)}


def packet_get_for_user(*, user: AnyUser, pk: int) -> Packet:
    """One door: the packet or 404, never revealing that it exists to a user without a role."""
    found = (
        Packet.objects.select_related("upload", "created_by").filter(pk=pk).first() if can_view_records(user) else None
    )
    if found is None:
        raise Http404("No such packet")
    return found


def packet_courts_by_name(*, upload: Upload) -> dict[str, list[PacketCourt]]:
    """Each court's packets, newest first: a clerk's view of what was built and filed."""
    found: dict[str, list[PacketCourt]] = defaultdict(list)
    for pc in (
        PacketCourt.objects.filter(packet__upload=upload)
        .select_related("packet", "packet__created_by", "filed_by")
        .order_by("court_name", "-packet__created_at", "-packet_id")
    ):
        found[pc.court_name].append(pc)
    return found


def relief_counts(rows: list[DecidedRow]) -> dict[str, int]:
    counts = {o.value: 0 for o in (*RELIEF, Outcome.NOT_ELIGIBLE)}
    for row in rows:
        counts[row.outcome] = counts.get(row.outcome, 0) + 1
    return counts
