"""Permissions: a user's own and their groups' are read in one query, never kept across requests."""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from apps.editorial.groups import ANALYSTS
from tests import builders as testing

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as the next request loads it: no permission cache."""
    return User.objects.get(pk=user.pk)


def test_own_and_group_permissions_are_read_in_one_query(django_assert_num_queries):
    analyst = testing.make_analyst()
    analyst.user_permissions.add(Permission.objects.get(codename="verify_claim"))
    analyst = fresh(analyst)
    with django_assert_num_queries(1):
        assert analyst.has_perm("claims.change_claim")  # from the Analysts group
        assert analyst.has_perm("claims.verify_claim")  # given to the user alone
        assert not analyst.has_perm("quotes.verify_quote")
        assert analyst.has_module_perms("claims")
    assert fresh(analyst).get_all_permissions() == (
        {f"{p.content_type.app_label}.{p.codename}" for p in Group.objects.get(name=ANALYSTS).permissions.all()}
        | {"claims.verify_claim"}
    )


def test_a_permission_taken_from_the_group_counts_from_the_next_request(client):
    analyst = testing.make_analyst()
    client.force_login(analyst)
    url = reverse("admin:claims_claim_changelist")
    assert client.get(url).status_code == 200
    group = Group.objects.get(name=ANALYSTS)
    group.permissions.remove(*Permission.objects.filter(content_type__app_label="claims", codename__endswith="_claim"))
    assert client.get(url).status_code == 403


def test_inactive_users_have_none_and_superusers_all():
    analyst = testing.make_analyst()
    analyst.is_active = False
    analyst.save()
    assert fresh(analyst).get_all_permissions() == set()
    root = User.objects.create_superuser("root", "root@example.org", "x")
    assert len(fresh(root).get_all_permissions()) == Permission.objects.count()
