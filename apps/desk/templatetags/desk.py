from django import template

from apps.desk import views
from apps.editorial import registry, workflow

register = template.Library()


@register.filter
def reviews(user):
    """Whether ``user`` verifies some kind of entry (the review queue is theirs)."""
    return any(workflow.can_verify(user, model) for model in registry.entry_models())


@register.simple_tag
def my_work(user):
    """The person's drafts, work in review and work sent back (``views.my_work``)."""
    return views.my_work(user)


@register.simple_tag
def review_queue(user):
    """What awaits ``user`` as an editor (``views.review_rows``), or None."""
    found = views.review_rows(user)
    return found[0] if found is not None else None
