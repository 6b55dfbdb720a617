"""Who may do what. Roles are Django groups; a user in no group sees no record at all."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User

from cases.choices import Role

AnyUser = User | AnonymousUser


def roles_of(user: AnyUser) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[str] | None = getattr(user, "_clearance_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(names & set(Role.values))
        user._clearance_roles = cached  # type: ignore[union-attr,attr-defined]  # per-request cache
    return cached


def role_of(user: AnyUser) -> Role | None:
    """The user's highest role, for display: administrator > attorney > clerk."""
    roles = roles_of(user)
    for role in (Role.ADMINISTRATOR, Role.ATTORNEY, Role.CLERK):
        if role in roles:
            return role
    return None


def can_view_records(user: AnyUser) -> bool:
    return bool(roles_of(user))


def can_upload(user: AnyUser) -> bool:
    return bool(roles_of(user) & {Role.ATTORNEY, Role.ADMINISTRATOR})


def can_administer(user: AnyUser) -> bool:
    return Role.ADMINISTRATOR in roles_of(user)


def can_decide(user: AnyUser) -> bool:
    """Attorneys and administrators decide; clerks read what was decided."""
    return bool(roles_of(user) & {Role.ATTORNEY, Role.ADMINISTRATOR})
