"""The Content-Security-Policy, enforced in Chromium, refuses nothing on the public pages
or in the admin pages of the daily workflow, and nothing logs an error to the console.

Each page reports what the policy refused through the ``securitypolicyviolation`` DOM
event (collected by an init script, which the policy does not apply to) and through the
console; the last test shows both catch an inline script and an inline style.
"""

import pytest

from tests.builders import make_analyst, make_editor, make_source, make_summit_corpus

from .public_pages import PAGE_TYPES

PASSWORD = "a-long-test-password"
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
    `at ${event.sourceFile}:${event.lineNumber} (${event.sample})`
  );
});
"""
# Violation events are queued as tasks: let them run before reading what they recorded.
READ_VIOLATIONS = """
async () => {
  await new Promise((resolve) => setTimeout(resolve, 0));
  const found = window.__cspViolations || [];
  window.__cspViolations = [];
  return found;
}
"""


class Watch:
    """What the policy refused and what was logged as an error, page by page."""

    def __init__(self, browser):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900})  # the policy applies
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.problems, self.checked = [], []
        self.page.on("console", self.on_console)
        self.page.on("pageerror", lambda error: self.problems.append(f"{self.page.url}: {error}"))

    def on_console(self, message):
        # A 4xx page logs its own status; a failing stylesheet or script still counts.
        if message.type == "error" and not (
            "the server responded with a status of 4" in message.text and message.location["url"] == self.page.url
        ):
            self.problems.append(f"{self.page.url}: console: {message.text}")

    def goto(self, url):
        response = self.page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        self.seen()
        return self.page

    def seen(self):
        """Read what the page reported; call before leaving it."""
        self.page.wait_for_load_state()
        self.checked.append(self.page.url)
        self.problems += [f"{self.page.url}: {v}" for v in self.page.evaluate(READ_VIOLATIONS)]


def log_in(watch, live_server, username):
    page = watch.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    watch.seen()
    return page


def choose(page, container, typed, option):
    """Open an autocomplete widget, type, pick: it loads its script, styles and results."""
    page.click(f"{container} .select2-selection")
    page.fill(".select2-container--open .select2-search__field", typed)
    page.click(f".select2-results__option:has-text('{option}')")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_public_pages_break_no_rule_of_the_policy(browser, live_server):
    make_summit_corpus()
    watch = Watch(browser)
    for url in PAGE_TYPES.values():
        watch.goto(f"{live_server.url}{url}")
    watch.context.close()
    assert len(watch.checked) >= len(PAGE_TYPES)
    assert watch.problems == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_daily_work_in_the_admin_breaks_no_rule_of_the_policy(browser, live_server):
    make_summit_corpus()
    make_analyst("analyst")
    make_editor("editor")
    make_source(title="Xi in Moscow", body="China's trade with Russia reached a record high in 2022, up 30%.")
    admin = f"{live_server.url}/admin"

    watch = Watch(browser)
    page = log_in(watch, live_server, "analyst")
    watch.goto(f"{admin}/claims/claim/")
    page = watch.goto(f"{admin}/claims/claim/?q=trade&status__exact=verified")
    page = watch.goto(f"{admin}/claims/claim/add/")
    page.locator("#id_statement").press_sequentially("China's trade with Russia grew by 30% in 2022.")
    choose(page, ".field-event", "state visit", "Xi Jinping’s state visit to Russia")
    choose(page, ".field-topics", "Tra", "Trade")
    choose(page, ".field-attributed_to", "Put", "Vladimir Putin")
    choose(page, "#citations-0", "Xi in", "Xi in Moscow")
    page.fill("#id_citations-0-excerpt", "reached a record high in 2022")
    page.click("#citations-group .add-row a")  # a second row, made by the inlines script
    watch.seen()
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success, .near-duplicates")
    if page.locator(".near-duplicates").count():  # the corpus has a claim this close (PostgreSQL's trigrams)
        watch.seen()
        page.check("#id_save_anyway")
        page.click("input[name=_continue]")
        page.wait_for_selector(".messagelist .success")
    watch.seen()
    # The change form, its autocompletes opened again on saved values.
    choose(page, ".field-agreements", "Joint", "Joint statement")
    page.click(".field-event .select2-selection")
    page.keyboard.press("Escape")
    watch.seen()
    page.click("text=Submit for review")
    watch.seen()
    page.click("input[value='Submit for review']")
    page.wait_for_selector(".messagelist .success")
    watch.seen()
    watch.context.close()

    watch_editor = Watch(browser)
    page = log_in(watch_editor, live_server, "editor")
    page = watch_editor.goto(f"{live_server.url}/admin/review/")
    page.click("#review-queue a")  # the review page, with what will be published
    page.wait_for_selector("#review-differences")
    watch_editor.seen()
    page.click("input[value='Verify']")
    page.wait_for_selector(".messagelist .success")
    watch_editor.seen()
    page.click("text=History")
    page.wait_for_selector("#change-history")
    watch_editor.seen()
    page.click("#change-history a:has-text('Restore this version')")
    watch_editor.seen()
    watch_editor.context.close()

    assert len(watch.checked) + len(watch_editor.checked) >= 14
    assert watch.problems + watch_editor.problems == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_watch_catches_an_inline_script_and_an_inline_style(browser, live_server):
    """The tests above can fail: a page of the site, with its own policy, given an inline
    script and an inline style attribute, is caught twice over."""
    make_summit_corpus()
    watch = Watch(browser)

    def inject(route):
        response = route.fetch()
        body = response.text().replace(
            "</main>", '<p style="color: red">x</p><script>document.title = "ran"</script></main>'
        )
        route.fulfill(response=response, body=body)

    watch.page.route(f"{live_server.url}/claims/", inject)
    watch.goto(f"{live_server.url}/claims/")
    assert watch.page.title() != "ran"  # refused, not run
    watch.context.close()
    refused = [p for p in watch.problems if "refused inline" in p]
    assert {p.split(" ")[1] for p in refused} == {"script-src-elem", "style-src-attr"}
    assert any("console:" in p and "Content Security Policy" in p for p in watch.problems)
