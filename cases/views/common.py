"""What every page module shares."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def no_role(request: HttpRequest) -> HttpResponse:
    """A signed-in user with no role: told so, and shown nothing."""
    return render(request, "cases/no_role.html", status=403)


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")
