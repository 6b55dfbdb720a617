"""Readers: exactly what a page or API call needs, with the visibility rules in one place.

One door per object: ``upload_get_for_user`` returns the upload or raises 404, never 403, so
a user without a role cannot learn that a record exists.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cases.models import IngestError, Upload
from cases.permissions import AnyUser, can_view_records


def uploads_for_user(*, user: AnyUser) -> QuerySet[Upload]:
    if not can_view_records(user):
        return Upload.objects.none()
    return Upload.objects.select_related("uploaded_by").order_by("-created_at", "-id")


def upload_get_for_user(*, user: AnyUser, pk: int) -> Upload:
    upload = uploads_for_user(user=user).filter(pk=pk).first()
    if upload is None:
        raise Http404("No such upload")
    return upload


def upload_errors(*, upload: Upload) -> QuerySet[IngestError]:
    return IngestError.objects.filter(upload=upload).order_by("line")
