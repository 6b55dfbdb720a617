"""The review queue: which determinations an attorney sees, filtered, searched and sorted.

The filters live in the URL (``QueueFilters.from_params`` / ``query_string``), so a queue can be
shared, and the same filter selects what a bulk approval or an assignment acts on. Only the
newest finished classification of each upload is ever in the queue.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.db.models import Count, F, Q, QuerySet
from django.http import QueryDict

from cases.choices import Flag, Outcome, ReviewStatus, RunStatus, Severity
from cases.models import ClassificationRun, Determination, Person
from cases.permissions import AnyUser, can_view_records

#: Sort keys offered to users; each ends with unique columns so keyset paging is exact.
#: A queue holds one run per upload, and a line is unique in an upload, so (run_id, line) is
#: unique and follows the index determination_run_line.
SORTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "file": ("File order", ("run_id", "line")),
    "name": ("Name", ("person__name", "run_id", "line")),
    "court": ("Court", ("court", "run_id", "line")),
    "section": ("Section", ("section_number", "run_id", "line")),
}
DEFAULT_SORT = "file"
#: Assignee filter values besides a user id.
ASSIGNEE_ME = "me"
ASSIGNEE_NONE = "none"


class QueueFilterError(ValueError):
    """A filter value in the URL is not one we know; the message names the field."""


@dataclass(frozen=True)
class QueueFilters:
    upload: int | None = None
    outcome: str = ""
    reason: str = ""
    section: str = ""
    severity: str = ""
    court: str = ""
    county: str = ""
    status: str = ""
    assignee: str = ""
    flag: str = ""
    q: str = ""
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params: QueryDict | dict[str, str]) -> QueueFilters:
        """Read filters from a URL's query; unknown values raise QueueFilterError naming the field."""
        raw = {f.name: (params.get(f.name) or "").strip() for f in fields(cls)}
        upload: int | None = None
        if raw["upload"]:
            if not raw["upload"].isdigit():
                raise QueueFilterError(f"upload must be a number, got {raw['upload']!r}")
            upload = int(raw["upload"])
        choices = {
            "outcome": Outcome.values,
            "status": ReviewStatus.values,
            "flag": Flag.values,
            "sort": list(SORTS),
            "severity": [*Severity.values, "unknown"],
        }
        for name, allowed in choices.items():
            if raw[name] and raw[name] not in allowed:
                raise QueueFilterError(f"{name} must be one of {', '.join(v or 'unknown' for v in allowed)}")
        assignee = raw["assignee"]
        if assignee and assignee not in (ASSIGNEE_ME, ASSIGNEE_NONE) and not assignee.isdigit():
            raise QueueFilterError(f"assignee must be 'me', 'none' or a user id, got {assignee!r}")
        return cls(
            upload=upload,
            outcome=raw["outcome"],
            reason=raw["reason"].upper(),
            section=raw["section"],
            severity=raw["severity"],
            court=raw["court"],
            county=raw["county"],
            status=raw["status"],
            assignee=assignee,
            flag=raw["flag"],
            q=raw["q"],
            sort=raw["sort"] or DEFAULT_SORT,
        )

    def as_params(self, **changes: Any) -> dict[str, str]:
        """The non-empty filters as URL parameters, with some changed (None or "" removes one)."""
        values = {**asdict(self), **changes}
        if values.get("sort") == DEFAULT_SORT:
            values["sort"] = ""
        return {k: str(v) for k, v in values.items() if v not in (None, "")}

    def query_string(self, **changes: Any) -> str:
        return urlencode(self.as_params(**changes))

    @property
    def is_filtered(self) -> bool:
        return bool(self.as_params(sort=""))


def current_run_ids(*, upload: int | None = None) -> list[int]:
    """The newest finished run of each upload (or of one upload): what the queue shows."""
    runs = ClassificationRun.objects.filter(status=RunStatus.DONE)
    if upload is not None:
        runs = runs.filter(upload_id=upload)
    return list(runs.order_by("upload_id", "-created_at", "-id").distinct("upload_id").values_list("id", flat=True))


def _filtered(
    user: AnyUser, filters: QueueFilters, *, skip: str = "", runs: list[int] | None = None
) -> QuerySet[Determination]:
    """Determinations matching every filter but ``skip`` (facet counts leave their own out).

    ``runs`` saves looking up the current runs again when a page asks several questions.
    """
    if runs is None:
        runs = current_run_ids(upload=filters.upload)
    rows = Determination.objects.filter(run_id__in=runs)
    if filters.outcome and skip != "outcome":
        rows = rows.filter(outcome=filters.outcome)
    if filters.status and skip != "status":
        rows = rows.filter(review_status=filters.status)
    if filters.reason:
        rows = rows.filter(reason_codes__contains=[filters.reason])
    if filters.section:
        rows = rows.filter(section_number=filters.section.upper().removeprefix("HS").strip())
    if filters.severity:
        rows = rows.filter(severity="" if filters.severity == "unknown" else filters.severity)
    if filters.court:
        rows = rows.filter(court__iexact=filters.court)
    if filters.county:
        rows = rows.filter(upload__county__iexact=filters.county)
    if filters.flag:
        rows = rows.filter(flags__contains=[filters.flag])
    if filters.assignee == ASSIGNEE_ME:
        rows = rows.filter(assigned_to_id=user.pk)
    elif filters.assignee == ASSIGNEE_NONE:
        rows = rows.filter(assigned_to__isnull=True)
    elif filters.assignee:
        rows = rows.filter(assigned_to_id=int(filters.assignee))
    if filters.q:
        rows = rows.filter(_search(filters.q))
    return rows


def _search(text: str) -> Q:
    """Text with a digit is a CII (exact) or part of a case number; anything else is part of a name.

    Names are looked up on their own first (a trigram index, migration 0008) and joined by id:
    OR-ing a name condition with a determination column would scan every determination.
    """
    if any(ch.isdigit() for ch in text):
        return Q(person__cii__iexact=text) | Q(case_number__icontains=text)
    return Q(person_id__in=Person.objects.filter(name__icontains=text).values("id"))


def review_queue(*, user: AnyUser, filters: QueueFilters, runs: list[int] | None = None) -> QuerySet[Determination]:
    """The determinations of the queue, in order, with what a queue row shows."""
    if not can_view_records(user):
        return Determination.objects.none()
    order = SORTS[filters.sort][1]
    return _filtered(user, filters, runs=runs).select_related("person", "assigned_to").order_by(*order)


def queue_facets(
    *, user: AnyUser, filters: QueueFilters, runs: list[int] | None = None
) -> dict[str, list[tuple[str, str, int]]]:
    """Counts per outcome and per review status, each ignoring its own filter so every choice
    shows how many it would give."""
    if not can_view_records(user):
        return {"outcome": [], "status": []}
    outcome_counts = dict(
        _filtered(user, filters, skip="outcome", runs=runs).values_list("outcome").annotate(n=Count("id")).order_by()
    )
    status_counts = dict(
        _filtered(user, filters, skip="status", runs=runs)
        .values_list("review_status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "outcome": [(value, label, outcome_counts.get(value, 0)) for value, label in Outcome.choices],
        "status": [(value, label, status_counts.get(value, 0)) for value, label in ReviewStatus.choices],
    }


def queue_count(*, facets: dict[str, list[tuple[str, str, int]]], filters: QueueFilters) -> int:
    """The queue's size from the facet counts, saving a COUNT over the whole filter."""
    counts = facets["outcome"]
    return sum(n for value, _label, n in counts if not filters.outcome or value == filters.outcome)


def queue_neighbours(
    *, user: AnyUser, filters: QueueFilters, determination: Determination
) -> tuple[int | None, int | None]:
    """The ids before and after a determination in its queue, by keyset: no counting, no offsets."""
    if not can_view_records(user):
        return None, None
    keys = SORTS[filters.sort][1]
    values = [_key_value(determination, key) for key in keys]
    rows = _filtered(user, filters)
    after = rows.filter(_beyond(keys, values, "gt")).order_by(*keys).values_list("id", flat=True).first()
    before = (
        rows.filter(_beyond(keys, values, "lt"))
        .order_by(*(F(k).desc() for k in keys))
        .values_list("id", flat=True)
        .first()
    )
    return before, after


def _key_value(determination: Determination, key: str) -> Any:
    value: Any = determination
    for part in key.split("__"):
        value = getattr(value, part)
    return value


def _beyond(keys: tuple[str, ...], values: list[Any], op: str) -> Q:
    """Rows strictly after (gt) or before (lt) a key tuple, as (a > x) or (a = x and b > y) ..."""
    condition = Q(pk__in=[])
    for i, key in enumerate(keys):
        step = Q(**{f"{key}__{op}": values[i]})
        for earlier, value in zip(keys[:i], values[:i], strict=False):
            step &= Q(**{earlier: value})
        condition |= step
    return condition


def assignable_attorneys() -> QuerySet[User]:
    """Who may be given a batch: active attorneys and administrators."""
    from cases.choices import Role

    return (
        User.objects.filter(is_active=True, groups__name__in=[Role.ATTORNEY, Role.ADMINISTRATOR])
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def queue_rows_for_action(
    *, user: AnyUser, filters: QueueFilters, runs: list[int] | None = None
) -> QuerySet[Determination]:
    """The unsorted filter a bulk action acts on (same rows as the queue)."""
    if not can_view_records(user):
        return Determination.objects.none()
    return _filtered(user, filters, runs=runs)
