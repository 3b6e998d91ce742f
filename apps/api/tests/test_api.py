"""The read-only JSON API (/api/): its OpenAPI description validates and describes what
it serves, and its lists and details say what the pages say, with the same filters,
order and pages, and nothing the pages would not show."""

import json
import re

import jsonschema
import pytest
from drf_spectacular.validation import validate_schema

from apps.agreements.models import Agreement
from apps.claims.models import Claim
from apps.editorial import registry
from apps.quotes.models import Quote
from tests import html
from tests.builders import make_claim, make_editor, make_source, make_summit_corpus

pytestmark = pytest.mark.django_db

# The same filters on the page and in the API: each kind with queries its list understands.
QUERIES = {
    "claims": [
        "",
        "topic=diplomacy",
        "event=xi-state-visit-2023",
        "event=press-briefing",
        "speaker=vladimir-putin",
        "outlet=regional-policy-review",
        "reported_from=2023-04-01",
        "corroboration=disputed",
        "corroboration=corroborated&order=statement",
        "order=event",
        "q=agreements",
        "q=peace plan",
    ],
    "quotes": [
        "",
        "speaker=person:xi-jinping",
        "event=state-dinner",
        "said_from=2023-03-21",
        "order=speaker",
        "q=peace",
    ],
    "agreements": ["", "kind=joint_statement", "party=china", "signatory=xi-jinping", "order=title", "q=statement"],
}


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:300])
    assert response["Content-Type"] == "application/json" or url.startswith("/api/schema/")
    return json.loads(response.content)


def schema(client):
    return get_json(client, "/api/schema/")


def nullable_to_json_schema(node):
    """OpenAPI 3.0's ``nullable`` as JSON Schema says it (``null`` is one of the choices)."""
    if isinstance(node, list):
        return [nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: nullable_to_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        return {"anyOf": [node, {"type": "null"}]}
    return node


def conforms(document, component, described):
    """Check ``document`` against the description's component (every property, type and requirement)."""
    root = {"components": nullable_to_json_schema(described["components"]), "$ref": f"#/components/schemas/{component}"}
    jsonschema.Draft202012Validator(root).validate(document)


def listed_on_the_page(client, url):
    """The addresses of the entries a list page shows, in order, and its count."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:500])
    page = html.page(response)
    titles = page.select(".entry-list .entry-title a, .entry-list .entry-quote-text a")
    count = int(html.the_text(page, ".result-count").split()[0])
    return [f"http://testserver{a['href']}" for a in titles], count


def test_the_openapi_description_validates_and_covers_every_kind_with_its_filters(client):
    described = schema(client)
    validate_schema(described)  # drf-spectacular's validation against the OpenAPI 3 JSON Schema
    kinds = [kind for kind in registry.entry_types() if kind.serializer]
    assert {kind.name for kind in kinds} == {"claims", "quotes", "agreements"}
    for kind in kinds:
        parameters = {p["name"] for p in described["paths"][f"/api/{kind.name}/"]["get"]["parameters"]}
        assert set(kind.filterset.base_filters) | {"page", "page_size"} == parameters, kind.name
        assert f"/api/{kind.name}/{{slug}}/" in described["paths"]
    assert set(described["paths"]) == {f"/api/{k.name}/" for k in kinds} | {f"/api/{k.name}/{{slug}}/" for k in kinds}


def test_the_description_fails_on_a_broken_document(client):
    """The check above can fail."""
    described = schema(client)
    del described["paths"]["/api/claims/"]["get"]["responses"]
    with pytest.raises(jsonschema.ValidationError):
        validate_schema(described)


@pytest.mark.parametrize("kind", list(QUERIES))
def test_each_list_says_what_its_page_says_with_every_filter_and_conforms_to_the_description(client, kind):
    make_summit_corpus()
    described = schema(client)
    component = f"Paginated{ {'claims': 'Claim', 'quotes': 'Quote', 'agreements': 'Agreement'}[kind] }List"
    for query in QUERIES[kind]:
        on_page, count = listed_on_the_page(client, f"/{kind}/?{query}")
        data = get_json(client, f"/api/{kind}/?{query}")
        conforms(data, component, described)
        assert [entry["url"] for entry in data["results"]] == on_page, query
        assert (data["count"], data["count_exact"]) == (count, True), query
    assert get_json(client, f"/api/{kind}/")["results"], "the corpus has some"


def test_a_detail_says_what_the_entry_page_says(client):
    make_summit_corpus()
    described = schema(client)
    for model, component in ((Claim, "Claim"), (Quote, "Quote"), (Agreement, "Agreement")):
        for entry in model.objects.verified():
            data = get_json(client, f"/api/{model._meta.verbose_name_plural}/{entry.slug}/")
            conforms(data, component, described)
            page = html.page(client.get(entry.get_absolute_url()))
            assert data["url"] == f"http://testserver{entry.get_absolute_url()}"
            assert data["corroboration"]["label"] == html.the_text(page, ".corroboration .badge")
            # The page groups the evidence by stance, each group in the API's order.
            for stance in ("supports", "contradicts", "mentions"):
                shown = [
                    (html.text(li.blockquote), f"http://testserver{li.select_one('.citation-source a')['href']}")
                    for li in page.select(f".evidence-{stance} .citation")
                ]
                assert [(c["passage"], c["passage_url"]) for c in data["evidence"] if c["stance"] == stance] == shown
            reasons = [r.removeprefix("Why they differ: ") for r in html.texts(page, ".disputes .dispute-reason")]
            assert [d["reason"] or "No reason was recorded for this one." for d in data["disputes"]] == reasons
            if model is Claim:
                assert data["statement"] == html.the_text(page, "h1")
                verdict = data["verdict"]["name"] if data["verdict"] else "the truth cannot be judged"
                assert verdict == html.the_text(page, ".verdict-name")
                assert data["quantity"] is None or data["quantity"]["display"] == html.the_text(
                    page, ".facts .quantity"
                )


def test_pages_of_the_api_are_the_pages_of_the_list(client):
    source = make_source()
    for n in range(30):
        make_claim(status="verified", statement=f"Claim number {n:02}", citations=[(source, "said Xi")])
    first, second = get_json(client, "/api/claims/"), get_json(client, "/api/claims/?page=2")
    assert first["count"] == 30 and len(first["results"]) == 25 and len(second["results"]) == 5
    assert first["next"] == "http://testserver/api/claims/?page=2" and second["previous"]
    assert [e["url"] for e in second["results"]] == listed_on_the_page(client, "/claims/?page=2")[0]
    assert len(get_json(client, "/api/claims/?page_size=100")["results"]) == 30
    assert len(get_json(client, "/api/claims/?page_size=1000")["results"]) == 30  # capped at 100
    assert get_json(client, "/api/claims/?page=99", status=404)  # past the last page


def test_what_the_api_refuses(client):
    corpus = make_summit_corpus()
    assert get_json(client, "/api/claims/?topic=no-such-topic&reported_from=someday", status=400) == {
        "topic": ["Select a valid choice. no-such-topic is not one of the available choices."],
        "reported_from": ["Enter a valid date."],
    }
    assert get_json(client, "/api/claims/no-such-claim/", status=404)
    assert get_json(client, "/api/claims/draft-gas-shipments/", status=404)
    assert get_json(client, "/api/quotes/in-review-scientific-potentials/", status=404)
    assert get_json(client, "/api/claims/retracted-200-billion/", status=410) == {
        "detail": "This claim was retracted.",
        "corrections": "http://testserver/corrections/",
    }
    claim = corpus["claims"][0]
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(f"/api/claims/{claim.slug}/").status_code == 405, method
    assert client.post("/api/claims/").status_code == 405


def test_a_signed_in_editor_gets_no_more_than_a_reader_and_nothing_sets_a_cookie(client):
    make_summit_corpus()
    anonymous = client.get("/api/claims/")
    assert not anonymous.cookies
    client.force_login(make_editor())
    assert client.get("/api/claims/").content == anonymous.content
    assert client.get("/api/claims/draft-gas-shipments/").status_code == 404


def test_the_root_points_to_every_list_and_the_description(client):
    data = get_json(client, "/api/")
    assert data["schema"] == "http://testserver/api/schema/"
    assert data["entries"] == {name: f"http://testserver/api/{name}/" for name in ("claims", "quotes", "agreements")}
    assert re.fullmatch(r"http://testserver/corrections/", data["corrections"])


def test_describing_the_api_leaves_the_pages_filters_whole(client):
    """drf-spectacular reads each filter's form field from the FilterSet class, which made
    Django build it before the choices were loaded: every page after the description
    refused every topic, event and person as "not one of the available choices"."""
    make_summit_corpus()
    schema(client)
    for url in ["/claims/?topic=diplomacy", "/quotes/?speaker=person:xi-jinping", "/agreements/?party=china"]:
        assert client.get(url).status_code == 200, url
        assert client.get(f"/api{url}").status_code == 200, url
