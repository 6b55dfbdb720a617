"""Leadership reads the dashboard and compares two policies in a real browser, with a real worker."""

from __future__ import annotations

import re

import pytest

from cases.choices import RunStatus
from cases.models import PolicyComparison
from cases.services.policies import policy_get_current
from cases.tests.browser.conftest import screenshot, sign_in
from cases.tests.conftest import wait_for

pytestmark = pytest.mark.browser


def test_the_dashboard_and_a_policy_comparison(page, live_server, celery_worker_process, sample_run, administrator):
    statutory = policy_get_current(slug="statutory")
    everything = policy_get_current(slug="dismiss_all")  # stored, so it can be chosen
    base = live_server.url
    sign_in(page, base, "administrator")
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_label("Scope").select_option(str(sample_run.upload_id))
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"upload="))
    assert page.locator("figure.chart svg").count() >= 5
    recommendations = page.locator("figure.chart").filter(has_text="Recommendations").first
    assert "Dismiss and seal" in recommendations.locator("table").inner_text()
    page.set_viewport_size({"width": 1440, "height": 900})
    screenshot(page, "dashboard.png")

    page.get_by_label("Policy A").select_option(str(statutory.pk))
    page.get_by_label("Policy B").select_option(str(everything.pk))
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(re.compile(r"/comparison/\?id=\d+"))
    comparison = PolicyComparison.objects.get()
    wait_for(lambda: PolicyComparison.objects.get().status == RunStatus.DONE, what="the worker to compare")
    page.get_by_text("Convictions whose recommendation changes from A to B").wait_for(timeout=30_000)
    assert comparison.pk and page.locator("figure.chart svg").count() == 1
    screenshot(page, "comparison.png")
