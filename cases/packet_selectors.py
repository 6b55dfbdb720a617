"""What goes into a court packet: the decided convictions of an upload's current classification.

Only an attorney's decision is ever printed (an override's outcome, never a bare recommendation):
a conviction is filed when its current decision says dismiss or reduce, and challenged (notice to
the public defender) when its current decision says not eligible. Pending, stale and
needs-review convictions are left out and counted as not ready.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from typing import Any, NamedTuple

from django.db import connection
from django.http import Http404

from cases.choices import Outcome, ReviewStatus
from cases.models import Court, Determination, OfficeSettings, Packet, PacketCourt, Upload
from cases.permissions import AnyUser, can_view_records
from cases.review_queue import current_run_ids

RELIEF = (Outcome.DISMISS_AND_SEAL, Outcome.REDUCE_TO_MISDEMEANOR, Outcome.REDUCE_TO_INFRACTION)
#: States in which the current decision may go into a packet (a filed one is already at court).
PACKABLE = (ReviewStatus.APPROVED, ReviewStatus.OVERRIDDEN, ReviewStatus.IN_PACKET)
#: DOMAIN.md section 5: dismissal and sealing rest on HS 11361.8(e)-(f), or (a)-(b) for someone
#: still serving the sentence; redesignation on (e)-(f) as well. HS 11361.9 (the DOJ review that
#: brings every count before the court) is the same for every row, so an exhibit names it once,
#: under its title: in each row it pushed the basis onto a second line, doubling the exhibit's
#: pages and the time to render them.
BASIS = {
    Outcome.DISMISS_AND_SEAL: "HS 11361.8(e), (f)",
    Outcome.REDUCE_TO_MISDEMEANOR: "HS 11361.8(e), (f)",
    Outcome.REDUCE_TO_INFRACTION: "HS 11361.8(e), (f)",
}
BASIS_SERVING = "HS 11361.8(a), (b)"
#: The new disposition a court reports to DOJ, in the court CSV.
NEW_DISPOSITION = {
    Outcome.DISMISS_AND_SEAL: "DISMISSED AND SEALED PER HS 11361.8",
    Outcome.REDUCE_TO_MISDEMEANOR: "REDESIGNATED MISDEMEANOR PER HS 11361.8",
    Outcome.REDUCE_TO_INFRACTION: "REDESIGNATED INFRACTION PER HS 11361.8",
}


class DecidedRow(NamedTuple):
    """A conviction with a packable decision, as a packet prints and records it."""

    determination_id: int
    event_id: int
    decision_id: int
    #: The current decision's outcome: what is printed, never the bare recommendation.
    outcome: str
    #: The attorney's reason for the current decision (printed on a notice of challenge).
    decision_reason: str
    court: str
    #: The determination's case number, else the event's court case number.
    case_number: str
    #: The event's CNT_ORDER (the count).
    cnt_order: str
    section: str
    severity: str
    conviction_date: dt.date | None
    flags: list[str]
    reasons: list[dict[str, Any]]
    name: str
    dob: dt.date | None
    cii: str
    akas: tuple[str, ...] = ()


def decided_rows(*, upload: Upload, court_name: str = "") -> list[DecidedRow]:
    """Every conviction of the upload's current classification with a packable decision, by
    court, case number and line.

    One query of plain rows: 66,000 counts as model instances (determination, person, decision,
    event) took four times as long as the query.
    """
    runs = current_run_ids(upload=upload.pk)
    if not runs:
        return []
    sql = f"""
        SELECT d.id, d.event_id, dec.id, dec.outcome, dec.reason, d.court,
               coalesce(nullif(d.case_number, ''), e.court_case_number), e.cnt_order,
               d.section, d.severity, d.conviction_date, d.flags, d.reasons, p.name, p.dob, p.cii
        {_WITH_CURRENT_DECISION}
        JOIN cases_person p ON p.id = d.person_id
        JOIN cases_event e ON e.id = d.event_id
        {_PACKABLE} AND (%s = '' OR d.court = %s) AND dec.outcome <> %s
        ORDER BY d.court, d.case_number, d.line, d.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [runs, [s.value for s in PACKABLE], court_name, court_name, Outcome.NEEDS_REVIEW.value])
        # Django has the driver hand jsonb over as text (its JSONField decodes it). No AKAs.
        return [DecidedRow._make((*row[:12], json.loads(row[12]), *row[13:], ())) for row in cursor.fetchall()]


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


#: Determinations, each joined to its current decision `dec` (the newest).
_WITH_CURRENT_DECISION = """
        FROM cases_determination d
        JOIN LATERAL (
            SELECT id, outcome, reason FROM cases_decision
            WHERE determination_id = d.id ORDER BY decided_at DESC, id DESC LIMIT 1
        ) dec ON true"""
#: Packable ones of some runs (first parameter: run ids, second: review states).
_PACKABLE = """
        WHERE d.run_id = ANY(%s) AND d.review_status = ANY(%s)"""
_PACKABLE_WITH_CURRENT_DECISION = _WITH_CURRENT_DECISION + _PACKABLE


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
