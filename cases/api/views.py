"""REST API for uploads. The same services as the pages do the work."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api.serializers import IngestErrorSerializer, UploadCreateSerializer, UploadSerializer
from cases.permissions import can_upload
from cases.selectors import upload_errors, upload_get_for_user, uploads_for_user
from cases.services.uploads import UploadRefused, upload_receive

MAX_ERRORS_SHOWN = 100


@extend_schema(request=UploadCreateSerializer, responses={202: UploadSerializer, 200: UploadSerializer})
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


@extend_schema(responses=UploadSerializer)
@api_view(["GET"])
def upload_detail(request: Request, pk: int) -> Response:
    """Status and counts of one upload, with its first quarantined lines."""
    upload = upload_get_for_user(user=request.user, pk=pk)
    data = dict(UploadSerializer(upload).data)
    data["errors"] = IngestErrorSerializer(upload_errors(upload=upload)[:MAX_ERRORS_SHOWN], many=True).data
    return Response(data)
