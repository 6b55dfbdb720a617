"""A clerk builds a court packet in a real browser with a real worker, downloads it, files it
and records the court's order."""

from __future__ import annotations

import re

import pytest

from cases.choices import Outcome, ReviewStatus
from cases.models import Determination, PacketCount
from cases.tests.browser.conftest import screenshot, sign_in
from cases.tests.conftest import approve_everything

pytestmark = pytest.mark.browser


@pytest.fixture
def approved(transactional_db, sample_run, attorney, office):  # type: ignore[no-untyped-def]
    approve_everything(sample_run, attorney)
    return sample_run


def test_a_clerk_builds_downloads_files_and_records_an_order(page, live_server, celery_worker_process, approved, clerk):
    base = live_server.url
    sign_in(page, base, "clerk")
    page.get_by_role("link", name="Packets", exact=True).click()
    page.get_by_role("link", name="Packets by court").click()
    page.wait_for_url(re.compile(r"/uploads/\d+/packets/"))
    page.get_by_role("button", name=re.compile(r"Build for every court")).click()
    # The progress partial polls; the page reloads when the worker is done.
    page.locator(".state-ready").first.wait_for(timeout=90_000)
    screenshot(page, "packets.png")

    card = page.locator(".court-card").filter(has=page.locator(".state-ready")).filter(has_text="Filing PDF").first
    with page.expect_download() as download:
        card.get_by_role("link", name="Filing PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")

    card.get_by_role("link", name=re.compile("Mark filed")).click()
    page.wait_for_url(re.compile(r"/packets/\d+/courts/\d+/"))
    page.get_by_role("button", name="Mark filed").click()
    page.get_by_text(re.compile(r"Marked filed on")).wait_for()
    first = page.locator("form.compact-form").first
    first.get_by_role("combobox").select_option("granted")
    first.get_by_role("button", name="Record").click()
    page.get_by_text(re.compile(r"Recorded the order for case")).wait_for()
    row = PacketCount.objects.exclude(result="").get()
    assert row.result == "granted" and row.relief != Outcome.NOT_ELIGIBLE
    assert Determination.objects.get(pk=row.determination_id).review_status == ReviewStatus.GRANTED
    screenshot(page, "packet-court.png")
