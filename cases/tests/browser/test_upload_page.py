"""A real browser (Debian's Chromium driven by Playwright) against the live server and a real worker."""

from __future__ import annotations

import re

import pytest

from cases.models import Upload
from cases.tests.browser.conftest import SCREENSHOTS, sign_in
from cases.tests.conftest import sample

pytestmark = pytest.mark.browser


def test_an_attorney_uploads_a_file_and_watches_it_being_read(page, live_server, celery_worker_process, attorney):
    sign_in(page, live_server.url, "attorney")

    page.set_input_files("#id_file", str(sample("bear_bad_field_count.dat")))
    assert "bear_bad_field_count.dat" in page.locator("#chosen-file").inner_text()
    page.get_by_label("County").fill("Sacramento")
    page.get_by_role("button", name="Upload and read").click()

    page.wait_for_url("**/uploads/*/")
    progress = page.locator("#progress progress")
    assert progress.count() == 1  # the live progress bar is on the page from the start
    # The partial polls every second: rows read, then people classified; when both are done the
    # page reloads with the results.
    page.get_by_text(re.compile(r"Classified \d+ people under")).wait_for(timeout=90_000)
    assert "Read 35 rows; 1 quarantined." in page.locator("#progress").inner_text()
    assert page.locator("#progress progress").get_attribute("value") == "100"
    results = page.locator("section").filter(has_text="Recommendation")
    assert "Needs review" in results.inner_text() and "No felony any more" in results.inner_text()
    quarantine = page.locator("table").filter(has_text="Raw text")
    assert "line has 94 fields" in quarantine.inner_text()
    assert quarantine.locator("td.num").first.inner_text() == "2"
    upload = Upload.objects.get()
    assert upload.county == "SACRAMENTO" and upload.uploaded_by == attorney

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "upload-result.png"), full_page=True)
    page.goto(f"{live_server.url}/uploads/")
    page.screenshot(path=str(SCREENSHOTS / "uploads.png"), full_page=True)


def test_a_refused_file_shows_the_reason_in_the_browser(page, live_server, attorney):
    sign_in(page, live_server.url, "attorney")
    page.set_input_files("#id_file", str(sample("gogen_bad_field_count.csv")))
    page.get_by_role("button", name="Upload and read").click()
    alert = page.get_by_role("alert")
    assert "94 fields" in alert.inner_text() and "Nothing was stored" in alert.inner_text()
    assert Upload.objects.count() == 0
