from django import template

from apps.editorial import registry, workflow

register = template.Library()


@register.filter
def reviews(user):
    """Whether ``user`` verifies some kind of entry (the review queue is theirs)."""
    return any(workflow.can_verify(user, model) for model in registry.entry_models())
