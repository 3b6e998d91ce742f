"""The analyst's workbench in Chromium (issue 18), at 1280 and 390 pixels wide: a claim
recorded by selecting its passage in the source's text, the refused passage's message
beside its row with the closest passage, lists and forms no wider than the screen, the
preview, and "your work"; no Content-Security-Policy violation nor console error."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from apps.claims.models import Claim
from tests.builders import make_agreement, make_analyst, make_claim, make_editor, make_quote, make_source
from tests.test_csp_browser import READ_VIOLATIONS, RECORD_VIOLATIONS

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "a-long-test-password"
WIDTHS = [1280, 390]
BODY = (
    "Xi Jinping arrived in Moscow on Monday for a three-day state visit.\n\n"
    "China's trade with Russia reached a record high in 2022, increasing by 30%. "
    "The two leaders urged a responsible dialogue. " * 3
)
PASSAGE = "reached a record high in 2022, increasing by 30%"
# Where the selected text's first and last characters are on the screen (after
# scrolling them into view): the test drags the mouse over them, as an analyst does.
PASSAGE_CORNERS = """
(passage) => {
  const box = document.getElementById("source-text");
  const text = box.firstChild;
  const start = text.data.indexOf(passage);
  const range = document.createRange();
  box.scrollIntoView({block: "start"});
  range.setStart(text, start);
  range.setEnd(text, start + 1);
  box.scrollTop += range.getBoundingClientRect().top - box.getBoundingClientRect().top - 10;
  const first = range.getBoundingClientRect();
  range.setStart(text, start + passage.length - 1);
  range.setEnd(text, start + passage.length);
  const last = range.getBoundingClientRect();
  return {x1: first.left + 1, y1: first.top + first.height / 2, x2: last.right - 1, y2: last.top + last.height / 2};
}
"""


class Session:
    """A signed-in person's browser at one width, counting what they do and collecting
    every CSP violation and console error."""

    def __init__(self, browser, live_server, username, width):
        self.live_server = live_server
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.problems, self.actions = [], 0
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"{self.page.url}: {m.text}"))
        self.page.on("pageerror", lambda error: self.problems.append(f"{self.page.url}: {error}"))
        if username:
            self.page.goto(f"{live_server.url}/admin/login/")
            self.page.fill("#id_username", username)
            self.page.fill("#id_password", PASSWORD)
            self.page.click("input[type=submit]")
            self.page.wait_for_url(f"{live_server.url}/admin/")

    def goto(self, path):
        response = self.page.goto(f"{self.live_server.url}{path}")
        self.check()
        return response

    def act(self, what, *args):
        """One thing the person does (a click, a typed field, a drag)."""
        self.actions += 1
        getattr(self.page, what)(*args)

    def check(self):
        self.problems += [f"{self.page.url}: CSP: {v}" for v in self.page.evaluate(READ_VIOLATIONS)]

    def no_sideways_scroll(self):
        width = self.page.evaluate("document.documentElement.scrollWidth")
        viewport = self.page.evaluate("window.innerWidth")
        assert width <= viewport, f"{self.page.url} is {width} px wide at {viewport} px"

    def close(self):
        self.check()
        self.context.close()
        assert self.problems == []


@pytest.fixture
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_an_analyst_records_a_claim_by_selecting_its_passage(browser, live_server, screenshots, width):
    make_analyst("analyst")
    source = make_source(title="Xi in Moscow", body=BODY)
    make_source(title="Another report")
    me = Session(browser, live_server, "analyst", width)
    page = me.page
    me.goto(reverse("admin:claims_claim_changelist"))

    me.act("click", ".object-tools a.addlink")
    me.act("fill", "#id_statement", "China's trade with Russia grew by 30% in 2022.")
    me.act("click", "#citations-0 .select2-selection")
    me.act("click", ".select2-results__option:has-text('Xi in Moscow')")
    page.wait_for_selector("#source-text:has-text('three-day state visit')")
    assert "Xi in Moscow" in page.inner_text("#source-pane-title")
    corners = page.evaluate(PASSAGE_CORNERS, PASSAGE)
    me.actions += 1  # the drag over the passage
    page.mouse.move(corners["x1"], corners["y1"])
    page.mouse.down()
    page.mouse.move(corners["x2"], corners["y2"], steps=4)
    page.mouse.up()
    assert page.input_value("#id_citations-0-excerpt") == PASSAGE
    start = BODY.index(PASSAGE)
    assert f"characters {start}–{start + len(PASSAGE)}" in page.inner_text("#source-pane-status")
    shown = [page.inner_text(f"#citations-0 .fieldBox.field-{name} .readonly") for name in ("start", "end")]
    assert shown == [str(start), str(start + len(PASSAGE))]
    me.no_sideways_scroll()
    page.screenshot(path=screenshots / f"admin-select-to-cite-{width}.png", full_page=True)
    me.act("click", "input[name=_submit]")
    page.wait_for_selector(".messagelist .success")
    assert "saved and submitted for review" in page.inner_text(".messagelist")
    assert "In review" in page.inner_text(".entry-status")
    me.check()
    assert me.actions <= 8, me.actions

    claim = Claim.objects.get()
    citation = claim.citations.get()
    assert claim.status == "in_review" and citation.source == source
    assert (citation.start, citation.end) == (start, start + len(PASSAGE))
    me.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_a_refused_passage_is_reported_beside_its_row_with_the_closest_one(browser, live_server, screenshots, width):
    make_analyst("analyst")
    make_source(title="Xi in Moscow", body=BODY)
    me = Session(browser, live_server, "analyst", width)
    page = me.page
    me.goto(reverse("admin:claims_claim_add"))
    page.fill("#id_statement", "Trade grew by 30%.")
    page.click("#citations-0 .select2-selection")
    page.click(".select2-results__option:has-text('Xi in Moscow')")
    page.fill("#id_citations-0-excerpt", "reached a record hihg in 2022")  # pasted with a typo
    page.click("input[name=_continue]")
    page.wait_for_selector("#error-summary")
    me.check()
    row_error = page.inner_text("#citations-0 .errorlist")
    assert "is not in the source “Xi in Moscow”" in row_error
    assert "The closest passage it contains: “reached a record high in 2022”" in row_error
    page.click("#error-summary a[href='#citations-0']")
    assert page.evaluate("location.hash") == "#citations-0"
    assert page.locator("#citations-0 .errorlist").is_visible()
    assert page.input_value("#id_citations-0-excerpt") == "reached a record hihg in 2022"  # kept
    me.no_sideways_scroll()
    page.screenshot(path=screenshots / f"admin-refused-passage-{width}.png", full_page=True)
    me.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_lists_and_forms_fit_the_screen(browser, live_server, screenshots, width):
    analyst = make_analyst("analyst")
    source = make_source(title="Xi in Moscow", body=BODY)
    long = "China and Russia agreed to deepen their comprehensive strategic partnership of coordination " * 3
    claim = make_claim(statement=long, created_by=analyst, citations=[(source, PASSAGE)])
    make_quote(
        text="The two leaders urged a responsible dialogue", citations=[(source, "urged a responsible dialogue")]
    )
    make_agreement(title="Joint statement on deepening the partnership " * 3, citations=[(source, "three-day")])
    me = Session(browser, live_server, "analyst", width)
    page = me.page
    for model in ("claims/claim", "quotes/quote", "agreements/agreement"):
        me.goto(f"/admin/{model}/")
        me.no_sideways_scroll()
        name = model.split("/")[1]
        page.screenshot(path=screenshots / f"admin-{name}-list-{width}.png", full_page=True)
        if width == 1280:
            # Every column in view, no scroll inside the list either.
            assert page.evaluate(
                "(() => { const r = document.querySelector('.results'); return r.scrollWidth <= r.clientWidth; })()"
            ), model
            # The text on two lines at most, all of it on hover.
            clamp = page.locator("#result_list .clamp").first
            lines = clamp.evaluate("e => e.clientHeight / parseFloat(getComputedStyle(e).lineHeight)")
            assert lines <= 2.05, (model, lines)
            assert clamp.get_attribute("title").strip()
        me.goto(f"/admin/{model}/add/")
        me.no_sideways_scroll()
    me.goto(f"/admin/claims/claim/{claim.pk}/change/")
    page.wait_for_selector("#source-text:has-text('three-day state visit')")  # its source, beside it
    me.no_sideways_scroll()
    page.screenshot(path=screenshots / f"admin-claim-change-{width}.png", full_page=True)
    me.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_preview_a_draft_and_anyone_else_gets_a_404(browser, live_server, screenshots):
    analyst = make_analyst("analyst")
    source = make_source(title="Xi in Moscow", body=BODY)
    draft = make_claim(statement="Trade reached a record", created_by=analyst, citations=[(source, PASSAGE)])
    me = Session(browser, live_server, "analyst", 1280)
    page = me.page
    me.goto(f"/admin/claims/claim/{draft.pk}/change/")
    with page.expect_navigation():
        page.click("a.viewsitelink")
    me.check()
    assert "Preview: not published." in page.inner_text("#preview-banner")
    assert page.inner_text("h1") == "Trade reached a record"
    assert page.locator("meta[name=robots][content=noindex]").count() == 1
    page.screenshot(path=screenshots / "preview-draft-claim.png", full_page=True)
    address = page.url
    me.close()

    reader = Session(browser, live_server, None, 1280)
    assert reader.page.goto(address).status == 404
    reader.context.close()


def narrowest_cell(page, table):
    """The width in pixels of the table's narrowest cell: text squeezed into a column a
    letter wide is not read."""
    return min(page.locator(f"{table} td, {table} th").evaluate_all("cells => cells.map(c => c.offsetWidth)"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_admin_home_shows_my_work_and_an_editor_the_queue_first(browser, live_server, screenshots, width):
    analyst = make_analyst("analyst")
    make_editor("editor")
    make_claim(statement="My draft about trade", created_by=analyst)
    make_claim(statement="Sent back about energy", created_by=analyst, review_note="Name the outlet.")
    make_claim(statement="In review about media", created_by=analyst, status="in_review")

    me = Session(browser, live_server, "analyst", width)
    work = me.page.inner_text("#my-work")
    assert "My draft about trade" in work and "In review about media" in work
    assert "Sent back about energy" in work and "Name the outlet." in work
    me.no_sideways_scroll()
    assert narrowest_cell(me.page, "#my-work") > 80
    me.page.screenshot(path=screenshots / f"admin-home-analyst-{width}.png", full_page=True)
    me.page.click("#my-work >> text=Sent back about energy")
    assert "sent back: “Name the outlet.”" in me.page.inner_text(".entry-status")
    me.close()

    editor = Session(browser, live_server, "editor", width)
    boxes = editor.page.locator("#content .module").evaluate_all("nodes => nodes.map(n => n.id)")
    assert boxes[:2] == ["home-review-queue", "my-work"]
    assert "In review about media" in editor.page.inner_text("#home-review-queue")
    editor.no_sideways_scroll()
    assert narrowest_cell(editor.page, "#home-review-queue") > 80
    editor.page.screenshot(path=screenshots / f"admin-home-editor-{width}.png", full_page=True)
    editor.close()
