"""An analyst and an editor doing their daily work in the admin, in Chromium."""

from pathlib import Path

import pytest
from django.conf import settings

from apps.claims.models import Claim
from apps.quotes.models import Quote
from tests.builders import make_analyst, make_claim, make_editor, make_event, make_person, make_quote, make_source

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PASSWORD = "a-long-test-password"


def log_in(browser, live_server, username, errors):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_analyst_records_a_claim_and_another_editor_verifies_it(browser, live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    make_analyst("analyst")
    make_editor("editor")
    make_source(
        title="Xi in Moscow", body="China's trade with Russia reached a record high in 2022, increasing by 30%."
    )
    errors = []

    page = log_in(browser, live_server, "analyst", errors)
    page.goto(f"{live_server.url}/admin/claims/claim/add/")
    page.locator("#id_statement").press_sequentially("China's trade with Russia grew by 30% in 2022.")
    assert page.input_value("#id_slug") == ""  # made from the statement on saving (Entry.make_slug)
    page.fill("#id_quantity", "30")
    page.fill("#id_quantity_unit", "%")
    page.fill("#id_quantity_period", "2022")
    # The source is chosen with the autocomplete widget, as an analyst does.
    page.click("#citations-0 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "Xi in")
    page.click(".select2-results__option:has-text('Xi in Moscow')")
    page.fill("#id_citations-0-excerpt", "reached a record high in 2022, increasing by 30%")
    page.screenshot(path=SCREENSHOTS / "admin-claim-add.png", full_page=True)
    page.click("input[name=_continue]")
    page.screenshot(path=SCREENSHOTS / "admin-claim-saved.png", full_page=True)
    page.wait_for_selector(".messagelist .success")
    page.click("text=Submit for review")
    page.click("input[value='Submit for review']")
    page.screenshot(path=SCREENSHOTS / "admin-claim-submitted.png", full_page=True)
    page.wait_for_selector(".messagelist .success")
    assert "In review" in page.inner_text(".entry-status")
    assert page.locator("text=Verify").count() == 0  # no button an analyst cannot use
    page.context.close()

    page = log_in(browser, live_server, "editor", errors)
    page.click("text=Review queue")
    page.screenshot(path=SCREENSHOTS / "admin-review-queue.png", full_page=True)
    page.click("#review-queue a")  # the review page: what will be published
    assert "reached a record high" in page.inner_text("#review-differences")
    page.click("input[value='Verify']")
    page.wait_for_selector(".messagelist .success")
    page.screenshot(path=SCREENSHOTS / "admin-claim-verified.png", full_page=True)
    assert "verified by editor" in page.inner_text(".entry-status")
    page.click("text=History")
    page.screenshot(path=SCREENSHOTS / "admin-claim-history.png", full_page=True)
    assert "Verified." in page.inner_text("#change-history")
    page.context.close()

    claim = Claim.objects.get()
    assert claim.status == "verified" and claim.verified_by.username == "editor"
    assert claim.slug == "chinas-trade-with-russia-grew-by-30-in-2022"
    assert claim.created_by.username == "analyst"
    assert claim.citations.get().start == len("China's trade with Russia ")
    assert not errors, errors


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_analyst_filters_claims_and_moves_a_citation_to_another_source(browser, live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    analyst = make_analyst("analyst")
    event = make_event(name="Moscow state visit")
    sources = [make_source(title=f"Report {n}") for n in range(3)]
    other = make_source(title="Wire dispatch")
    claim = make_claim(event=event, created_by=analyst, citations=[(s, "three-day visit") for s in sources])
    errors = []

    page = log_in(browser, live_server, "analyst", errors)
    page.goto(f"{live_server.url}/admin/claims/claim/")
    # The event filter searches through the admin's autocomplete.
    page.click("#changelist-filter .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "Moscow")
    page.click(".select2-results__option:has-text('Moscow state visit')")
    page.click("#changelist-filter form.autocomplete-filter input[type=submit]")
    page.wait_for_url(f"**event__id__exact={event.pk}**")
    assert page.locator("#result_list tbody tr").count() == 1
    page.locator("#changelist-filter").screenshot(path=SCREENSHOTS / "admin-changelist-filters.png")

    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    shown = [page.inner_text(f"#citations-{n} .select2-selection__rendered") for n in range(3)]
    assert [s.lstrip("×").strip() for s in shown] == ["Report 0", "Report 1", "Report 2"]
    page.click("#citations-1 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "Wire")
    page.click(".select2-results__option:has-text('Wire dispatch')")
    page.screenshot(path=SCREENSHOTS / "admin-claim-citation-source.png", full_page=True)
    page.click("input[name=_continue]")
    page.wait_for_selector(".messagelist .success")
    assert sorted(claim.citations.values_list("source__title", flat=True)) == ["Report 0", "Report 2", "Wire dispatch"]
    assert other.pk in claim.citations.values_list("source", flat=True)
    assert errors == []
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_editor_reviews_a_change_to_a_published_claim_word_by_word(browser, live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    make_analyst("analyst")
    make_editor("editor")
    source = make_source(
        title="Trade report", body="Bilateral trade is expected to exceed $200 billion this year, reported RT."
    )
    claim = make_claim(
        statement="Trade will exceed $200 billion this year",
        status="verified",
        citations=[(source, "expected to exceed $200 billion this year")],
    )
    errors = []

    page = log_in(browser, live_server, "analyst", errors)
    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    assert "Published." in page.inner_text("#proposal-status")
    page.fill("#id_statement", "Trade will exceed $200 billion in 2023")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert "kept as a proposed change" in page.inner_text(".messagelist")
    page.click(".object-tools >> text=Submit for review")
    page.fill("#id_note", "The article names the year.")
    page.click("input[value='Submit for review']")
    page.wait_for_selector(".messagelist .success")
    page.context.close()

    # Readers still see the published statement.
    reader = browser.new_context().new_page()
    reader.goto(f"{live_server.url}{claim.get_absolute_url()}")
    assert reader.inner_text("h1") == "Trade will exceed $200 billion this year"

    page = log_in(browser, live_server, "editor", errors)
    page.click("text=Review queue")
    assert "The article names the year." in page.inner_text("#review-queue")
    page.click("#review-queue a")
    page.screenshot(path=SCREENSHOTS / "admin-review-change.png", full_page=True)
    assert page.inner_text("#review-differences del") == "this year"
    assert page.inner_text("#review-differences ins") == "in 2023"
    assert "The article names the year." in page.inner_text(".submission-note")
    page.set_viewport_size({"width": 390, "height": 900})  # on a phone, nothing sticks out (the note did)
    right = "Math.max(...[...document.querySelectorAll('body *')].map(e => e.getBoundingClientRect().right))"
    assert page.evaluate(right) <= 390
    page.click("input[value='Verify']")
    page.wait_for_selector(".messagelist .success")
    page.context.close()

    reader.goto(f"{live_server.url}{claim.get_absolute_url()}")
    reader.screenshot(path=SCREENSHOTS / "public-claim-updated.png", full_page=True)
    assert reader.inner_text("h1") == "Trade will exceed $200 billion in 2023"
    assert "Updated" in reader.inner_text(".facts")
    assert "The article names the year." in reader.inner_text(".versions")
    reader.context.close()
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_analyst_is_warned_of_a_near_duplicate_quote_and_saves_it_anyway(browser, live_server):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    make_analyst("analyst")
    source = make_source(title="Xi in Moscow", body="“We are always for peace and for dialogue,” said Xi.")
    recorded = make_quote(text="We are always for peace and dialogue", citations=[(source, "always for peace")])
    speaker = make_person(name="Xi Jinping")
    errors = []

    page = log_in(browser, live_server, "analyst", errors)
    page.goto(f"{live_server.url}/admin/quotes/quote/add/")
    page.fill("#id_text", "We are always for peace and for dialogue")
    page.click(".field-speaker .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "Xi")
    page.click(".select2-results__option:has-text('Xi Jinping')")
    page.click("#citations-0 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "Xi in")
    page.click(".select2-results__option:has-text('Xi in Moscow')")
    page.fill("#id_citations-0-excerpt", "We are always for peace and for dialogue")
    page.click("input[name=_save]")
    # Not saved: the warning beside the words, with a link to the quote already recorded.
    warning = page.locator(".field-text .errorlist")
    assert "It is close to 1 quote already recorded" in warning.inner_text()
    assert warning.locator("a").get_attribute("href") == f"/admin/quotes/quote/{recorded.pk}/change/"
    page.screenshot(path=SCREENSHOTS / "admin-quote-near-duplicate.png", full_page=True)
    assert Quote.objects.count() == 1
    page.check("#id_save_anyway")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert Quote.objects.filter(text="We are always for peace and for dialogue", speaker=speaker).exists()
    assert not errors, errors
    page.context.close()
