"""Attorneys review in a real browser: filter, open a case, override, approve by keyboard, bulk-approve."""

from __future__ import annotations

import re

import pytest

from cases.choices import DecisionAction, Outcome, ReviewStatus
from cases.models import Decision, Determination
from cases.tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def reviewed(transactional_db, sample_run):  # type: ignore[no-untyped-def]
    """The classified sample, committed so the live server's thread can read it."""
    return sample_run


def test_an_attorney_reviews_from_the_queue_with_mouse_and_keyboard(page, live_server, reviewed, attorney):
    base = live_server.url
    sign_in(page, base, "attorney")
    page.get_by_role("link", name="Review", exact=True).click()
    page.wait_for_url("**/review/")

    # Filter by a facet: the filter lands in the URL and the count follows it.
    not_eligible = Determination.objects.filter(run=reviewed, outcome=Outcome.NOT_ELIGIBLE).count()
    page.locator(".facets").get_by_role("link", name="Not eligible").click()
    page.wait_for_url(re.compile(r"outcome=not_eligible"))
    assert f"{not_eligible} conviction" in page.locator("#queue-count").inner_text()
    assert page.locator("table.queue-table tbody tr").count() == not_eligible
    # Everything on the row says "Not eligible" in words, not only in colour.
    assert set(page.locator("table.queue-table .outcome").all_inner_texts()) == {"Not eligible"}
    page.goto(f"{base}/review/")
    page.set_viewport_size({"width": 1600, "height": 900})
    screenshot(page, "review-queue.png")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.go_back()

    # Search within the filter by name.
    first = Determination.objects.filter(run=reviewed, outcome=Outcome.NOT_ELIGIBLE).order_by("line").first()
    surname = first.person.name.split(",")[0]
    page.get_by_label("Name, CII or case number").fill(surname)
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"q="))
    assert surname in page.locator("table.queue-table").inner_text()

    # Open a case: its history, the candidate's reasons and the raw line one click away.
    page.locator("table.queue-table tbody tr").first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/review/\d+/"))
    case_id = int(re.search(r"/review/(\d+)/", page.url).group(1))
    focus = Determination.objects.get(pk=case_id)
    panel = page.locator(f"#d{case_id}")
    assert focus.reasons[0]["text"] in panel.inner_text()
    raw = page.locator(f"#e{focus.event_id} details.raw-line")
    raw.locator("summary").click()
    assert focus.person.subject_id in raw.inner_text()
    screenshot(page, "case-page.png")

    # Override with the keyboard shortcut `o`: it opens the form; a reason is required.
    page.locator("body").press("o")
    panel.get_by_label("Outcome").select_option(Outcome.DISMISS_AND_SEAL.value)
    panel.get_by_label("Reason (required, kept in the record)").fill("Office policy: the prior is 30 years old.")
    panel.get_by_role("button", name="Save override").click()
    page.get_by_text("Overridden to Dismiss and seal").wait_for()
    decision = Decision.objects.get(determination_id=case_id)
    assert decision.action == DecisionAction.OVERRIDE and decision.decided_by == attorney
    assert decision.reason == "Office policy: the prior is 30 years old."

    # `?` shows the shortcuts; then approve a case with `a` alone.
    page.locator("body").press("?")
    assert page.locator("#shortcuts").is_visible()
    page.keyboard.press("Escape")
    page.goto(f"{base}/review/?outcome=reduce_to_misdemeanor")
    page.locator("table.queue-table tbody tr").first.get_by_role("link").click()
    page.wait_for_url(re.compile(r"/review/\d+/\?outcome=reduce_to_misdemeanor"))
    approved_id = int(re.search(r"/review/(\d+)/", page.url).group(1))
    page.locator("body").press("a")
    page.get_by_text("Approved Reduce to misdemeanor").wait_for()
    assert Determination.objects.get(pk=approved_id).review_status == ReviewStatus.APPROVED
    # `j` moves to the next conviction of the same queue.
    page.locator("body").press("j")
    page.wait_for_url(lambda url: f"/review/{approved_id}/" not in url)
    assert "outcome=reduce_to_misdemeanor" in page.url

    # Bulk approval of the rest of this filter, after a confirmation showing the count.
    remaining = Determination.objects.filter(
        run=reviewed, outcome=Outcome.REDUCE_TO_MISDEMEANOR, review_status=ReviewStatus.PENDING
    ).count()
    page.goto(f"{base}/review/?outcome=reduce_to_misdemeanor")
    page.get_by_role("link", name=f"Approve {remaining} as recommended…").click()
    assert f"approve {remaining} pending" in page.locator("main").inner_text()
    page.get_by_role("button", name=f"Approve {remaining} conviction").click()
    page.get_by_text(f"Approved {remaining} conviction").wait_for()
    assert not Determination.objects.filter(
        run=reviewed, outcome=Outcome.REDUCE_TO_MISDEMEANOR, review_status=ReviewStatus.PENDING
    ).exists()


def test_a_clerk_reads_a_case_but_cannot_decide(page, live_server, reviewed, clerk):
    sign_in(page, live_server.url, "clerk")
    target = Determination.objects.filter(run=reviewed).exclude(outcome=Outcome.NEEDS_REVIEW).first()
    page.goto(f"{live_server.url}/review/{target.pk}/")
    assert target.person.name in page.locator("h1").inner_text()
    assert page.get_by_role("button", name=re.compile("^Approve")).count() == 0
    page.locator("body").press("a")
    page.wait_for_timeout(300)
    assert not Decision.objects.exists()
    page.goto(f"{live_server.url}/review/?outcome=reduce_to_misdemeanor")
    assert page.get_by_role("link", name=re.compile("as recommended")).count() == 0
