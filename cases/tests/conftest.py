"""The cast every view test shares: an attorney, a clerk, an administrator, an outsider."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from cases.choices import Role

SAMPLES = Path(__file__).parent / "data" / "doj-samples"


@pytest.fixture(autouse=True)
def _private_upload_root(settings, tmp_path):
    settings.UPLOAD_ROOT = tmp_path / "uploads"


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(username: str, role: Role | None) -> User:
        user = User.objects.create_user(username=username, password="a-long-test-password")
        if role is not None:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def attorney(make_user) -> User:
    return make_user("attorney", Role.ATTORNEY)


@pytest.fixture
def clerk(make_user) -> User:
    return make_user("clerk", Role.CLERK)


@pytest.fixture
def administrator(make_user) -> User:
    return make_user("administrator", Role.ADMINISTRATOR)


@pytest.fixture
def outsider(make_user) -> User:
    return make_user("outsider", None)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


def sample(name: str) -> Path:
    return SAMPLES / name
