"""Office policies as versioned records: presets appear on first use; saving makes a new version."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Max

from cases.choices import AuditEvent
from cases.models import Policy
from cases.services.audit import audit_record
from clearance.eligibility.policies import PRESETS, PolicyError, bear_policy

PRESET_NAMES = {
    "statutory": "Statute only (HS 11361.8)",
    "dismiss_all": "Dismiss all (San Francisco 2019)",
    "bear": "BEAR options (Code for America)",
    "los_angeles_2020": "Los Angeles 2020",
    "sacramento_2019": "Sacramento 2019",
    "san_joaquin_2019": "San Joaquin 2019",
}


def policy_get_current(*, slug: str) -> Policy:
    """The newest version of a policy; a preset's first version is created when first asked for."""
    current = Policy.objects.filter(slug=slug).order_by("-version").first()
    if current is not None:
        return current
    preset = PRESETS.get(slug)
    if preset is None:
        raise PolicyError(f"no policy named {slug!r}; presets are {', '.join(sorted(PRESETS))}")
    try:
        with transaction.atomic():
            return Policy.objects.create(
                slug=slug, version=1, kind=preset.kind, name=PRESET_NAMES.get(slug, slug), options=dict(preset.options)
            )
    except IntegrityError:  # created by a concurrent request
        return Policy.objects.get(slug=slug, version=1)


def policy_save(*, slug: str, kind: str, name: str, options: dict[str, Any], user: User | None) -> Policy:
    """Validate and store a new version of a policy (a bad option raises PolicyError, nothing stored)."""
    if kind not in PRESETS:
        raise PolicyError(f"kind must be one of {', '.join(sorted(PRESETS))}, got {kind!r}")
    validated: dict[str, Any] = {}
    if kind == "bear":
        validated = dict(bear_policy(options, slug=slug).options)
    elif options:
        raise PolicyError(f"the {kind} policy takes no options")
    latest = Policy.objects.filter(slug=slug).aggregate(v=Max("version"))["v"] or 0
    try:
        with transaction.atomic():
            policy = Policy.objects.create(
                slug=slug,
                version=latest + 1,
                kind=kind,
                name=name or PRESET_NAMES.get(slug, slug),
                options=validated,
                created_by=user,
            )
            audit_record(
                event=AuditEvent.POLICY_SAVED,
                user=user,
                obj=policy,
                detail={"slug": slug, "version": policy.version, "kind": kind, "options": validated},
            )
    except IntegrityError as exc:
        raise PolicyError(f"{slug} was changed by someone else at the same time; reload and save again") from exc
    return policy
