"""Classifying chunks in processes of our own, for commands that run without Celery.

Spawned interpreters import this module before Django is set up, so it imports nothing of
Django's at the top.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context


def run_chunks(chunk_ids: Sequence[int], *, jobs: int) -> None:
    """Run the chunks here, or in up to `jobs` fresh processes (the chunks are independent and
    idempotent, as under Celery; whichever finishes last finishes the run).

    Other processes see only what is committed: inside a transaction (a test's) the chunks
    run here.
    """
    from django.db import connection

    from cases.services.classify import classification_run_chunk

    if jobs < 2 or len(chunk_ids) < 2 or connection.in_atomic_block:
        for chunk_id in chunk_ids:
            classification_run_chunk(chunk_id=chunk_id)
        return
    # On the database this process uses: a test run's is not the one the settings name.
    database = connection.settings_dict["NAME"]
    context = get_context("spawn")  # fresh interpreters, no connection shared across a fork
    with ProcessPoolExecutor(
        min(jobs, len(chunk_ids)), mp_context=context, initializer=_start, initargs=(database,)
    ) as pool:
        for _chunk_id in pool.map(_run_chunk, chunk_ids):
            pass  # map re-raises a chunk's error here


def _start(database: str) -> None:
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database
    django.setup()


def _run_chunk(chunk_id: int) -> int:
    from cases.services.classify import classification_run_chunk

    classification_run_chunk(chunk_id=chunk_id)
    return chunk_id
