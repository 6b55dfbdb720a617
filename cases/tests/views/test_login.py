from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cases.choices import AuditEvent
from cases.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_login_page_is_served_to_everyone():
    response = Client().get(reverse("login"))
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()


def test_signing_in_and_out_is_audited(attorney):
    client = Client()
    response = client.post(reverse("login"), {"username": "attorney", "password": "a-long-test-password"})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(event=AuditEvent.LOGIN, user=attorney).count() == 1
    client.post(reverse("logout"))
    assert AuditEntry.objects.filter(event=AuditEvent.LOGOUT, user=attorney).count() == 1


def test_a_failed_sign_in_is_audited_with_the_name_typed(attorney):
    Client().post(reverse("login"), {"username": "attorney", "password": "wrong"})
    entry = AuditEntry.objects.get(event=AuditEvent.LOGIN_FAILED)
    assert entry.username == "attorney" and entry.user is None


def test_five_failed_sign_ins_lock_the_account(attorney):
    client = Client()
    for _ in range(5):
        client.post(reverse("login"), {"username": "attorney", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "attorney", "password": "a-long-test-password"})
    assert response.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_the_audit_trail_cannot_be_rewritten(attorney):
    from django.db import DatabaseError, transaction

    Client().post(reverse("login"), {"username": "attorney", "password": "wrong"})
    entry = AuditEntry.objects.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(username="someone else")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).username == "attorney"
