"""What a reader notices on every list: counts in words ("1 claim"), a page past the last,
the filters folded behind one control, and no select box that offers nothing."""

import pytest

from apps.sources.models import Source
from tests import html
from tests.builders import make_claim, make_organization, make_person, make_quote, make_source, make_summit_corpus

pytestmark = pytest.mark.django_db
LISTS = ["/claims/", "/quotes/", "/agreements/", "/sources/", "/people/", "/organizations/"]


def count(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return html.the_text(html.page(response), ".result-count")


def test_one_of_a_kind_is_said_in_the_singular(client):
    source = make_source()
    make_claim(status="verified", attributed_to=make_person(), citations=[(source, "said Xi")])
    make_quote(status="verified", citations=[(source, "We’re always for peace and dialogue")])
    assert count(client, "/claims/") == "1 claim"
    assert count(client, "/quotes/") == "1 quote"
    assert count(client, "/sources/") == "1 source"
    assert count(client, "/people/") == "2 people"  # the claim's and the quote's
    assert count(client, "/people/?q=Person") == "2 people"
    make_claim(status="verified", citations=[(source, "three-day visit")])
    assert count(client, "/claims/") == "2 claims"


@pytest.mark.parametrize("path", LISTS)
def test_a_page_past_the_last_shows_the_last_page_not_a_filter_error(client, path):
    make_summit_corpus()
    response = client.get(f"{path}?page=99")
    page = html.page(response)
    assert response.status_code == 200
    assert page.select(".notice-error") == [] and page.select(".field-error") == []
    assert response.context["page_obj"].number == response.context["paginator"].num_pages
    assert html.the_text(page, ".result-count") == count(client, path)


@pytest.mark.parametrize("path", LISTS)
def test_the_filters_fold_behind_one_control_and_open_on_a_refused_value(client, path):
    make_summit_corpus()
    page = html.page(client.get(path))
    (fold,) = page.select("details.filters-fold")
    assert fold.select_one(":scope > summary").get_text(strip=True) == "Filter and sort"
    assert fold.select("form.filters") and not fold.has_attr("open")
    refused = html.page(client.get(f"{path}?order=no-such-order"))
    assert refused.select_one("details.filters-fold").has_attr("open")


def test_the_summary_says_how_many_filters_are_in_use(client):
    make_summit_corpus()
    page = html.page(client.get("/claims/?topic=trade&corroboration=single"))
    assert html.the_text(page, "details.filters-fold > summary") == "Filter and sort (2 in use)"


def test_a_select_box_with_no_choice_is_not_shown(client):
    # No source has an outlet: "Reported by" would offer nothing.
    make_claim(status="verified", citations=[(make_source(), "said Xi")])
    assert not Source.objects.exclude(outlet=None).exists()
    labels = html.texts(html.page(client.get("/claims/")), ".filter-fields label")
    assert "Reported by" not in labels and "Topic" not in labels and "Attributed to" not in labels
    assert {"Words", "Corroboration", "Sort by", "Reported from"} <= set(labels)
    # Once a source has one, the filter is offered.
    Source.objects.update(outlet=make_organization())
    assert "Reported by" in html.texts(html.page(client.get("/claims/")), ".filter-fields label")


def test_a_refused_value_of_a_hidden_filter_is_shown_with_its_error(client):
    make_claim(status="verified", citations=[(make_source(), "said Xi")])
    response = client.get("/claims/?outlet=nowhere")
    page = html.page(response)
    assert response.status_code == 400
    (field,) = page.select(".field-invalid")
    assert html.the_text(field, "label") == "Reported by"
    assert "not one of the available choices" in html.the_text(field, ".field-error")
