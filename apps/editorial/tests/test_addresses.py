"""An entry's address: short, made from its text, editable until the entry is first
verified, fixed after that; an old address of a published entry redirects to the new one."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.claims.models import Claim
from apps.editorial.models import SLUG_LENGTH, FormerSlug
from apps.quotes.models import Quote
from tests.builders import form_data, inline_rows, make_analyst, make_claim, make_person, make_source

pytestmark = pytest.mark.django_db

LONG = (
    "Bilateral trade between Russia and China is expected to exceed two hundred billion dollars this year, "
    "according to the Chinese customs administration"
)


def test_a_new_entry_gets_a_short_address_cut_between_words():
    claim = Claim.objects.create(statement=LONG)
    assert len(claim.slug) <= SLUG_LENGTH
    assert claim.slug == "bilateral-trade-between-russia-and-china-is-expected-to-exceed-two-hundred"
    assert LONG.lower().replace(" ", "-").startswith(claim.slug + "-")  # whole words only


def test_a_taken_address_gets_a_number_and_stays_short():
    first = Claim.objects.create(statement=LONG)
    second = Claim.objects.create(statement=LONG)
    third = Claim.objects.create(statement=LONG)
    assert second.slug == first.slug + "-2"
    assert third.slug.endswith("-3") and len(third.slug) <= SLUG_LENGTH
    assert len({first.slug, second.slug, third.slug}) == 3


def test_a_text_without_latin_letters_still_gets_an_address():
    quote = Quote.objects.create(text="Мы всегда за мир", speaker=make_person())
    assert quote.slug == "quote"


def add_claim(client, statement, slug=""):
    source = make_source(body=f"{statement} Trade is expected to exceed $200 billion this year.")
    data = {"statement": statement, "slug": slug, "credibility": "2"}
    data.update(
        inline_rows("citations", [{"source": source.pk, "excerpt": "exceed $200 billion", "stance": "supports"}])
    )
    data.update(inline_rows("relations_from", []))
    return client.post(reverse("admin:claims_claim_add"), data)


def test_the_admin_makes_the_address_when_it_is_left_empty_and_refuses_a_long_one(client):
    client.force_login(make_analyst())
    assert add_claim(client, LONG).status_code == 302
    assert Claim.objects.get().slug == "bilateral-trade-between-russia-and-china-is-expected-to-exceed-two-hundred"
    response = add_claim(client, "Trade will grow", slug="x" * (SLUG_LENGTH + 1))
    assert response.status_code == 200
    assert f"at most {SLUG_LENGTH} characters" in response.content.decode()


def test_an_analyst_fixes_a_draft_s_address_but_not_a_published_one(client):
    client.force_login(make_analyst())
    draft = make_claim(statement="Trade will grow", slug="trade-will-gorw")
    url = reverse("admin:claims_claim_change", args=[draft.pk])
    response = client.post(url, form_data(client.get(url).content.decode(), {"slug": "trade-will-grow"}))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.slug == "trade-will-grow"
    assert not FormerSlug.objects.exists()  # a draft's address was never public

    published = make_claim(statement="Trade grew", slug="trade-grew", status="verified")
    url = reverse("admin:claims_claim_change", args=[published.pk])
    page = client.get(url).content.decode()
    assert 'name="slug"' not in page  # shown, not editable
    client.post(url, form_data(page, {"slug": "another-address", "notes": "Looked at it."}))
    published.refresh_from_db()
    assert published.slug == "trade-grew" and published.notes == "Looked at it."


def test_an_old_address_of_a_published_entry_redirects_to_the_new_one():
    claim = make_claim(statement="Trade grew", slug="trade-grwe", status="verified")
    claim.slug = "trade-grew"  # whatever path changes it: an approved change, a restore
    claim.save()
    reader = Client()
    response = reader.get("/claims/trade-grwe/")
    assert response.status_code == 301
    assert response["Location"] == "/claims/trade-grew/"
    assert reader.get("/claims/trade-grew/").status_code == 200
    # Given back its old address, it no longer redirects from it.
    claim.slug = "trade-grwe"
    claim.save()
    assert reader.get("/claims/trade-grwe/").status_code == 200
    assert reader.get("/claims/trade-grew/").status_code == 301


def test_a_new_entry_does_not_take_a_published_entry_s_former_address():
    claim = make_claim(statement="Trade grew", slug="trade-grew", status="verified")
    claim.slug = "trade-grew-by-30"
    claim.save()
    newcomer = Claim.objects.create(statement="Trade grew")
    assert newcomer.slug == "trade-grew-2"
    assert Client().get("/claims/trade-grew/")["Location"] == "/claims/trade-grew-by-30/"


def test_a_former_address_of_an_entry_that_is_not_public_is_not_given_away():
    claim = make_claim(statement="Trade grew", slug="trade-grwe", status="verified")
    claim.slug = "trade-grew"
    claim.save()
    Claim.objects.filter(pk=claim.pk).update(status="draft")
    assert Client().get("/claims/trade-grwe/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_migration_shortens_long_addresses_and_a_published_one_keeps_redirecting():
    """claims.0010 on a table that had addresses of up to 200 characters (and the other
    kinds' migrations run the same function)."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("claims", "0009_text_withheld")], [("claims", "0010_short_slugs")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("claims", "Claim")
    long_slug = "-".join(["trade-between-russia-and-china"] * 6)  # 185 characters
    for slug, status in [(long_slug, "verified"), (long_slug + "-again", "draft"), ("short-one", "verified")]:
        old.objects.create(statement="Trade grew", slug=slug, status=status, verified_at="2023-03-22T12:00Z")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)

    published, draft, short = Claim.objects.order_by("pk")
    assert published.slug == "trade-between-russia-and-china-trade-between-russia-and-china-trade-between"
    assert draft.slug == published.slug + "-2"  # unique, still at most 80 characters
    assert len(draft.slug) <= SLUG_LENGTH and short.slug == "short-one"
    assert list(FormerSlug.objects.values_list("slug", flat=True)) == [long_slug]  # the draft's was never public
    response = Client().get(f"/claims/{long_slug}/")
    assert response.status_code == 301 and response["Location"] == f"/claims/{published.slug}/"
