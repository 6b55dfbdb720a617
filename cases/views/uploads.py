"""Upload, results and policy pages."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases.choices import AuditEvent, UploadStatus
from cases.forms import ClassifyForm, PolicyForm, UploadForm
from cases.models import Upload
from cases.permissions import can_administer, can_upload, can_view_records
from cases.selectors import (
    latest_run,
    policies_current,
    policy_versions,
    run_differences,
    runs_of,
    summary_rows,
    upload_errors,
    upload_get_for_user,
    uploads_for_user,
)
from cases.services.audit import audit_record
from cases.services.classify import classification_start
from cases.services.policies import PRESET_NAMES, policy_get_current, policy_save
from cases.services.uploads import UploadRefused, upload_receive
from cases.views.common import no_role
from clearance.eligibility.policies import PolicyError

ERRORS_PER_PAGE = 50


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return redirect("uploads")


@login_required
@require_http_methods(["GET", "POST"])
def uploads(request: HttpRequest) -> HttpResponse:
    if not can_view_records(request.user):
        return no_role(request)
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
        "runs": runs_of(upload=upload)[:10],
        "difference": run_differences(upload=upload),
        "can_classify": can_upload(request.user) and upload.status == UploadStatus.INGESTED,
        "classify_form": ClassifyForm(
            policies=[(slug, name) for slug, name, _ in policies_current()],
            initial={"policy": upload.policy_slug, "as_of": timezone.localdate()},
        ),
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


@login_required
@require_http_methods(["GET", "POST"])
def policies(request: HttpRequest) -> HttpResponse:
    """Administrators create and edit office policies; every save is a new, audited version."""
    if not can_administer(request.user):
        if not can_view_records(request.user):
            return no_role(request)
        raise PermissionDenied("Only administrators edit policies.")
    editing = request.GET.get("slug", "")
    form = PolicyForm()
    if editing:
        current = policy_versions(slug=editing).first()
        if current is not None:
            form = PolicyForm(
                initial={
                    "slug": current.slug,
                    "name": current.name,
                    "kind": current.kind,
                    "options": json.dumps(current.options, indent=2) if current.options else "",
                }
            )
        else:
            form = PolicyForm(
                initial={
                    "slug": editing,
                    "kind": editing if editing in PRESET_NAMES else "bear",
                    "name": PRESET_NAMES.get(editing, ""),
                }
            )
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = policy_save(
                    slug=data["slug"],
                    kind=data["kind"],
                    name=data["name"],
                    options=data["options"],
                    user=request.user,  # type: ignore[arg-type]  # login_required: signed in
                )
            except PolicyError as exc:
                form.add_error("options" if data["kind"] == "bear" else "kind", str(exc))
            else:
                messages.success(request, f"Saved {saved.name}, version {saved.version}.")
                return redirect(f"{reverse('policies')}?slug={saved.slug}")
    versions = policy_versions(slug=editing) if editing else []
    context = {"form": form, "policies": policies_current(), "editing": editing, "versions": versions}
    return render(request, "cases/policies.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["POST"])
def upload_classify(request: HttpRequest, pk: int) -> HttpResponse:
    """Classify an upload again under a chosen policy and as-of date; earlier runs stay."""
    upload = upload_get_for_user(user=request.user, pk=pk)
    if not can_upload(request.user):
        raise PermissionDenied("Only attorneys and administrators classify uploads.")
    form = ClassifyForm(request.POST, policies=[(slug, name) for slug, name, _ in policies_current()])
    if form.is_valid():
        policy = policy_get_current(slug=form.cleaned_data["policy"])
        try:
            classification_start(upload=upload, policy=policy, as_of=form.cleaned_data["as_of"], user=request.user)  # type: ignore[arg-type]  # login_required: signed in
        except ValueError as exc:
            messages.error(request, str(exc))
        else:
            messages.info(request, f"Classifying under {policy.name} (v{policy.version}). Earlier results are kept.")
    else:
        messages.error(request, "Choose a policy and an as-of date to classify again.")
    return redirect("upload_detail", pk=upload.pk)
