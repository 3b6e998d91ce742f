"""import_fixtures calls the models' own rules, never copies of them.

A rule changed on a model holds for imports without a change to the importer, and the
admin's form, the import (and check_corpus) refuse the same thing in the same words.
"""

import json
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from apps.actors.models import Person
from apps.agreements.models import Agreement
from apps.claims.models import Claim, ClaimCitation
from apps.interchange import fixtures
from apps.quotes.models import Quote
from tests.builders import inline_rows, make_analyst

from .fixture_corpus import empty_the_corpus, export, objects

pytestmark = pytest.mark.django_db


def import_problems(tmp_path, data, *args):
    """Import ``data`` expecting a refusal; return its problems, one per line."""
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_fixtures", str(path), *args, stdout=StringIO(), stderr=StringIO())
    head, *problems = str(error.value).splitlines()
    assert head == "fixture.json was not imported; the database is unchanged."
    return problems


def find(data, label, slug):
    return next(obj for obj in data if obj["model"] == label and obj["fields"].get("slug") == slug)


def form_errors(response):
    """The errors of an admin add or change form that was refused: the main form's, by
    field, and the first inline's rows'."""
    assert response.status_code == 200, "the form was accepted"
    inline = response.context["inline_admin_formsets"][0].formset
    return response.context["adminform"].form.errors, inline.errors


# -- A rule changed on a model holds for imports ---------------------------------------


def test_every_object_the_file_adds_goes_through_its_models_own_clean(corpus, tmp_path, monkeypatch):
    data = objects(export("--all")[0])
    empty_the_corpus()
    for model in fixtures.exported_models():

        def refuse(self, label=model._meta.label_lower):
            raise ValidationError(f"{label} refuses it.")

        monkeypatch.setattr(model, "clean", refuse)
    problems = import_problems(tmp_path, data)
    # Once each: the sentence of its own model, nothing the importer says of its own.
    assert len(problems) == len(data)
    for number, obj in enumerate(data, start=1):
        assert any(f"(object {number}): {obj['model']} refuses it." in problem for problem in problems)


def test_a_validator_added_to_a_models_field_holds_for_imports(published, tmp_path, monkeypatch):
    def no_titles(value):
        if "President" in value:
            raise ValidationError("Leave titles out.")

    field = Person._meta.get_field("role")
    monkeypatch.setattr(field, "validators", [*field.validators, no_titles])
    person = find(published, "actors.person", "xi-jinping")
    person["fields"]["role"] = "President of the PRC"
    assert import_problems(tmp_path, [person], "--update") == [
        "actors.person “xi-jinping” (object 1): role: Leave titles out."
    ]


def test_a_rule_added_to_a_claims_clean_holds_for_imports(published, tmp_path, monkeypatch):
    original = Claim.clean

    def clean(self):
        original(self)
        if "record" in self.statement:
            raise ValidationError({"statement": "Say which record."})

    monkeypatch.setattr(Claim, "clean", clean)
    claim = find(published, "claims.claim", "trade-record")
    claim["fields"]["statement"] = "Trade reached a new record."
    assert import_problems(tmp_path, [claim], "--update") == [
        "claims.claim “trade-record” (object 1): statement: Say which record."
    ]


# -- The admin's form and the import, in the same words -----------------------------------


def quote_spoken_by(agreement):
    data = {"text": "the Ukraine crisis", "slug": "crisis", "language": "en", "speaker_statement": agreement.pk}
    return {**data, **inline_rows("citations", [])}


def test_a_quote_spoken_by_an_agreement_that_is_no_joint_statement_is_refused_in_the_same_words(
    corpus, published, tmp_path, client
):
    expected = "The agreement “Fourteen agreements” is not a joint statement (its kind is “Agreement”)."
    client.force_login(make_analyst())
    response = client.post(reverse("admin:quotes_quote_add"), quote_spoken_by(corpus.agreements))
    errors, _ = form_errors(response)
    assert errors["speaker_statement"] == [expected]
    assert not Quote.objects.filter(slug="crisis").exists()

    quote = find(published, "quotes.quote", "ukraine-crisis")
    quote["fields"]["speaker_statement"] = ["fourteen-agreements"]
    assert import_problems(tmp_path, [quote], "--update") == [
        f"quotes.quote “ukraine-crisis” (object 1): speaker_statement: {expected}"
    ]


def test_the_admin_and_the_import_ask_the_same_method_whether_a_joint_statement_may_speak(
    corpus, published, tmp_path, client, monkeypatch
):
    """Quote.speaker_statement_problem is the one place: changed, both paths follow."""
    monkeypatch.setattr(Quote, "speaker_statement_problem", lambda self: "Refused by the quote's own rule.")
    client.force_login(make_analyst())
    response = client.post(reverse("admin:quotes_quote_add"), quote_spoken_by(corpus.statement))
    assert form_errors(response)[0]["speaker_statement"] == ["Refused by the quote's own rule."]

    quote = find(published, "quotes.quote", "ukraine-crisis")
    quote["fields"]["context"] = "Said after the talks."
    assert import_problems(tmp_path, [quote], "--update") == [
        "quotes.quote “ukraine-crisis” (object 1): speaker_statement: Refused by the quote's own rule."
    ]


def test_an_agreement_without_a_document_is_refused_in_the_same_words(corpus, published, tmp_path, client):
    client.force_login(make_analyst())
    data = {"title": "A deal", "slug": "a-deal", "kind": "agreement", "documents": "0"}
    response = client.post(reverse("admin:agreements_agreement_add"), {**data, **inline_rows("citations", [])})
    assert form_errors(response)[0]["documents"] == ["An agreement has at least one document."]
    assert not Agreement.objects.filter(slug="a-deal").exists()

    agreement = find(published, "agreements.agreement", "fourteen-agreements")
    agreement["fields"]["documents"] = 0
    assert import_problems(tmp_path, [agreement], "--update") == [
        "agreements.agreement “fourteen-agreements” (object 1): documents: An agreement has at least one document."
    ]


def test_an_excerpt_that_is_not_in_its_source_reads_the_same_in_the_admin_the_import_and_check_corpus(
    corpus, published, tmp_path, client
):
    expected = "The excerpt “Trade fell by half” is not in the source “Xi in Moscow”."
    client.force_login(make_analyst())
    data = {"statement": "Trade fell.", "slug": "trade-fell", "credibility": "6"}
    row = {"source": corpus.source.pk, "excerpt": "Trade fell by half", "stance": "supports"}
    data.update(inline_rows("citations", [row]), **inline_rows("relations_from", []))
    _, rows = form_errors(client.post(reverse("admin:claims_claim_add"), data))
    assert rows[0]["excerpt"] == [expected]

    citation = next(obj for obj in published if obj["fields"].get("claim") == ["trade-record"])
    citation["fields"]["excerpt"] = "Trade fell by half"
    (problem,) = import_problems(tmp_path, [citation], "--update")
    assert problem.endswith(f"(object 1): {expected}")

    ClaimCitation.objects.filter(claim__slug="trade-record").update(excerpt="Trade fell by half")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("check_corpus", stdout=out, stderr=StringIO())
    assert f"claim trade-record: {expected}" in out.getvalue()


def test_a_quote_spoken_by_an_agreement_the_same_file_adds_is_judged_on_the_files_agreement(published, tmp_path):
    """Neither is in the database: the quote's rule follows its reference to the file's agreement."""
    agreement = json.loads(json.dumps(find(published, "agreements.agreement", "joint-statement")))
    agreement["fields"].update(slug="a-protocol", title="A protocol", kind="protocol", status="draft")
    quote = json.loads(json.dumps(find(published, "quotes.quote", "ukraine-crisis")))
    quote["fields"].update(slug="new-words", status="draft", speaker_statement=["a-protocol"])
    assert import_problems(tmp_path, [agreement, quote]) == [
        "quotes.quote “new-words” (object 2): speaker_statement: The agreement “A protocol” is not a joint "
        "statement (its kind is “Protocol”)."
    ]
    agreement["fields"]["kind"] = "joint_statement"
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps([agreement, quote], ensure_ascii=False), encoding="utf-8")
    call_command("import_fixtures", str(path), stdout=StringIO(), stderr=StringIO())
    assert Quote.objects.get(slug="new-words").speaker_statement.slug == "a-protocol"
