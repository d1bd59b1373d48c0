"""Discussion on the text in the browser: a policy officer selects a clause and comments on it,
the other partner's officer replies, the author rewords the clause and the thread follows it,
and the thread is resolved. A partner's internal note, made without JavaScript on a whole
paragraph, never shows to the other partner."""

import pytest
from playwright.sync_api import expect

from tests.e2e.journeys import draft, edit, flash_says, look, policy

pytestmark = pytest.mark.browser

BODY = """Every village keeps a bus to the market town.

Single fares are capped at two pounds on every rural route.

Funding comes from the regional transport budget."""


def select_words(page, paragraph: int, words: str) -> None:
    """Select `words` inside a paragraph as a reader would with the mouse."""
    page.evaluate(
        """([index, words]) => {
          const para = document.querySelector(`.para[data-paragraph="${index}"]`);
          const walker = document.createTreeWalker(para, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const at = node.data.indexOf(words);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            para.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
            return;
          }
          throw new Error("words not found: " + words);
        }""",
        [paragraph, words],
    )


def test_a_clause_discussed_across_partners_follows_an_edit_and_is_resolved(open_as):
    author = open_as(policy("harbourside"))
    pid = draft(author, "Rural bus fares", BODY)

    select_words(author, 1, "capped at two pounds")
    author.get_by_role("button", name="Comment on this passage").click()
    form = author.locator("#p-1 details.para-comment form")
    expect(form.locator(".passage-quote")).to_have_text("capped at two pounds")
    form.get_by_label("What you want to say").fill("Is two pounds right for the longest routes?")
    form.get_by_role("button", name="Start thread").click()
    flash_says(author, "Thread started")
    thread = author.locator("#p-1 .thread")
    expect(thread).to_contain_text("capped at two pounds")
    expect(thread).to_contain_text("Harbourside")
    look(author, "discussion-thread-started")

    other = open_as(policy("moorland"))
    other.goto(f"/positions/{pid}")
    thread = other.locator("#p-1 .thread")
    expect(thread).to_contain_text("Is two pounds right")
    thread.locator("summary", has_text="Reply").click()
    thread.get_by_label("Your reply").fill("Our members say £1.50 on routes over ten miles.")
    thread.get_by_role("button", name="Reply").click()
    flash_says(other, "Reply added")
    expect(other.locator("#p-1 .thread")).to_contain_text("Moorland")

    # A note for Harbourside only, on a whole paragraph, as without JavaScript.
    author.goto(f"/positions/{pid}")
    note_form = author.locator("#p-2 details.para-comment")
    note_form.locator("summary").click()
    note_form.get_by_label("What you want to say").fill("Internal: we could live with £1.80.")
    note_form.get_by_label("Only Harbourside Tenants Federation (an internal note)").check()
    note_form.get_by_role("button", name="Start thread").click()
    flash_says(author, "Thread started")
    expect(author.locator("#p-2 .thread-note")).to_contain_text("Internal note")

    edit(
        author,
        pid,
        "Rural buses matter to every partner.\n\n"
        + BODY.replace("capped at two pounds", "capped at one pound fifty"),
        note="Lower cap",
    )
    flash_says(author, "Saved revision 2")
    followed = author.locator("#p-2 .thread", has_text="Is two pounds right")
    expect(followed).to_contain_text("Now reads")
    expect(followed).to_contain_text("capped at one pound fifty")
    look(author, "discussion-thread-followed")
    author.goto(f"/positions/{pid}/compare?from=1&to=2")
    expect(author.locator("#threads-on-changes")).to_contain_text("Is two pounds right")
    look(author, "discussion-compare")

    other.goto(f"/positions/{pid}")
    expect(other.locator("#discussion")).not_to_contain_text("we could live with")
    thread = other.locator("#p-2 .thread")
    thread.get_by_role("button", name="Resolve").click()
    flash_says(other, "Thread resolved")
    expect(other.locator("#p-2 .thread")).to_contain_text("Resolved")
    look(other, "discussion-thread-resolved")
