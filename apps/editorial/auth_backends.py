from django.contrib.auth import backends
from django.contrib.auth.models import Group, Permission
from django.db.models import Q


class ModelBackend(backends.ModelBackend):
    """Django's ModelBackend, reading a user's own and group permissions in one query.

    The stock backend runs one query for the user's permissions and one for their
    groups' on every request (the cache lives on the user object, which each request
    loads afresh); every admin page pays both. Nothing is cached across requests, so a
    permission taken away counts from the very next request.
    """

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                own = user_obj.user_permissions.through.objects.filter(user=user_obj).values("permission")
                groups = Group.permissions.through.objects.filter(group__user=user_obj).values("permission")
                permissions = permissions.filter(Q(pk__in=own) | Q(pk__in=groups))
            rows = permissions.values_list("content_type__app_label", "codename").order_by()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache
