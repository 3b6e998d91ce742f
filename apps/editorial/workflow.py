"""The rules of the editorial workflow, in one place.

The admin form, the admin actions and the management commands all call these
functions, so a rule is enforced once, whatever path a change takes.
"""

from django.core.exceptions import ValidationError

from .models import EDITOR_STATUSES, Status


def can_verify(user, model):
    """Whether ``user`` may verify, send back and retract entries of ``model``."""
    return user.has_perm(model.verify_permission())


def statuses_for(user, model, current):
    """The statuses ``user`` may choose in a form for an entry now in ``current``."""
    if can_verify(user, model):
        return list(Status)
    allowed = [Status.DRAFT, Status.IN_REVIEW]
    if current in EDITOR_STATUSES:
        allowed.append(Status(current))
    return allowed


def check_status_change(user, entry, old, new):
    """Refuse a status change ``user`` may not make, with a sentence that says why."""
    if old == new:
        return
    if (new in EDITOR_STATUSES or old in EDITOR_STATUSES) and not can_verify(user, type(entry)):
        raise ValidationError(
            f"Only an editor can change the status from “{Status(old).label}” to “{Status(new).label}”."
        )
