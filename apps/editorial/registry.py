"""The kinds of entry, and the records the desk keeps beside them, registered by their apps.

The kernel knows no app above it. Each entry app registers its model once, from its
``AppConfig.ready()``, with what the parts that span entry types need to know about it;
those parts (the public site, the desk, interchange, search) ask the registry and list
no entry type themselves::

    registry.register(registry.EntryType(Claim, parts=("relations_from",), search=...))

Records (sources, people, organizations, events, topics) are what entries refer to and
analysts edit beside them: ``registry.register_record(Source)``.

Registering also puts the model, its citations and its parts under django-reversion,
following the parts, so that a version of an entry is the entry with its evidence.
"""

from dataclasses import dataclass

import reversion

_entry_types = {}
_records = {}
_generation = [0]


@dataclass(frozen=True)
class EntryType:
    """A kind of entry: claims, quotes, agreements."""

    model: type
    # Reverse relations besides ``citations`` whose rows belong to an entry's version
    # (a claim's relations to other claims): kept with it in history, exported with it.
    parts: tuple = ()
    # What the public pages, the feed and search read with each entry (``select_related``).
    shown_with: tuple = ()
    # What they read of it besides, many to one entry (``prefetch_related``: a query more
    # for all the entries shown): a quote's co-speakers.
    prefetched_with: tuple = ()
    # How search finds it; opaque here (the search app defines and reads it).
    search: object = None
    # The field a search result's headline is cut from.
    headline_field: str = ""
    # Its item in lists: ``includes/<model_name>_item.html`` unless given.
    item_template: str = ""
    # The URL name of its public list: ``<app label>:list`` unless given.
    list_url_name: str = ""
    # The filters of its public list (a django-filter ``PublicFilterSet``): the list page
    # and the JSON API read the same ones.
    filterset: type = None
    # How the JSON API shows it (an ``editorial.serializers.EntrySerializer``); a kind
    # without one is not in the API.
    serializer: type = None

    @property
    def label(self):
        """``claims.claim``: the model's label, as fixtures write it."""
        return self.model._meta.label_lower

    @property
    def name(self):
        """``claims``: the kind's name in URLs, sitemaps and search groups."""
        return str(self.model._meta.verbose_name_plural)

    @property
    def citation_model(self):
        return self.model.citations.rel.related_model

    @property
    def publication_model(self):
        """Its log of published versions (``related_name="publications"``)."""
        return self.model.publications.rel.related_model

    @property
    def list_url(self):
        """The URL name of its public list."""
        return self.list_url_name or f"{self.model._meta.app_label}:list"

    @property
    def part_models(self):
        """``[(model, name of its foreign key to the entry)]`` of the parts."""
        return [
            (self.model._meta.get_field(name).related_model, self.model._meta.get_field(name).field.name)
            for name in self.parts
        ]

    @property
    def template(self):
        return self.item_template or f"includes/{self.model._meta.model_name}_item.html"

    def follow(self):
        return ("citations", *self.parts)

    def models(self):
        """The entry model, its citation model, its parts, then its log of published versions."""
        return [self.model, self.citation_model, *(model for model, _ in self.part_models), self.publication_model]


def register(entry_type):
    """Register a kind of entry (from its app's ``ready()``); registering it again replaces it."""
    model = entry_type.model
    _entry_types[model] = entry_type
    _generation[0] += 1
    for related in (entry_type.citation_model, *(m for m, _ in entry_type.part_models)):
        if not reversion.is_registered(related):
            reversion.register(related)
    if not reversion.is_registered(model):
        reversion.register(model, follow=entry_type.follow())
    from . import stored_corroboration

    stored_corroboration.connect(entry_type)
    return entry_type


def unregister(model):
    """Forget a kind of entry (for tests that register a throwaway one)."""
    _entry_types.pop(model, None)
    _generation[0] += 1


def register_record(model):
    """Register a model analysts edit beside the entries (sources, people, events, topics)."""
    _records[model] = model
    _generation[0] += 1
    if not reversion.is_registered(model):
        reversion.register(model)
    return model


def generation():
    """A number that changes whenever a registration does: what is computed from the
    registry may be cached under it."""
    return _generation[0]


def entry_types():
    """Every kind of entry, in the order their apps were installed."""
    return list(_entry_types.values())


def entry_type(model):
    """The registration of ``model`` (an entry model or instance); KeyError when unregistered."""
    return _entry_types[model if isinstance(model, type) else type(model)]


def entry_models():
    return [t.model for t in _entry_types.values()]


def records():
    """The record models, in the order their apps were installed."""
    return list(_records)


def citation_models():
    return [t.citation_model for t in _entry_types.values()]


def public_models():
    """Every model a reader can see: records, then each entry type with its citations and parts."""
    models = records()
    for entry_type_ in entry_types():
        models += [m for m in entry_type_.models() if m not in models]
    return models


def naming(record_model):
    """``[(entry model, field name)]``: every field of an entry type that refers to
    ``record_model`` (a claim's ``attributed_to`` names a person; an agreement's
    ``parties`` name organizations)."""
    found = []
    for entry_type_ in entry_types():
        for field_ in entry_type_.model._meta.get_fields():
            concrete = field_.concrete or field_.many_to_many
            if concrete and not field_.auto_created and field_.related_model is record_model:
                found.append((entry_type_.model, field_.name))
    return found


def named_by_a_verified_entry(record_model):
    """A condition on ``record_model`` rows: a verified entry of some type names the row."""
    from django.db.models import Exists, OuterRef, Q

    condition = Q(pk__in=[])
    for model, field_name in naming(record_model):
        condition |= Exists(model.objects.verified().filter(**{field_name: OuterRef("pk")}))
    return condition
