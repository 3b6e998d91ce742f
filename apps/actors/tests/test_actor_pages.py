"""People and organizations on the public site."""

import pytest

from tests import html
from tests.builders import make_organization, make_person, make_summit_corpus

pytestmark = pytest.mark.django_db


def test_a_person_page_lists_their_quotes_agreements_and_claims(client):
    make_summit_corpus()
    body = client.get("/people/vladimir-putin/").content.decode()
    assert "This is an example of how world powers" in body
    assert "Joint statement on deepening the comprehensive partnership in a new era" in body
    assert "Putin praised China’s peace plan for Ukraine." in body
    assert "By joining our rich scientific potentials" not in body  # in review


def test_an_outlet_page_lists_its_sources_and_who_relays_it(client):
    make_summit_corpus()
    body = client.get("/organizations/world-affairs-wire/").content.decode()
    assert "Sources it published" in body and "Putin and Xi sign over a dozen agreements in Moscow" in body
    body = client.get("/organizations/rt/").content.decode()
    assert "Sources relaying it" in body and "not as independent confirmation" in body


def test_a_party_page_lists_its_agreements(client):
    make_summit_corpus()
    body = client.get("/organizations/china/").content.decode()
    assert "Agreements it is party to" in body and "Fourteen agreements signed during the visit" in body


def test_lists_show_only_people_and_organizations_readers_can_meet(client):
    make_summit_corpus()
    make_person(name="Unattached Person")
    make_organization(name="Unattached Ministry", kind="government_body")
    people = html.page(client.get("/people/"))
    assert set(html.entries(people)) == {"Vladimir Putin", "Xi Jinping"}
    assert html.the_text(people, ".result-count") == "2 people"
    # Outlets of sources and those they relay; parties of verified agreements.
    organizations = html.entries(html.page(client.get("/organizations/")))
    assert set(organizations) == {"China", "Regional Policy Review", "RT", "Russia", "World Affairs Wire"}
    assert client.get("/people/unattached-person/").status_code == 404


def test_people_and_organizations_filter(client):
    make_summit_corpus()

    def listed(url):
        return set(html.entries(html.page(client.get(url))))

    assert listed("/people/?country=Russia") == {"Vladimir Putin"}
    assert listed("/people/?q=jinping") == {"Xi Jinping"}
    assert listed("/organizations/?kind=state") == {"China", "Russia"}
    assert client.get("/organizations/?kind=pirate").status_code == 400
    assert client.get("/people/?country=Atlantis").status_code == 400
