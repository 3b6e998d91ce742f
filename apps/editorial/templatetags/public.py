import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from apps.editorial import registry
from apps.editorial.public import web_url

register = template.Library()
# {% with href=source.url|web_url %}: the address if a link may point to it, else "".
register.filter("web_url", web_url)

# As Django's json_script: <, > and & inside the data cannot end the script element.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """``<script type="application/ld+json">`` with ``data``, safe whatever text it holds."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.inclusion_tag("includes/corroboration.html")
def corroboration_badge(entry):
    """The badge on an entry's page: "1 source", "2 independent sources" or "disputed".
    Reads the entry's prefetched citations (``with_evidence()``), the evidence the page shows."""
    return {"corroboration": entry.corroboration()}


@register.inclusion_tag("includes/corroboration.html")
def stored_corroboration_badge(entry):
    """The same badge in a list, from the values stored on the entry
    (``stored_corroboration()``, which the corroboration filter reads too): a list loads
    no evidence. Claims must come from ``public()``, which annotates whether a verified
    claim contradicts them."""
    return {"corroboration": entry.stored_corroboration()}


@register.filter
def kind_label(entry):
    """ "Claim", "Quote", "Agreement": what kind of entry this is."""
    return entry._meta.verbose_name.capitalize()


@register.simple_tag(takes_context=True)
def entry_item(context, entry, **options):
    """An entry in a list, whatever its kind: its type's item template
    (``includes/<model_name>_item.html``), which reads it as ``<model_name>``, with
    ``options`` (``headline``, ``badge``, ``level``) as ``{% include ... with %}`` gives them.
    """
    # A kind without an item template of its own is shown by its heading.
    template = context.template.engine.select_template(
        [registry.entry_type(entry).template, "includes/entry_item.html"]
    )
    with context.push(entry=entry, **{entry._meta.model_name: entry}, **options):
        return template.render(context)
