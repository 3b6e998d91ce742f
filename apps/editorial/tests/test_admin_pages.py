"""Every admin changelist and add page, for each kind of desk user."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.builders import inline_rows, make_analyst, make_editor, make_user

pytestmark = pytest.mark.django_db

DOMAIN_APPS = {"editorial", "actors", "events", "sources", "claims", "quotes", "agreements"}
REGISTERED = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in DOMAIN_APPS
)
# Deleting entries and sources is for editors; analysts delete evidence rows only.
ANALYST_CANNOT_DELETE = {("claims", "claim"), ("quotes", "quote"), ("agreements", "agreement"), ("sources", "source")}


def test_every_domain_model_has_an_admin():
    models = {(m._meta.app_label, m._meta.model_name) for m in apps.get_models() if m._meta.app_label in DOMAIN_APPS}
    unregistered = (
        models
        - set(REGISTERED)
        - {
            ("claims", "claimcitation"),
            ("quotes", "quotecitation"),
            ("agreements", "agreementcitation"),
            ("editorial", "contentversion"),  # a counter for the page cache, not content
            # Written by the workflow; shown on the entry's change form (read only).
            ("claims", "claimpublication"),
            ("quotes", "quotepublication"),
            ("agreements", "agreementpublication"),
            # Written when a published entry's address changes; read by its public page.
            ("editorial", "formerslug"),
        }
    )
    assert not unregistered, f"no admin for {unregistered}"


@pytest.fixture
def desk(client):
    def login(kind):
        user = {
            "superuser": lambda: make_user(is_staff=True, is_superuser=True),
            "analyst": make_analyst,
            "editor": make_editor,
            "staff": lambda: make_user(is_staff=True),
        }[kind]()
        client.force_login(user)
        return client

    return login


@pytest.mark.parametrize("kind", ["superuser", "analyst", "editor"])
@pytest.mark.parametrize("app_label,model_name", REGISTERED)
def test_changelist_and_add_page_answer(desk, kind, app_label, model_name):
    client = desk(kind)
    for view in ("changelist", "add"):
        response = client.get(reverse(f"admin:{app_label}_{model_name}_{view}"))
        assert response.status_code == 200, (view, response.status_code)


@pytest.mark.parametrize("app_label,model_name", REGISTERED)
def test_staff_without_permissions_are_refused(desk, app_label, model_name):
    client = desk("staff")
    for view in ("changelist", "add"):
        assert client.get(reverse(f"admin:{app_label}_{model_name}_{view}")).status_code == 403


def autocompletes(app_label, model_name):
    """The autocomplete fields of a model's admin, and of each of its inlines by model."""
    model_admin = admin.site._registry[apps.get_model(app_label, model_name)]
    return model_admin.autocomplete_fields, {i.model: i.autocomplete_fields for i in model_admin.inlines}


@pytest.mark.parametrize(
    "app_label,model_name",
    [key for key in REGISTERED if autocompletes(*key)[0] or any(autocompletes(*key)[1].values())],
)
def test_a_crafted_value_in_an_autocomplete_box_is_the_fields_error_not_a_500(desk, app_label, model_name):
    """The box shows what was chosen again with the errors, and looked up "abc" as an id."""
    client = desk("superuser")
    url = reverse(f"admin:{app_label}_{model_name}_add")
    fields, inline_fields = autocompletes(app_label, model_name)
    data = dict.fromkeys(fields, "abc")
    for inline in client.get(url).context["inline_admin_formsets"]:
        row = dict.fromkeys(inline_fields[inline.opts.model], "abc")
        data.update(inline_rows(inline.formset.prefix, [row] if row else []))
    response = client.post(url, data)
    assert response.status_code == 200
    errors = " ".join(str(error) for error in response.context["errors"])
    assert "Select a valid choice" in errors or "“abc” is not a valid value" in errors


def test_a_key_beyond_64_bits_in_a_many_to_many_box_is_the_fields_error_not_a_500(desk):
    client = desk("superuser")
    url = reverse("admin:claims_claim_add")
    response = client.post(url, {"statement": "A claim", "slug": "a-claim", "topics": ["99999999999999999999"]})
    assert response.status_code == 200
    assert "99999999999999999999" in str(response.context["adminform"].form.errors["topics"])


@pytest.mark.parametrize("kind", ["analyst", "editor"])
def test_desk_users_cannot_manage_accounts(desk, kind):
    client = desk(kind)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_add")).status_code == 403


@pytest.mark.parametrize("app_label,model_name", sorted(ANALYST_CANNOT_DELETE))
def test_only_editors_delete_entries_and_sources(desk, app_label, model_name, client):
    from tests import builders as testing

    obj = {
        "claim": testing.make_claim,
        "quote": testing.make_quote,
        "agreement": testing.make_agreement,
        "source": testing.make_source,
    }[model_name]()
    url = reverse(f"admin:{app_label}_{model_name}_delete", args=[obj.pk])
    assert desk("analyst").get(url).status_code == 403
    client.logout()
    assert desk("editor").get(url).status_code == 200


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("admin:claims_claim_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
