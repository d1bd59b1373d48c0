"""Readable changes in the browser: the compare page's formatted layout shows the rendered text
with insertions and deletions marked, "changes only" folds unchanged paragraphs (opened without
JavaScript), and a chief officer whose approval went stale sees the changes in the decision
panel."""

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import chief, decide, draft, edit, look, policy

pytestmark = pytest.mark.browser

BEFORE = """## Community energy

Councils should back **community-owned** energy schemes with
[low-cost loans](https://example.org/loans).

- Planning guidance for small wind
- A fund for feasibility studies
- Grid connection support

Schemes keep their profits local.

Tenants in social housing share in the savings.

Every scheme reports its output each year.
"""

AFTER = """## Community and co-operative energy

Councils should back **co-operative** energy schemes with
[low-cost loans](https://example.org/loans) and grants.

- Planning guidance for small wind
- Grid connection support within six months

Schemes keep their profits local.

Tenants in social housing share in the savings.

Every scheme reports its output each year.
"""


def test_a_reviewer_reads_the_formatted_changes_and_folds_the_rest(open_as):
    drafter = open_as(policy("harbourside"))
    pid = draft(drafter, "Community energy", BEFORE)
    hana = open_as(chief("moorland"))
    decide(hana, pid, "approve")
    edit(drafter, pid, AFTER, note="Co-operatives, and a deadline for grid connections")

    drafter.goto(f"/positions/{pid}/compare?from=1&to=2")
    drafter.get_by_label("Layout").select_option(label="Formatted")
    drafter.get_by_role("button", name="Show").click()
    diff = drafter.locator(".diff-formatted")
    expect(diff.get_by_role("heading", level=2)).to_have_count(1)  # one heading, its words marked
    expect(diff.locator("h2 ins")).to_contain_text("co-operative")
    expect(diff.locator("strong ins")).to_contain_text("co-operative")
    expect(diff.locator("strong del")).to_contain_text("community-owned")
    expect(diff.locator("li del")).to_contain_text("A fund for feasibility studies")
    expect(diff).not_to_contain_text("**")
    expect(diff).not_to_contain_text("##")
    look(drafter, "compare-formatted")

    drafter.get_by_label("Changes only").check()
    drafter.get_by_role("button", name="Show").click()
    folded = drafter.locator("details.folded")
    expect(folded).to_have_count(1)
    expect(folded.locator("summary")).to_have_text("3 unchanged paragraphs")
    expect(drafter.get_by_text("Tenants in social housing")).to_be_hidden()
    folded.locator("summary").click()
    expect(drafter.get_by_text("Tenants in social housing")).to_be_visible()
    look(drafter, "compare-formatted-changes-only")
    drafter.get_by_label("Layout").select_option(label="Side by side")
    drafter.get_by_role("button", name="Show").click()
    expect(drafter.locator("details.folded summary")).to_have_text("3 unchanged paragraphs")
    look(drafter, "compare-side-changes-only")

    # Hana's approval went stale: her decision panel shows what changed since, formatted.
    hana.goto(f"/positions/{pid}")
    panel = hana.locator("#changes-since-decided")
    expect(panel).to_contain_text("Changes since Moorland Villages Network last decided")
    expect(panel.locator("ins").first).to_be_visible()
    expect(panel).not_to_contain_text("**")
    look(hana, "decision-panel-changes")


def test_changes_only_opens_without_javascript(open_as):
    drafter = open_as(policy("riverbank"))
    pid = draft(drafter, "Quiet streets", "One.\n\nTwo.\n\nThree.\n\nFour.")
    edit(drafter, pid, "One.\n\nTwo.\n\nThree!\n\nFour.")
    reader = open_as(policy("moorland"), javascript=False)
    reader.goto(f"/positions/{pid}/compare?from=1&to=2&view=side&only=1")
    first = reader.locator("details.folded").first
    expect(first.locator("summary")).to_have_text("2 unchanged paragraphs")
    first.locator("summary").click()
    expect(first).to_have_attribute("open", "")
