"""A reader on the public site, in Chromium: following the evidence, accessibility
(axe-core) and how every kind of page looks on a desktop and on a phone.

Screenshots go to var/screenshots/public-<page>-<width>.png for a person to look at.
"""

import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from tests.builders import make_summit_corpus

from .public_pages import PAGE_TYPES

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}


def watch(page):
    """Collect console errors (a Content-Security-Policy refusal is one) and page errors."""
    problems = []
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


@pytest.fixture
def browser_context_args(browser_context_args):
    # The reader has no JavaScript: the site is plain HTML and forms. The real
    # Content-Security-Policy applies (tests that inject axe open their own context).
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "java_script_enabled": False}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reader_filters_claims_opens_one_and_follows_an_excerpt_to_its_passage(page, live_server):
    make_summit_corpus()
    problems = watch(page)
    page.goto(f"{live_server.url}/claims/")
    page.select_option("#id_topic", label="Diplomacy")
    page.select_option("#id_corroboration", label="2 or more independent sources")
    # A click starts the next page; wait_for_url waits until it has loaded, which a
    # locator's count() or all_inner_texts() does not.
    page.click("button:has-text('Apply')")
    page.wait_for_url(re.compile(r"topic=diplomacy.*corroboration=corroborated"))
    assert page.locator(".entry-list .entry-title").all_inner_texts() == [
        "Putin praised China’s peace plan for Ukraine."
    ]
    assert "Topic: Diplomacy" in page.inner_text(".active-filters")

    page.click("text=Putin praised China’s peace plan for Ukraine.")
    page.wait_for_url("**/claims/putin-praised-peace-plan/")
    assert page.inner_text(".corroboration .badge") == "2 independent sources"
    excerpt = page.locator(".evidence-supports .citation").first
    passage = excerpt.locator("blockquote").inner_text()
    excerpt.locator(".citation-source a").click()
    page.wait_for_url(re.compile(r"/sources/[\w-]+/#passage-\d+-\d+$"))
    target = page.locator("mark:target")
    assert target.count() == 1
    assert target.inner_text() == passage
    style = target.evaluate("m => getComputedStyle(m).backgroundColor + ' ' + getComputedStyle(m).outlineStyle")
    assert style == "rgb(255, 216, 77) solid"  # highlighted more strongly than other passages
    box, viewport = target.bounding_box(), page.viewport_size
    assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"]  # scrolled to it
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "public-passage-target-1280.png")
    assert problems == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_every_kind_of_page_has_no_accessibility_violations(browser, live_server):
    make_summit_corpus()
    axe = Axe()
    violations = {}
    for width in WIDTHS.values():
        # axe is injected as a script, which the Content-Security-Policy would refuse.
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        for name, url in PAGE_TYPES.items():
            page.goto(f"{live_server.url}{url}")
            results = axe.run(page)
            if results.violations_count:
                violations[f"{name}@{width}"] = [
                    f"{v['id']}: {v['help']} ({', '.join(str(n['target']) for n in v['nodes'][:3])})"
                    for v in results.response["violations"]
                ]
        context.close()
    assert violations == {}


@pytest.mark.browser
def test_axe_finds_violations(browser):
    """The test above can fail."""
    page = browser.new_page()
    page.set_content('<html><body><img src="x.png"><a href="#"></a><input></body></html>')
    assert Axe().run(page).violations_count >= 3
    page.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_screenshots_of_every_kind_of_page_on_a_desktop_and_a_phone(browser, live_server):
    make_summit_corpus()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    overflowing = {}
    for device, width in WIDTHS.items():
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        problems = watch(page)
        for name, url in PAGE_TYPES.items():
            page.goto(f"{live_server.url}{url}")
            page.screenshot(path=SCREENSHOTS / f"public-{name}-{width}.png", full_page=True)
            # Readable on a phone: nothing wider than the screen but the scrollable table.
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                overflowing[f"{name}@{device}"] = scroll_width
        assert [p for p in problems if "status of 4" not in p] == []  # 400/404/410 pages log their status
        context.close()
    assert overflowing == {}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_filters_fold_behind_one_control_and_stay_open_on_a_desktop(browser, live_server):
    make_summit_corpus()
    phone = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = phone.new_page()
    page.goto(f"{live_server.url}/claims/")
    assert not page.locator("#id_topic").is_visible()
    # The first screen shows the list, not the form.
    first = page.locator(".entry-list .entry-title").first.bounding_box()
    assert first["y"] + first["height"] <= 844
    page.click("summary:has-text('Filter and sort')")
    assert page.locator("#id_topic").is_visible()
    page.select_option("#id_topic", label="Trade")
    page.click("button:has-text('Apply')")
    page.wait_for_url("**topic=trade**")
    assert page.locator(".entry-list .entry-title").all_inner_texts() == [
        "China’s trade with Russia reached a record high in 2022, up 30 %."
    ]
    assert page.inner_text(".filters-fold > summary").endswith("Filter and sort (1 in use)")
    phone.close()
    desktop = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = desktop.new_page()
    page.goto(f"{live_server.url}/claims/")
    assert page.locator("#id_topic").is_visible() and not page.locator(".filters-fold > summary").is_visible()
    desktop.close()
