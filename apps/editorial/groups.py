"""The Analysts and Editors groups and what each may do.

Analysts view, add and change every registered record and entry, and add, change and
delete the citations and parts of entries; editors do all that, delete, and verify (send
back, retract) each kind of entry. Kept in step with the registry after every migrate.
"""

from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

from . import registry

ANALYSTS = "Analysts"
EDITORS = "Editors"


def codenames():
    """``{group name: {(app label, codename)}}`` from the registered models."""
    analysts, editors = set(), set()

    def grant(model, actions, *extra):
        opts = model._meta
        analysts.update((opts.app_label, f"{action}_{opts.model_name}") for action in actions)
        editors.update((opts.app_label, f"{action}_{opts.model_name}") for action in actions)
        editors.update((opts.app_label, codename) for codename in extra)

    for model in registry.records():
        grant(model, ["view", "add", "change"], f"delete_{model._meta.model_name}")
    for kind in registry.entry_types():
        opts = kind.model._meta
        grant(kind.model, ["view", "add", "change"], f"delete_{opts.model_name}", f"verify_{opts.model_name}")
        for part in [kind.citation_model, *(model for model, _ in kind.part_models)]:
            grant(part, ["view", "add", "change", "delete"])
        # Written by the workflow alone.
        grant(kind.publication_model, ["view"])
    return {ANALYSTS: analysts, EDITORS: editors}


def sync_groups(**kwargs):
    """Create the groups and give them exactly their permissions (a ``post_migrate`` handler)."""
    from django.apps import apps

    # Django creates permissions app by app after migrate; the groups need all of them now.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for name, wanted in codenames().items():
        group, _ = Group.objects.get_or_create(name=name)
        by_app = {}
        for app_label, codename in wanted:
            by_app.setdefault(app_label, set()).add(codename)
        permissions = [
            permission
            for app_label, codes in sorted(by_app.items())
            for permission in Permission.objects.filter(content_type__app_label=app_label, codename__in=codes)
        ]
        missing = len(wanted) - len(permissions)
        if missing:
            raise RuntimeError(f"{missing} permission(s) of the {name} group do not exist; run migrate again.")
        group.permissions.set(permissions)
