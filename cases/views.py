"""Pages. Views read through selectors and write through services; nothing else."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from cases.choices import AuditEvent
from cases.forms import UploadForm
from cases.models import Upload
from cases.permissions import can_upload, can_view_records
from cases.selectors import latest_run, runs_of, summary_rows, upload_errors, upload_get_for_user, uploads_for_user
from cases.services.audit import audit_record
from cases.services.uploads import UploadRefused, upload_receive

ERRORS_PER_PAGE = 50


def _no_role(request: HttpRequest) -> HttpResponse:
    return render(request, "cases/no_role.html", status=403)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("uploads")


@login_required
@require_http_methods(["GET", "POST"])
def uploads(request: HttpRequest) -> HttpResponse:
    if not can_view_records(request.user):
        return _no_role(request)
    form = UploadForm()
    if request.method == "POST":
        if not can_upload(request.user):
            raise PermissionDenied("Only attorneys and administrators upload files.")
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                upload, created = upload_receive(
                    source=uploaded,
                    name=uploaded.name,
                    user=request.user,  # type: ignore[arg-type]  # login_required: signed in
                    county=form.cleaned_data["county"],
                    policy_slug=form.cleaned_data["policy"],
                    ip=request.META.get("REMOTE_ADDR"),
                )
            except UploadRefused as exc:
                form.add_error("file", f"{exc}. Nothing was stored.")
            else:
                if not created:
                    messages.info(
                        request, f"This file was uploaded before ({upload.created_at:%b %-d, %Y}); showing that upload."
                    )
                return redirect("upload_detail", pk=upload.pk)
    rows = uploads_for_user(user=request.user)[:200]
    return render(
        request,
        "cases/uploads.html",
        {"form": form, "uploads": rows, "can_upload": can_upload(request.user)},
        status=400 if form.errors else 200,
    )


def _progress_context(upload: Upload) -> dict[str, Any]:
    run = runs_of(upload=upload).first()
    return {"upload": upload, "run": run, "working": upload.is_working or (run is not None and run.is_working)}


@login_required
@require_GET
def upload_detail(request: HttpRequest, pk: int) -> HttpResponse:
    upload = upload_get_for_user(user=request.user, pk=pk)
    page = Paginator(upload_errors(upload=upload), ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    audit_record(
        event=AuditEvent.RECORD_VIEWED,
        user=request.user,
        obj=upload,
        ip=request.META.get("REMOTE_ADDR"),
        detail={"page": "upload"},
    )
    done = latest_run(upload=upload)
    context = {
        **_progress_context(upload),
        "errors_page": page,
        "done_run": done,
        "summary": summary_rows(done) if done else None,
    }
    return render(request, "cases/upload_detail.html", context)


@login_required
@require_GET
def upload_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx partial polled while an upload is read and then classified."""
    upload = upload_get_for_user(user=request.user, pk=pk)
    context = _progress_context(upload)
    response = render(request, "cases/partials/_progress.html", context)
    if not context["working"]:
        # Tell htmx to reload the whole page once, so the counts, figures and errors appear.
        response["HX-Refresh"] = "true"
    return response
