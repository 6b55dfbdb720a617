"""REST API for uploads, determinations, decisions and people: the same services and selectors as the pages."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http.response import HttpResponseBase
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, parser_classes, renderer_classes
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api.serializers import (
    DecisionConflictSerializer,
    DecisionRecordedSerializer,
    DecisionRequestSerializer,
    DeterminationDetailSerializer,
    DeterminationPageSerializer,
    DeterminationSerializer,
    EventSerializer,
    HistoryEventSerializer,
    IngestErrorSerializer,
    PacketRequestSerializer,
    PacketSerializer,
    PersonDetailSerializer,
    PersonDeterminationSerializer,
    PersonSerializer,
    RunUsedSerializer,
    UploadCreateSerializer,
    UploadDetailSerializer,
    UploadListSerializer,
    UploadReceiptSerializer,
    UploadSerializer,
    UploadSummarySerializer,
)
from cases.choices import AuditEvent, Outcome, ReviewStatus
from cases.packet_selectors import packet_get_for_user
from cases.permissions import can_decide, can_upload
from cases.person_selectors import person_determinations, person_get_for_user, person_history
from cases.selectors import (
    DeterminationFilters,
    determination_get_for_user,
    determinations_for_user,
    evidence_rows,
    latest_run,
    summary_of,
    upload_errors,
    upload_get_for_user,
    uploads_for_user,
)
from cases.services.audit import audit_record
from cases.services.decisions import DecisionConflict, DecisionInvalid, decision_record
from cases.services.packets import PacketInvalid, packet_request
from cases.services.uploads import UploadRefused, upload_receive
from cases.views.packets import packet_download as packet_download_view

MAX_ERRORS_SHOWN = 100
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@extend_schema(methods=["GET"], operation_id="uploads_list", responses=UploadListSerializer)
@extend_schema(
    methods=["POST"],
    operation_id="uploads_create",
    request=UploadCreateSerializer,
    responses={
        202: UploadReceiptSerializer,
        200: OpenApiResponse(UploadReceiptSerializer, description="The same file was uploaded before"),
        400: OpenApiResponse(description="The file was refused; nothing was stored"),
        403: OpenApiResponse(description="Only attorneys and administrators upload files"),
    },
)
@api_view(["GET", "POST"])
@parser_classes([MultiPartParser, FormParser])
def uploads(request: Request) -> Response:
    """GET: the uploads you may see. POST: send a DOJ file (multipart `file`); ingestion runs in the background."""
    if request.method == "GET":
        items = uploads_for_user(user=request.user)[:200]
        return Response({"count": len(items), "results": UploadSerializer(items, many=True).data})
    if not can_upload(request.user):
        raise PermissionDenied("Only attorneys and administrators upload files.")
    incoming = UploadCreateSerializer(data=request.data)
    incoming.is_valid(raise_exception=True)
    uploaded = incoming.validated_data["file"]
    try:
        upload, created = upload_receive(
            source=uploaded,
            name=uploaded.name,
            user=request.user,  # type: ignore[arg-type]  # can_upload: signed in
            county=incoming.validated_data["county"],
            ip=request.META.get("REMOTE_ADDR"),
        )
    except UploadRefused as exc:
        return Response({"file": [f"{exc}. Nothing was stored."]}, status=status.HTTP_400_BAD_REQUEST)
    body = {"id": upload.pk, "status": upload.status, "duplicate": not created}
    return Response(body, status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)


@extend_schema(responses=UploadDetailSerializer)
@api_view(["GET"])
def upload_detail(request: Request, pk: int) -> Response:
    """Status and counts of one upload, with its first quarantined lines."""
    upload = upload_get_for_user(user=request.user, pk=pk)
    data = dict(UploadSerializer(upload).data)
    data["errors"] = IngestErrorSerializer(upload_errors(upload=upload)[:MAX_ERRORS_SHOWN], many=True).data
    return Response(data)


def _int_or_none(value: str | None, name: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise ValidationError({name: f"must be a whole number, got {value!r}"}) from exc


@extend_schema(operation_id="determinations_list", responses=DeterminationPageSerializer)
@api_view(["GET"])
def determinations(request: Request) -> Response:
    """Determinations (newest finished run of each upload unless `run` is given), filtered and paginated.

    Filters: upload, run, outcome, reason, section, severity, court, flag, status (review status), assignee
    (user id); `page`, `page_size` (max 500).
    """
    params = request.query_params
    outcome = params.get("outcome", "")
    if outcome and outcome not in Outcome.values:
        raise ValidationError({"outcome": f"must be one of {', '.join(Outcome.values)}"})
    status_filter = params.get("status", "")
    if status_filter and status_filter not in ReviewStatus.values:
        raise ValidationError({"status": f"must be one of {', '.join(ReviewStatus.values)}"})
    filters = DeterminationFilters(
        upload=_int_or_none(params.get("upload"), "upload"),
        run=_int_or_none(params.get("run"), "run"),
        outcome=outcome,
        reason=params.get("reason", ""),
        section=params.get("section", ""),
        severity=params.get("severity", ""),
        court=params.get("court", ""),
        flag=params.get("flag", ""),
        status=status_filter,
        assignee=_int_or_none(params.get("assignee"), "assignee"),
    )
    rows = (
        determinations_for_user(user=request.user, filters=filters)
        .select_related("run__policy")
        .prefetch_related("decisions__decided_by")
    )
    size = min(_int_or_none(params.get("page_size"), "page_size") or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    page = Paginator(rows, size).get_page(params.get("page"))
    audit_record(
        event=AuditEvent.RECORD_VIEWED,
        user=request.user,
        ip=request.META.get("REMOTE_ADDR"),
        detail={"via": "api", "list": "determinations", "filters": dict(params.items()), "page": page.number},
    )
    return Response(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "results": DeterminationSerializer(page.object_list, many=True).data,
        }
    )


@extend_schema(responses=DeterminationDetailSerializer)
@api_view(["GET"])
def determination_detail(request: Request, pk: int) -> Response:
    """One determination with its evidence rows (the verbatim DOJ lines included)."""
    found = determination_get_for_user(user=request.user, pk=pk)
    audit_record(
        event=AuditEvent.RECORD_VIEWED,
        user=request.user,
        obj=found,
        ip=request.META.get("REMOTE_ADDR"),
        detail={"via": "api"},
    )
    data = dict(DeterminationSerializer(found).data)
    data["evidence"] = EventSerializer(evidence_rows(determination=found), many=True).data
    return Response(data)


@extend_schema(
    responses={
        200: UploadSummarySerializer,
        404: OpenApiResponse(description="No such upload, or it has not been classified yet"),
    }
)
@api_view(["GET"])
def upload_summary(request: Request, pk: int) -> Response:
    """The figures of the upload's newest finished classification (DOMAIN.md section 8)."""
    upload = upload_get_for_user(user=request.user, pk=pk)
    run = latest_run(upload=upload)
    if run is None:
        return Response({"detail": "This upload has not been classified yet."}, status=status.HTTP_404_NOT_FOUND)
    return Response(summary_of(run))


@extend_schema(
    request=DecisionRequestSerializer,
    responses={
        201: DecisionRecordedSerializer,
        400: OpenApiResponse(description="The decision is not acceptable as asked; `detail` says why"),
        403: OpenApiResponse(description="Clerks read decisions but do not make them"),
        404: OpenApiResponse(description="No such determination"),
        409: OpenApiResponse(DecisionConflictSerializer, description="`version` is stale"),
    },
)
@api_view(["POST"])
def determination_decision(request: Request, pk: int) -> Response:
    """Approve or override a determination: `{"action", "outcome"?, "reason"?, "version"}`.

    201 with the decision and the determination's new version; 400 when invalid; 409 when
    `version` is stale; 403 for a clerk; 404 for a user without a role.
    """
    determination = determination_get_for_user(user=request.user, pk=pk)
    if not can_decide(request.user):
        raise PermissionDenied("Clerks read decisions but do not make them.")
    data = request.data
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationError({"version": "the version of the determination you are deciding on is required"})
    try:
        decision = decision_record(
            determination_id=determination.pk,
            attorney=request.user,  # type: ignore[arg-type]  # can_decide: signed in
            action=str(data.get("action", "")),
            expected_version=version,
            outcome=data.get("outcome"),
            reason=str(data.get("reason", "")),
        )
    except DecisionInvalid as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    except DecisionConflict as exc:
        return Response({"detail": str(exc), "version": exc.current_version}, status=status.HTTP_409_CONFLICT)
    return Response(
        {
            "id": decision.pk,
            "determination": determination.pk,
            "action": decision.action,
            "outcome": decision.outcome,
            "reason": decision.reason,
            "decided_by": request.user.get_username(),
            "decided_at": decision.decided_at,
            "version": decision.determination_version + 1,
        },
        status=status.HTTP_201_CREATED,
    )


@extend_schema(responses={200: PersonDetailSerializer, 404: OpenApiResponse(description="No such person")})
@api_view(["GET"])
def person_detail(request: Request, pk: int) -> Response:
    """A person, every row DOJ sent about them, and their determinations in the newest finished run."""
    person = person_get_for_user(user=request.user, pk=pk)
    # Recorded before anything is read, so no record leaves without its audit row.
    audit_record(
        event=AuditEvent.RECORD_VIEWED,
        user=request.user,
        obj=person,
        ip=request.META.get("REMOTE_ADDR"),
        detail={"via": "api"},
    )
    run = latest_run(upload=person.upload)
    data = dict(PersonSerializer(person).data)
    data["events"] = HistoryEventSerializer(person_history(person=person), many=True).data
    data["run"] = RunUsedSerializer(run).data if run is not None else None
    data["determinations"] = PersonDeterminationSerializer(
        person_determinations(person=person, run=run), many=True
    ).data
    return Response(data)


class _File(BaseRenderer):
    """Lets `?format=pdf|zip|csv` through DRF's content negotiation (the query parameter the
    API promises is also DRF's format override); the view itself streams the file, so only an
    error body is ever rendered here."""

    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        return json.dumps(data).encode() if data is not None else b""


class PdfFile(_File):
    media_type, format = "application/pdf", "pdf"


class ZipFile(_File):
    media_type, format = "application/zip", "zip"


class CsvFile(_File):
    media_type, format = "text/csv", "csv"


@extend_schema(
    request=PacketRequestSerializer,
    responses={
        202: PacketSerializer,
        400: OpenApiResponse(description="The packet cannot be built; `detail` says why"),
    },
)
@api_view(["POST"])
def packets(request: Request) -> Response:
    """Build a packet for an upload (every court, or one): `{"upload", "court"?, "kind": "bulk" | "per_case"}`."""
    incoming = PacketRequestSerializer(data=request.data)
    incoming.is_valid(raise_exception=True)
    upload = upload_get_for_user(user=request.user, pk=incoming.validated_data["upload"])
    try:
        packet = packet_request(
            upload=upload,
            user=request.user,  # type: ignore[arg-type]  # the door above: a role, so signed in
            kind=incoming.validated_data["kind"],
            court_name=incoming.validated_data.get("court", ""),
            filing_date=incoming.validated_data.get("filing_date"),
        )
    except PacketInvalid as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    return Response(PacketSerializer(packet).data, status=status.HTTP_202_ACCEPTED)


@extend_schema(responses={200: PacketSerializer, 404: OpenApiResponse(description="No such packet")})
@api_view(["GET"])
def packet_detail(request: Request, pk: int) -> Response:
    """A packet's status, progress, and per court its counts, filing and whether it is outdated."""
    packet = packet_get_for_user(user=request.user, pk=pk)
    return Response(PacketSerializer(packet).data)


@extend_schema(
    parameters=[
        OpenApiParameter("format", str, enum=["pdf", "zip", "csv"], required=True),
        OpenApiParameter("court", str, description="Required when the packet covers several courts"),
    ],
    responses={
        (200, "application/octet-stream"): OpenApiTypes.BINARY,
        404: OpenApiResponse(description="No such file"),
    },
)
@api_view(["GET"])
@renderer_classes([JSONRenderer, PdfFile, ZipFile, CsvFile])
def packet_download(request: Request, pk: int) -> HttpResponseBase:
    """A built file (the filing PDF, the ZIP of every document, or the court CSV), audited."""
    return packet_download_view(request._request, pk)
