from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cases.permissions import can_administer, can_decide, can_upload, role_of


def frame(request: HttpRequest) -> dict[str, Any]:
    """What the page frame (top bar, navigation) needs on every page."""
    user = request.user
    role = role_of(user)
    return {
        "office_name": "District Attorney's Office",
        "user_role": role.label if role else None,
        "nav_can_upload": can_upload(user),
        "nav_is_admin": can_administer(user),
        "nav_can_decide": can_decide(user),
    }
