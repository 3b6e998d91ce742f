"""The history admin is django-reversion's VersionAdmin, with restores through our rules."""

import pytest
from django.urls import reverse
from reversion.admin import VersionAdmin
from reversion.models import Version

from apps.claims.admin import ClaimAdmin
from apps.claims.models import Claim
from apps.editorial.admin import StampedAdmin, TopicAdmin
from apps.sources.admin import SourceAdmin
from tests.builders import form_data, make_analyst, make_claim, make_source

pytestmark = pytest.mark.django_db


def test_every_stamped_admin_is_a_version_admin():
    for admin_class in (StampedAdmin, ClaimAdmin, SourceAdmin, TopicAdmin):
        assert issubclass(admin_class, VersionAdmin)


def edited_claim(client):
    analyst = make_analyst()
    client.force_login(analyst)
    claim = make_claim(statement="Trade reached 185 billion dollars", citations=[(make_source(), "said Xi")])
    url = reverse("admin:claims_claim_change", args=[claim.pk])
    response = client.post(url, form_data(client.get(url).content.decode(), {"statement": "Trade reached 190"}))
    assert response.status_code == 302
    return claim


def test_a_change_keeps_the_old_values_in_a_revision_before_it(client):
    claim = edited_claim(client)
    versions = Version.objects.get_for_object(claim).order_by("pk")
    assert [v.field_dict["statement"] for v in versions] == ["Trade reached 185 billion dollars", "Trade reached 190"]
    assert versions.last().revision.user.groups.filter(name="Analysts").exists()


def test_reversions_revert_form_leads_to_the_restore_preview_and_writes_nothing(client):
    claim = edited_claim(client)
    old = Version.objects.get_for_object(claim).order_by("pk").first()
    url = reverse("admin:claims_claim_revision", args=[claim.pk, old.pk])
    for response in (client.get(url), client.post(url, {"statement": "Sneaked in"})):
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:claims_claim_restore", args=[claim.pk, old.pk])
    assert Claim.objects.get(pk=claim.pk).statement == "Trade reached 190"


def test_deleted_records_are_not_recovered_from_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:claims_claim_recoverlist")).status_code == 404
    claim = make_claim()
    version = Version.objects.get_for_object(claim).first()
    if version is not None:
        assert client.get(reverse("admin:claims_claim_recover", args=[version.pk])).status_code == 404
    assert client.get(reverse("admin:claims_claim_recover", args=[1])).status_code == 404
    assert "recover" not in client.get(reverse("admin:claims_claim_changelist")).content.decode().lower()
