"""Clerks' screens: packets per court, downloads, filing and the court's orders; office settings."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.choices import AuditEvent, CourtResult, Outcome, PacketKind, PacketStatus
from cases.forms import CourtForm, OfficeSettingsForm
from cases.models import Court, Packet, PacketCount, PacketCourt
from cases.packet_selectors import (
    court_names_of,
    decided_counts_by_court,
    not_ready_count,
    office_settings,
    packet_courts_by_name,
    packet_get_for_user,
    relief_counts,
)
from cases.permissions import can_administer, can_view_records
from cases.selectors import latest_run, upload_get_for_user, uploads_for_user
from cases.services.audit import audit_record
from cases.services.office import court_save, courts_sync, office_settings_save
from cases.services.packets import (
    CourtResponseInvalid,
    PacketInvalid,
    court_order_record,
    court_orders_import,
    packet_court_file,
    packet_file_path,
    packet_is_outdated,
    packet_request,
)
from cases.views.common import client_ip, no_role

RESPONSE_MAX_BYTES = 5 * 1024 * 1024
CONTENT_TYPES = {"pdf": "application/pdf", "zip": "application/zip", "csv": "text/csv"}


@login_required
@require_GET
def packets_home(request: HttpRequest) -> HttpResponse:
    """Every classified upload, with a way into its packets."""
    if not can_view_records(request.user):
        return no_role(request)
    uploads = [u for u in uploads_for_user(user=request.user)[:200] if latest_run(upload=u) is not None]
    return render(request, "cases/packets_home.html", {"uploads": uploads})


@login_required
@require_http_methods(["GET", "POST"])
def upload_packets(request: HttpRequest, pk: int) -> HttpResponse:
    """One card per court: what is decided, what was built, filed and ruled on."""
    upload = upload_get_for_user(user=request.user, pk=pk)
    user: User = request.user  # type: ignore[assignment]  # login_required
    if request.method == "POST":
        try:
            filing_date = dt.date.fromisoformat(request.POST.get("filing_date") or timezone.localdate().isoformat())
            packet = packet_request(
                upload=upload,
                user=user,
                kind=request.POST.get("kind", PacketKind.BULK),
                court_name=request.POST.get("court", ""),
                filing_date=filing_date,
            )
        except ValueError as exc:  # PacketInvalid, or a date that does not parse
            messages.error(request, f"Not built: {exc}.")
        else:
            messages.info(
                request, f"Building packet P{packet.pk}; the page shows its progress and updates when it is ready."
            )
        return redirect("upload_packets", pk=upload.pk)
    names = court_names_of(upload=upload)
    courts = {c.name: c for c in courts_sync(names=names)}
    decided = decided_counts_by_court(upload=upload)
    built = packet_courts_by_name(upload=upload)
    labels = dict(Outcome.choices)
    cards = []
    for name in names:
        mine = decided.get(name) or relief_counts([])
        history = built.get(name, [])
        latest = history[0] if history else None
        cards.append(
            {
                "name": name,
                "court": courts.get(name),
                "counts": [(code, labels[code], n) for code, n in mine.items()],
                "decided": sum(mine.values()),
                "not_ready": not_ready_count(upload=upload, court_name=name),
                "latest": latest,
                "outdated": latest is not None and packet_is_outdated(latest.packet),
                "history": history[1:6],
            }
        )
    working = Packet.objects.filter(upload=upload, status__in=(PacketStatus.QUEUED, PacketStatus.BUILDING))
    context = {
        "upload": upload,
        "cards": cards,
        "working": list(working),
        "office_missing": office_settings().missing,
        "today": timezone.localdate(),
        "kinds": PacketKind.choices,
        "can_administer": can_administer(request.user),
    }
    return render(request, "cases/packets.html", context)


@login_required
@require_GET
def packet_progress(request: HttpRequest, pk: int) -> HttpResponse:
    packet = packet_get_for_user(user=request.user, pk=pk)
    response = render(request, "cases/partials/_packet_progress.html", {"packet": packet})
    if not packet.is_working:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def packet_download(request: HttpRequest, pk: int) -> FileResponse:
    """A built file, for someone with a role; every download is audited before a byte is sent."""
    packet = packet_get_for_user(user=request.user, pk=pk)
    fmt = request.GET.get("format", "pdf")
    pc = packet.courts.filter(court_name=request.GET.get("court", "")).first()
    if pc is None and packet.courts.count() == 1:
        pc = packet.courts.first()
    if fmt not in CONTENT_TYPES or pc is None or packet.status != PacketStatus.READY:
        raise Http404("No such file")
    path = packet_file_path(pc, fmt)
    if path is None or not path.is_file():
        raise Http404("This packet has no such file")
    audit_record(
        event=AuditEvent.PACKET_DOWNLOADED,
        user=request.user,
        obj=packet,
        ip=client_ip(request),
        detail={"court": pc.court_name, "format": fmt},
    )
    response = FileResponse(path.open("rb"), as_attachment=True, filename=f"P{packet.pk}-{path.name}")
    response["Content-Type"] = CONTENT_TYPES[fmt]
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def packet_court(request: HttpRequest, pk: int, court_pk: int) -> HttpResponse:
    """A court's share of a packet: mark it filed, then record the court's order per count."""
    packet = packet_get_for_user(user=request.user, pk=pk)
    pc = PacketCourt.objects.filter(packet=packet, pk=court_pk).select_related("filed_by").first()
    if pc is None:
        raise Http404("No such court in this packet")
    user: User = request.user  # type: ignore[assignment]  # login_required
    if request.method == "POST":
        _court_action(request, pc, user)
        return redirect("packet_court", pk=packet.pk, court_pk=pc.pk)
    rows = list(pc.rows.select_related("determination__person").order_by("court_case_number", "count"))
    context = {
        "packet": packet,
        "pc": pc,
        "rows": rows,
        "results": CourtResult.choices,
        "today": timezone.localdate(),
        "outdated": packet_is_outdated(packet),
        "challenge": Outcome.NOT_ELIGIBLE,
    }
    return render(request, "cases/packet_court.html", context)


def _court_action(request: HttpRequest, pc: PacketCourt, user: User) -> None:
    action = request.POST.get("action", "")
    try:
        if action == "file":
            filed_on = dt.date.fromisoformat(request.POST.get("filed_on", ""))
            packet_court_file(packet_court=pc, filed_on=filed_on, user=user)
            messages.success(request, f"Marked filed on {filed_on:%b %-d, %Y}.")
        elif action == "order":
            row = PacketCount.objects.filter(packet_court=pc, pk=request.POST.get("row") or 0).first()
            if row is None:
                raise PacketInvalid("that count is not in this packet")
            on = dt.date.fromisoformat(request.POST.get("result_on", ""))
            court_order_record(
                packet_count=row,
                result=request.POST.get("result", ""),
                result_on=on,
                user=user,
                note=request.POST.get("note", ""),
            )
            messages.success(request, f"Recorded the order for case {row.court_case_number}, count {row.count}.")
        elif action == "import":
            upload = request.FILES.get("response")
            if upload is None:
                raise PacketInvalid("choose the court's CSV file")
            if upload.size is not None and upload.size > RESPONSE_MAX_BYTES:
                raise PacketInvalid("the file is larger than 5 MB; is it the court's response?")
            text = upload.read().decode("utf-8-sig", errors="replace")
            count = court_orders_import(packet_court=pc, text=text, user=user, filename=upload.name or "response.csv")
            messages.success(request, f"Recorded {count} order{'s' if count != 1 else ''} from {upload.name}.")
        else:
            raise PacketInvalid("unknown action")
    except CourtResponseInvalid as exc:
        messages.error(request, "Nothing recorded. " + " ".join(f"{p}." for p in exc.problems[:20]))
    except ValueError as exc:
        messages.error(request, f"Not saved: {exc}.")


@login_required
@require_http_methods(["GET", "POST"])
def office(request: HttpRequest) -> HttpResponse:
    """Administrators keep the letterhead and the courts' names and addresses."""
    if not can_administer(request.user):
        if not can_view_records(request.user):
            return no_role(request)
        raise PermissionDenied("Only administrators edit the office settings.")
    user: User = request.user  # type: ignore[assignment]  # can_administer: signed in
    current = office_settings()
    form = OfficeSettingsForm(instance=current)
    if request.method == "POST":
        form = OfficeSettingsForm(request.POST, instance=office_settings())
        if form.is_valid():
            office_settings_save(values=form.cleaned_data, user=user)
            messages.success(request, "Office settings saved.")
            return redirect("office")
    names = sorted({n for u in uploads_for_user(user=request.user)[:200] for n in court_names_of(upload=u)})
    courts_sync(names=names)
    context = {
        "form": form,
        "courts": Court.objects.order_by("name"),
        "missing": current.missing,
    }
    return render(request, "cases/office.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def court_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_administer(request.user):
        raise PermissionDenied("Only administrators edit courts.")
    court = Court.objects.filter(pk=pk).first()
    if court is None:
        raise Http404("No such court")
    form = CourtForm(request.POST, instance=court)
    if form.is_valid():
        court_save(court=Court.objects.get(pk=pk), values=form.cleaned_data, user=request.user)  # type: ignore[arg-type]
        messages.success(request, f"Saved {form.cleaned_data['display_name']}.")
    else:
        messages.error(
            request, "Not saved: " + "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
        )
    return redirect(reverse("office") + f"#court-{pk}")
