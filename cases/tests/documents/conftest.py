"""Rendered sample documents, made once per test session: rendering is the slow part."""

from __future__ import annotations

import pytest

from cases.documents import DocumentKind, render_document
from cases.tests.documents import samples


@pytest.fixture(scope="session")
def rendered():
    cache: dict[tuple[DocumentKind, str], bytes] = {}

    def render(kind: DocumentKind, sample: str = "mixed") -> bytes:
        key = (kind, sample)
        if key not in cache:
            items = {
                "mixed": samples.mixed_rows,
                "challenges": samples.challenges,
                "case_f9": lambda: [row for row in samples.mixed_rows() if row.court_case_number == "F9"],
            }[sample]()
            cache[key] = render_document(kind, samples.INFO, items)
        return cache[key]

    return render
