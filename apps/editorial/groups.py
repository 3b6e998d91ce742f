"""The Analysts and Editors groups and what each may do.

Data migrations call ``sync_groups`` with the historical app registry; call it again
from a new migration whenever a model or permission is added.
"""

ANALYSTS = "Analysts"
EDITORS = "Editors"

# (app label, model): the actions analysts have on it. Editors have these and delete.
ANALYST_ACTIONS = {
    ("editorial", "topic"): ["view", "add", "change"],
    ("actors", "person"): ["view", "add", "change"],
    ("actors", "organization"): ["view", "add", "change"],
    ("events", "event"): ["view", "add", "change"],
    ("sources", "source"): ["view", "add", "change"],
    ("claims", "claim"): ["view", "add", "change"],
    ("claims", "claimcitation"): ["view", "add", "change", "delete"],
    ("claims", "claimrelation"): ["view", "add", "change", "delete"],
    ("quotes", "quote"): ["view", "add", "change"],
    ("quotes", "quotecitation"): ["view", "add", "change", "delete"],
    ("agreements", "agreement"): ["view", "add", "change"],
    ("agreements", "agreementcitation"): ["view", "add", "change", "delete"],
}
# Only editors verify, send back and retract.
EDITOR_ONLY = [
    ("claims", "claim", "verify_claim"),
    ("quotes", "quote", "verify_quote"),
    ("agreements", "agreement", "verify_agreement"),
]


def codenames():
    analysts = {(app, f"{action}_{model}") for (app, model), actions in ANALYST_ACTIONS.items() for action in actions}
    editors = analysts | {(app, f"delete_{model}") for app, model in ANALYST_ACTIONS}
    editors |= {(app, codename) for app, _model, codename in EDITOR_ONLY}
    return {ANALYSTS: analysts, EDITORS: editors}


def sync_groups(apps):
    """Create the groups and give them exactly their permissions."""
    from django.contrib.auth.management import create_permissions

    # Permissions are created after migrations by a signal; a fresh database needs
    # them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, wanted in codenames().items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename) for app, codename in sorted(wanted)
        ]
        group.permissions.set(permissions)
