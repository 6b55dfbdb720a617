"""Receiving a file: check it is a DOJ bulk file, store it privately, record it, queue ingestion."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path
from typing import IO

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from cases.choices import AuditEvent
from cases.models import Upload
from cases.services.audit import audit_record
from clearance.doj.reader import SNIFF_BYTES, NotDojFile, sniff

COPY_CHUNK = 1 << 20


class UploadRefused(ValueError):
    """The file is not a DOJ bulk file; nothing was stored. The message says why."""


def _store_privately(source: IO[bytes]) -> tuple[Path, str, int, bytes]:
    """Copy the incoming stream to a private temporary file, hashing it on the way."""
    incoming = Path(settings.UPLOAD_ROOT) / "incoming"
    incoming.mkdir(parents=True, exist_ok=True)
    temp = incoming / f"{uuid.uuid4().hex}.part"
    digest = hashlib.sha256()
    size = 0
    head = b""
    with temp.open("wb") as out:
        while chunk := source.read(COPY_CHUNK):
            if len(head) < SNIFF_BYTES:
                head += chunk[: SNIFF_BYTES - len(head)]
            digest.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return temp, digest.hexdigest(), size, head


def upload_receive(
    *,
    source: IO[bytes],
    name: str,
    user: User | None,
    county: str = "",
    policy_slug: str = "statutory",
    queue: bool = True,
    ip: str | None = None,
) -> tuple[Upload, bool]:
    """Take in a file. Returns (upload, created): the same file again returns the first upload.

    Raises UploadRefused, with nothing stored, when the file is not the DOJ layout.
    """
    temp, sha256, size, head = _store_privately(source)
    try:
        try:
            layout = sniff(head, name=name)
        except NotDojFile as exc:
            with transaction.atomic():
                audit_record(
                    event=AuditEvent.UPLOAD_REFUSED,
                    user=user,
                    ip=ip,
                    detail={"file": name, "sha256": sha256, "reason": str(exc)},
                )
            raise UploadRefused(str(exc)) from exc
        existing = Upload.objects.filter(sha256=sha256).first()
        if existing is not None:
            with transaction.atomic():
                audit_record(event=AuditEvent.UPLOAD_DUPLICATE, user=user, obj=existing, ip=ip, detail={"file": name})
            return existing, False
        stored = Path(settings.UPLOAD_ROOT) / f"{sha256}.dat"
        os.replace(temp, stored)
        try:
            with transaction.atomic():
                upload = Upload.objects.create(
                    original_name=Path(name).name[:255],
                    stored_path=stored.name,
                    sha256=sha256,
                    size_bytes=size,
                    county=" ".join(county.upper().split()),
                    policy_slug=policy_slug,
                    has_header=layout.has_header,
                    uploaded_by=user,
                )
                audit_record(
                    event=AuditEvent.UPLOAD_RECEIVED,
                    user=user,
                    obj=upload,
                    ip=ip,
                    detail={"file": upload.original_name, "bytes": size, "sha256": sha256},
                )
                if queue:
                    from cases.tasks import ingest_upload

                    transaction.on_commit(lambda: ingest_upload.delay(upload.pk))
        except IntegrityError:
            # The same file arrived twice at once: the other request created it first.
            return Upload.objects.get(sha256=sha256), False
        return upload, True
    finally:
        temp.unlink(missing_ok=True)


def upload_receive_path(*, path: Path, user: User | None, county: str = "", queue: bool = False) -> tuple[Upload, bool]:
    with path.open("rb") as source:
        return upload_receive(source=source, name=path.name, user=user, county=county, queue=queue)
