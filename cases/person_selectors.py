"""Readers for one person: who they are, every row DOJ sent about them, and what was decided.

One door per object: ``person_get_for_user`` returns the person or raises 404, never 403, so
a user without a role cannot learn that a record exists.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cases.models import ClassificationRun, Determination, Event, Person
from cases.permissions import AnyUser, can_view_records


def person_get_for_user(*, user: AnyUser, pk: int) -> Person:
    found = Person.objects.select_related("upload").filter(pk=pk).first() if can_view_records(user) else None
    if found is None:
        raise Http404("No such person")
    return found


def person_history(*, person: Person) -> QuerySet[Event]:
    """Every row of the person's upload that names them, in file order."""
    return Event.objects.filter(upload_id=person.upload_id, person=person).order_by("line")


def person_determinations(*, person: Person, run: ClassificationRun | None) -> QuerySet[Determination]:
    """The person's determinations in ``run``: pass ``cases.selectors.latest_run(upload=person.upload)``
    for what pages show by default. None when the upload has no finished run."""
    if run is None:
        return Determination.objects.none()
    return Determination.objects.filter(run=run, person=person).order_by("line")
