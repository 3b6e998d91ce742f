import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.contrib.auth import get_user_model
from django.contrib.contenttypes import views as contenttype_views
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, router, transaction
from django.db.models import prefetch_related_objects
from django.forms.utils import ErrorList
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin
from reversion.models import Version

from summitcms.lib.words import shorten

from . import changes, history, registry, workflow
from .changelists import CappedCountAdmin, RowsChangeList
from .models import Conflict, Entry, ProposalKind, ProposalStatus, Status, Topic, Versioned


class KeysOnly:
    """Django's autocomplete boxes look the chosen values up to show them again on a form
    that came back with errors; a crafted value that is not a key ("abc") made that
    look-up raise, a 500 instead of the field's own "Select a valid choice" error."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self.is_key(v)], attr)

    def is_key(self, value):
        opts = self.field.remote_field.model._meta
        target = opts.get_field(getattr(self.field.remote_field, "field_name", None) or opts.pk.name)
        try:
            key = target.to_python(value)
        except ValidationError:
            return False
        return not isinstance(key, int) or -(2**63) <= key < 2**63


class KeysOnlyAutocompleteSelect(KeysOnly, AutocompleteSelect):
    pass


class KeysOnlyAutocompleteSelectMultiple(KeysOnly, AutocompleteSelectMultiple):
    pass


class KeysInRange(forms.ModelMultipleChoiceField):
    """A many-to-many box that refuses a number no key can be (beyond 64 bits) as the
    field's own error: SQLite cannot even compare one (an OverflowError, a 500)."""

    def clean(self, value):
        for key in value or []:
            try:
                number = int(key)
            except (TypeError, ValueError):
                continue
            if not -(2**63) <= number < 2**63:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                )
        return super().clean(value)


class KeysOnlyAutocomplete:
    """For a ModelAdmin or an inline: its autocomplete boxes are ``KeysOnly``, and its
    many-to-many boxes take no key out of range."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlyAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KeysOnlyAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        kwargs.setdefault("form_class", KeysInRange)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class SeenVersionField(forms.IntegerField):
    """The version a form was opened at, sent back hidden. It is not a change the person
    made: a row of an inline whose only difference is this one is not saved."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def has_changed(self, initial, data):
        return False


class VersionedForm(forms.ModelForm):
    """Refuses to save over a newer version of the record: the person keeps what they typed.

    The admin cleans its forms inside the transaction that saves them: the row locked
    here stays locked until the save, so two stale forms cannot both pass.
    """

    seen_version = SeenVersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None and self.is_saved():
            type(self.instance).lock(self.instance.pk).check_version(cleaned.get("seen_version"))
        return cleaned

    def is_saved(self):
        """Whether the admin writes this form: its main form, always."""
        return True


class EntryForm(VersionedForm):
    """An entry's form: warns, before saving, that its headline (statement, words, title)
    is close to an entry already recorded (``Entry.near_duplicates``), with links to them.
    The analyst may go on: ticking "save anyway" and saving again saves it."""

    save_anyway = forms.BooleanField(
        required=False,
        label="Save anyway",
        help_text="It is not a repeat of the entries named above.",
        widget=forms.HiddenInput,  # shown only with the warning
    )

    def _post_clean(self):
        super()._post_clean()  # the instance now holds what was typed
        self.check_links()
        field = registry.entry_type(self.instance).headline_field
        if field not in self.changed_data or self.has_error(field) or self.cleaned_data.get("save_anyway"):
            return
        near = self.instance.near_duplicates()
        if not near:
            return
        opts = self.instance._meta
        links = format_html_join(
            "",
            '<li><a href="{}">{}</a> ({}, {}% alike)</li>',
            (
                (
                    reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(entry.pk)]),
                    shorten(getattr(entry, field), 120),
                    entry.get_status_display().lower(),
                    round(similarity * 100),
                )
                for entry, similarity in near
            ),
        )
        self.add_error(
            field,
            format_html(
                'It is close to {} already recorded: <ul class="near-duplicates">{}</ul>'
                "If it is not a repeat, tick “Save anyway” below and save again.",
                f"{len(near)} {opts.verbose_name if len(near) == 1 else opts.verbose_name_plural}",
                links,
            ),
        )
        self.fields["save_anyway"].widget = forms.CheckboxInput()

    def check_links(self):
        """The entry's rules on its many-to-many links (``Entry.link_problems``), on the
        links chosen here with the fields typed here; each problem beside its box."""
        links = {
            name: self.cleaned_data[name]
            for name, field in self.fields.items()
            if isinstance(field, forms.ModelMultipleChoiceField) and name in self.cleaned_data
        }
        for name, problems in self.instance.link_problems(links).items():
            self.add_error(name if name in self.fields else None, problems)


class VersionedRowForm(VersionedForm):
    """A row of an inline: written, and so checked, only when what the page sends differs
    from the row as it is now. A stale row differs (it holds the old values), whether or
    not the person touched it: written back, it would undo the other person's edit."""

    def is_saved(self):
        return self.has_changed()


class SeenVersionMixin:
    """Puts the hidden ``seen_version`` in the form of a versioned model (admin or inline);
    the admin shows only the fields of its fieldsets."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": list(options["fields"])})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if not any("seen_version" in options["fields"] for _, options in fieldsets):  # without ``fields``
            fieldsets[0][1]["fields"].append("seen_version")
        return fieldsets


class VersionedInline(SeenVersionMixin, admin.TabularInline):
    """Rows of a versioned model under another's form (relations of a claim, parts of an
    event): a stale row is refused, naming the row. ``StampedAdmin`` stamps the saved rows."""

    form = VersionedRowForm


class StampedAdmin(KeysOnlyAutocomplete, SeenVersionMixin, VersionAdmin, CappedCountAdmin):
    """Fills in who created and who last changed a record, and keeps its history.

    django-reversion's ``VersionAdmin`` records every add and change through the admin
    as a revision with its user and change message. Its history page is ours: old and new
    values of each version; and restoring one goes through the same rules as an edit,
    with a preview of what it writes (``restore_view``), so its own revert form, which
    saves an old version through the change form, leads there. Deleted records are not
    recovered from here: a recovered entry would come back in the status it had. A save
    from a form opened before someone else's save is refused (``Versioned``).
    """

    form = VersionedForm
    # The capped list (its rows written by RowsChangeList), without reversion's "Recover
    # deleted" link.
    change_list_template = CappedCountAdmin.change_list_template
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    stamp_fields = ["created_by", "created_at", "updated_by", "updated_at"]
    object_history_template = "admin/editorial/object_history.html"

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *self.stamp_fields]

    def save_model(self, request, obj, form, change):
        obj.stamp(request.user)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if issubclass(formset.model, Versioned):
            for row in formset.forms:
                if row.has_changed() and row not in formset.deleted_forms:
                    row.instance.stamp(request.user)
        super().save_formset(request, form, formset, change)

    def reversion_register(self, model, **kwargs):
        """The registry puts models under reversion, with what they follow (``registry``)."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if obj is not None:
                # Before the revision of this change opens: the old values in one of their own.
                workflow.ensure_baseline(obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(entry.get_change_message() or "Created.")
        return entry

    def log_change(self, request, obj, message):
        # A comment set during the save (a workflow step) is kept over the form's message.
        comment = reversion.get_comment() if reversion.is_active() else ""
        entry = super().log_change(request, obj, message)
        if reversion.is_active():
            reversion.set_comment(comment or entry.get_change_message() or "Saved without changes.")
        return entry

    def changelist_view(self, request, extra_context=None):
        # Not in one revision for the whole list, as VersionAdmin's: each entry a bulk
        # action changes gets a revision of its own (``workflow.apply``), after its baseline.
        return super(VersionAdmin, self).changelist_view(request, extra_context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """reversion's revert form saves an old version through the change form: here a
        restore has a preview and the restore rules instead."""
        info = self.opts.app_label, self.opts.model_name
        return redirect(reverse("admin:{}_{}_restore".format(*info), args=[object_id, version_id]))

    def recover_view(self, request, version_id, extra_context=None):
        raise Http404("Deleted records are not recovered from the admin.")

    def recoverlist_view(self, request, extra_context=None):
        raise Http404("Deleted records are not recovered from the admin.")

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/history/<int:version_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="{}_{}_restore".format(*info),
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        # Permission before existence, as restore_view: Django's view looks the record up
        # first and redirects when it is missing, which tells someone without access which
        # records exist. And refused before the timeline is built, not after.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is not None and not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        rows = history.timeline(obj) if obj is not None else []
        for row in rows[1:]:
            row["restore_url"] = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_restore", args=[quote(obj.pk), row["version"].pk]
            )
        return super().history_view(request, object_id, {"versions": rows, **(extra_context or {})})

    def restore_view(self, request, object_id, version_id):
        # Permission before existence, as in Django's own views: a 404 would tell someone
        # without access which records exist.
        if not self.has_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_for_object(obj), pk=version_id)
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[quote(obj.pk)])
        errors = []
        if request.method == "POST":
            try:
                # The page sends the version it shows; a POST without one is refused, not let through.
                history.restore(obj, version, request.user, expected_version=request.POST.get("version", ""))
            except ValidationError as error:
                errors = error.messages
            else:
                when = f"{version.revision.date_created:%Y-%m-%d %H:%M}"
                if isinstance(obj, Entry) and obj.status == Status.VERIFIED:
                    message = (
                        f"The version of {when} of “{obj}” is proposed as a change: readers see the published "
                        "version until another editor approves it."
                    )
                else:
                    message = f"Restored “{obj}” as it was on {when}."
                self.message_user(request, message)
                return redirect(change_url)
        latest = Version.objects.get_for_object(obj).first()
        if isinstance(obj, Entry):
            # Exactly what the restore writes: the version against what is proposed now.
            try:
                restored = history.version_state(obj, version)
            except changes.Unresolvable as error:
                errors, preview = errors or error.messages, []
            else:
                preview = [
                    (row["label"], row["before"] or "—", row["after"] or "—")
                    for row in changes.differences(self.model, changes.proposed_state(obj), restored)
                ]
                for name in self.model.DESK_FIELDS:
                    field = self.model._meta.get_field(name)
                    now, then = getattr(obj, field.attname), version.field_dict.get(field.attname)
                    if now != then:
                        preview.append((str(field.verbose_name), now or "—", then or "—"))
        else:
            preview = history.field_changes(type(obj), latest.field_dict, version.field_dict) + history.child_changes(
                type(obj), obj, latest.revision, version.revision
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": f"Restore an earlier version of “{obj}”",
            "version": version,
            "proposes": isinstance(obj, Entry) and obj.status == Status.VERIFIED,
            "changes": preview,
            "errors": errors,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/editorial/restore.html", context)


@admin.register(Topic)
class TopicAdmin(StampedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    stamp_fields = ["updated_by", "updated_at"]


class LoadedAutocompleteSelect(KeysOnlyAutocompleteSelect):
    """The admin's autocomplete box, showing its chosen object from ``loaded`` when that
    is the object chosen, instead of querying for it: a form of 50 citations ran 50
    queries, one for each row's source."""

    loaded = None

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if self.loaded is None or chosen != [str(self.loaded.pk)]:
            return super().optgroups(name, value, attr)  # another value was typed in
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        label = self.choices.field.label_from_instance(self.loaded)
        options.append(self.create_option(name, self.loaded.pk, label, True, len(options)))
        return [(None, options, 0)]


class CitationFormSet(forms.BaseInlineFormSet):
    """Hands each citation's source, loaded with the citations, to its autocomplete box,
    and refuses one passage cited twice."""

    def clean(self):
        super().clean()
        # The offsets are computed, not fields of the form, so Django's check of the
        # unique constraint skips it and the second row failed in the database (a 500).
        cited = set()
        for form in self.forms:
            if form.errors or not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            citation = form.instance
            passage = (citation.source_id, citation.start, citation.end)
            if passage in cited:
                raise forms.ValidationError(
                    f"The passage “{shorten(citation.passage, 80)}” of “{citation.source}” is cited twice."
                )
            cited.add(passage)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        widget = form.fields["source"].widget
        widget = getattr(widget, "widget", widget)  # inside the admin's add and change links
        source_field = form.instance._meta.get_field("source")
        if isinstance(widget, LoadedAutocompleteSelect) and source_field.is_cached(form.instance):
            widget.loaded = form.instance.source


class CitationInline(KeysOnlyAutocomplete, admin.StackedInline):
    """Evidence rows under an entry: the source and the passage copied from it.

    Stacked, not a table: a row of six columns made the form wider than the screen. The
    change form puts them right after the statement, beside the chosen source's text
    (``editorial/cite.js``: selecting a passage there fills the row's excerpt)."""

    formset = CitationFormSet
    extra = 1
    verbose_name = "citation"
    verbose_name_plural = "evidence: passages of sources"
    autocomplete_fields = ["source"]
    fields = ["source", "excerpt", "stance", "note", ("start", "end")]
    readonly_fields = ["start", "end"]

    def get_formset(self, request, obj=None, **kwargs):
        # Excerpts are a sentence or a paragraph; the box takes the row's width (CSS).
        kwargs.setdefault("widgets", {"excerpt": forms.Textarea(attrs={"rows": 3, "cols": 40})})
        return super().get_formset(request, obj, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "source":
            kwargs["widget"] = LoadedAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class EntryChangeList(RowsChangeList):
    def get_results(self, request):
        super().get_results(request)
        # The ``supporting`` column's counts, for the whole page in one query.
        self.model.count_supporting(list(self.result_list))


class EntryAdmin(StampedAdmin):
    """What the admin of claims, quotes and agreements shares: the editorial workflow."""

    change_form_template = "admin/editorial/entry_change_form.html"
    form = EntryForm
    list_filter = ["status", "updated_at"]
    list_per_page = 100
    # No date_hierarchy: its year links cost a MIN/MAX and a DISTINCT over the whole
    # table on every page view. Analysts look for what changed recently: the list is
    # newest change first (claims) and the "updated at" filter (today, past 7 days, this
    # month, this year) costs no query at all.
    workflow_fields = [
        "status",
        "verified_by",
        "verified_at",
        "submitted_at",
        "submission_note",
        "review_note",
        "proposal_status",
        "retracted_at",
        "correction",
        "text_withheld",
    ]
    stamp_fields = [*StampedAdmin.stamp_fields, "version", *workflow_fields]
    record_fieldset = ("Workflow and record", {"classes": ["collapse"], "fields": stamp_fields})
    list_select_related = ["created_by"]
    actions = ["submit_selected", "verify_selected", "send_back_selected", "retract_selected"]

    class Media:
        # The analyst's workbench: lists that fit the screen, the source's text beside the
        # form. Static files from our own origin: the Content-Security-Policy allows them.
        css = {"all": ["editorial/workbench.css"]}
        js = ["editorial/cite.js"]

    @admin.display(description="entry")
    def heading_display(self, obj):
        """The entry's statement (text, title) on two lines at most; all of it on hover or
        focus (``workbench.css``)."""
        return format_html('<span class="clamp" title="{}">{}</span>', obj.heading, obj.heading)

    def get_view_on_site_url(self, obj=None):
        # An entry readers cannot see yet: its preview, not a 404.
        if obj is not None and obj.status in (Status.DRAFT, Status.IN_REVIEW):
            return preview_url(obj)
        return super().get_view_on_site_url(obj)

    @admin.display(description="change waiting")
    def waiting(self, obj):
        return obj.get_proposal_status_display() if obj.has_proposal else "—"

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Its address is public once it is first verified (``Entry.address_is_fixed``).
        return [*fields, "slug"] if obj is not None and obj.address_is_fixed else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # The duplicate warning's "save anyway", under the headline it is about.
        headline = registry.entry_type(self.model).headline_field
        for _, options in fieldsets:
            if headline in options["fields"] and "save_anyway" not in options["fields"]:
                options["fields"].insert(options["fields"].index(headline) + 1, "save_anyway")
        return fieldsets

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if "status" in columns and "waiting" not in columns:
            columns.insert(columns.index("status") + 1, "waiting")
        return columns

    @admin.display(description="supporting")
    def supporting(self, obj):
        return obj.supporting_count

    @admin.display(description="corroboration")
    def corroboration(self, obj):
        return obj.stored_corroboration().label

    def get_changelist(self, request, **kwargs):
        return EntryChangeList

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        context = {
            "transitions": workflow.available(obj, request.user) if obj is not None else [],
            "entry": obj,
            "publications": list(obj.publications.select_related("published_by")) if obj is not None else [],
        }
        extra_context = {**context, **(extra_context or {})}
        if obj is None or obj.status != Status.VERIFIED:
            # Not public: its rows are the work in progress.
            return super().change_view(request, object_id, form_url, extra_context)
        return self.proposal_view(request, obj, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        citation_model = self.model.citations.rel.related_model
        context["error_summary"] = error_summary(context["adminform"].form, context["inline_admin_formsets"])
        context["source_text_url"] = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_source_text")
        context["citations_prefix"] = self.model.citations.rel.get_accessor_name()
        context["can_submit"] = obj is None or obj.status == Status.DRAFT
        context["preview_url"] = preview_url(obj) if obj is not None and obj.has_proposal else ""
        context["citation_noun"] = citation_model._meta.verbose_name
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return self.submitted(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "proposal", None) is not None:
            # ``proposal_view`` says what became of the change, once it is kept.
            return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[quote(obj.pk)]))
        return self.submitted(request, obj) or super().response_change(request, obj)

    def submitted(self, request, obj):
        """ "Save and submit for review": the saved draft goes through the workflow's own
        submit, as the button on its page would; a refusal is said, the draft kept."""
        if "_submit" not in request.POST:
            return None
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[quote(obj.pk)])
        try:
            workflow.apply(obj, "submit", request.user, expected_version=obj.version)
        except ValidationError as error:
            self.message_user(
                request, f"“{obj}” was saved but not submitted: {' '.join(error.messages)}", messages.ERROR
            )
        else:
            self.message_user(request, f"“{obj}” was saved and submitted for review.", messages.SUCCESS)
        return redirect(change_url)

    def preview_view(self, request, object_id):
        """A draft, an entry in review or a change waiting for review, shown with the page
        readers will see once it is published: marked as not published, never cached,
        never indexed, and a 404 to anyone who is not staff allowed to see the entry.

        The page is the public view itself, run in a savepoint that is always rolled back
        (``changes.sandbox``) after the entry is made to look published in it: the change
        applied, or the status set to verified. Nothing is written; no reader sees it.
        """
        user = request.user
        if not (user.is_active and user.is_staff and self.has_view_or_change_permission(request)):
            raise Http404
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not (obj.status in (Status.DRAFT, Status.IN_REVIEW) or obj.has_proposal):
            raise Http404
        with transaction.atomic(using=router.db_for_write(self.model)), changes.sandbox():
            entry = self.model.objects.get(pk=obj.pk)
            if entry.has_proposal:
                changes.apply(entry, entry.proposal, keep_new_ids=True)
            else:
                self.model.objects.filter(pk=entry.pk).update(status=Status.VERIFIED, verified_at=entry.updated_at)
            entry.refresh_from_db()
            match = resolve(entry.get_absolute_url())
            view = match.func.view_class.as_view(extra_context={"preview": obj})  # as it is, not as shown
            response = view(request, *match.args, **match.kwargs)
            response.render()
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex"
        return response

    def source_text_view(self, request):
        """The text of the source ``?source=<id>``, for the pane beside the form
        (``editorial/cite.js``): to whoever may edit these entries and see sources."""
        source_model = self.model.citations.rel.related_model._meta.get_field("source").related_model
        source_admin = self.admin_site._registry.get(source_model)
        if not (self.has_add_permission(request) or self.has_change_permission(request)) or not (
            source_admin and source_admin.has_view_or_change_permission(request)
        ):
            raise PermissionDenied
        try:
            source = source_model.objects.only("title", "body", "reliability").get(
                pk=int(request.GET.get("source", ""))
            )
        except (ValueError, OverflowError, source_model.DoesNotExist):
            raise Http404 from None
        return JsonResponse(
            {
                "id": source.pk,
                "title": source.title,
                "body": source.body,
                "reliability": source.get_reliability_display(),
            }
        )

    def proposal_view(self, request, obj, object_id, form_url, extra_context):
        """The change form of a published entry: it shows, and a save keeps, the change
        proposed to it, while readers keep seeing the published rows.

        The form and its inlines run on real rows inside a savepoint that is always
        rolled back (``changes.sandbox``): the proposal is written to the rows first, the
        admin saves as it always does, and what that made is read back and kept as the
        proposal (``changes.state``). Internal notes are the desk's: saved at once.
        """
        workflow.ensure_baseline(obj)
        with transaction.atomic(using=router.db_for_write(self.model)):
            entry = self.model.lock(obj.pk)
            public = changes.state_now(entry)
            public_ids = changes.public_ids(entry)
            request.proposal = {"public": public, "captured": None}
            with changes.sandbox():
                if entry.has_proposal:
                    try:
                        with transaction.atomic():
                            # On a copy: ``entry`` must stay the published row for what follows.
                            changes.apply(self.model.objects.get(pk=entry.pk), entry.proposal, keep_new_ids=True)
                    except ValidationError as error:
                        self.message_user(
                            request,
                            "The proposed change can no longer be written as it is "
                            f"({' '.join(error.messages)}); the form shows the published version.",
                            messages.WARNING,
                        )
                extra_context = {**extra_context, "proposal_of": entry}
                response = super().change_view(request, object_id, form_url, extra_context)
                if hasattr(response, "render"):
                    response.render()  # now, while the sandbox holds the proposal
            captured = request.proposal["captured"]
            if captured is not None:
                entry.refresh_from_db()
                self.keep_proposal(request, entry, changes.with_new_ids(captured["state"], public_ids), captured)
        return response

    def keep_proposal(self, request, entry, proposed, captured):
        """Keep what a save of the change form made as the entry's proposal (in the
        transaction of ``proposal_view``, the row still locked)."""
        public = request.proposal["public"]
        previous = changes.proposed_state(entry)
        if not changes.same(proposed, previous):
            entry.add_contributor(request.user)
        if changes.same(proposed, public):
            workflow.clear_proposal(entry)
            comment = "Changed back to the published version: nothing waits for review."
        else:
            entry.proposal = proposed
            entry.proposal_status = entry.proposal_status or ProposalStatus.DRAFT
            lines = [row["label"] for row in changes.differences(self.model, public, proposed)]
            comment = "Proposed change: " + ", ".join(dict.fromkeys(lines)) + "."
        for name in self.model.DESK_FIELDS:
            setattr(entry, name, captured["desk_fields"][name])
        entry.stamp(request.user)
        with reversion.create_revision():
            entry.save()
            reversion.set_user(request.user)
            reversion.set_comment(comment)
        if entry.has_proposal:
            self.message_user(
                request,
                f"Your change to “{entry}” is kept as a proposed change: readers keep seeing the verified "
                "version until another editor approves it. Submit it for review when it is ready.",
                messages.SUCCESS,
            )
        else:
            self.message_user(request, f"“{entry}” is as published: no change waits for review.", messages.SUCCESS)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        proposal = getattr(request, "proposal", None)
        if proposal is not None:
            # Inside the sandbox: read what the save made, before it is rolled back.
            proposal["captured"] = {
                "state": changes.state(obj),
                "desk_fields": {name: getattr(obj, name) for name in self.model.DESK_FIELDS},
            }
            return
        edited = set(form.changed_data) - {*self.model.DESK_FIELDS, "seen_version"} or any(
            f.has_changed() for f in formsets
        )
        if edited or not change:
            # Not yet public: whoever changes it contributes to its first version.
            obj.add_contributor(request.user)
            type(obj).objects.filter(pk=obj.pk).update(contributors=obj.contributors)

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            # Not through admin_view: anyone but staff gets a 404, not the login page.
            path("<path:object_id>/preview/", self.preview_view, name="{}_{}_preview".format(*info)),
            path(
                "source-text/",
                self.admin_site.admin_view(self.source_text_view),
                name="{}_{}_source_text".format(*info),
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, object_id, name):
        if not self.has_change_permission(request):  # before existence, as restore_view
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        transition = workflow.TRANSITIONS.get(name)
        if obj is None or transition is None:
            raise Http404
        # The checks of its evidence (``workflow.refusals``) read each citation's source.
        prefetch_related_objects([obj], "citations__source")
        if not self.has_change_permission(request, obj) or (
            transition.editors_only and not workflow.can_verify(request.user, self.model)
        ):
            raise PermissionDenied
        change_url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[quote(obj.pk)])
        note = request.POST.get("note", "")
        kind = request.POST.get("kind", "")
        withhold_text = bool(request.POST.get("withhold_text"))  # the retract page's checkbox
        errors = []
        if request.method == "POST":
            try:
                version = request.POST.get("version", "")  # refused when missing, as in restore_view
                kind = ProposalKind.CORRECTION if kind == ProposalKind.CORRECTION else ""
                workflow.apply(
                    obj,
                    name,
                    request.user,
                    note=note,
                    expected_version=version,
                    kind=kind,
                    withhold_text=withhold_text,
                )
            except Conflict as conflict:
                self.message_user(request, " ".join(conflict.messages), messages.ERROR)
                return redirect(change_url)
            except ValidationError as error:
                errors = error.messages
            else:
                self.message_user(request, f"“{obj}” was {transition.done}.", messages.SUCCESS)
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "object": obj,
            "title": f"{transition.label}: {obj}",
            "transition": transition,
            "errors": errors,
            "warnings": [] if errors else workflow.refusals(obj, transition, request.user, note="-"),
            "note": note,
            "kind": kind,
            "withhold_text": withhold_text,
            "change_url": change_url,
            "differences": self.differences(obj) if name in ("verify", "send_back", "submit", "withdraw") else None,
            "contributors": contributor_names(obj),
        }
        return TemplateResponse(request, "admin/editorial/transition.html", context)

    def differences(self, obj):
        """What approving ``obj`` would change of what readers see."""
        public = changes.state_now(obj) if obj.status == Status.VERIFIED else None
        return changes.differences(self.model, public, changes.proposed_state(obj))

    # Bulk actions: each entry goes through workflow.apply, like the buttons.

    def has_verify_permission(self, request):
        return workflow.can_verify(request.user, self.model)

    def run_transition(self, request, queryset, name):
        transition = workflow.TRANSITIONS[name]
        note = request.POST.get("note", "")
        withhold_text = bool(request.POST.get("withhold_text"))  # the bulk retract page's checkbox
        if transition.needs_note and not request.POST.get("apply"):
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": f"{transition.label}: {queryset.count()} {self.opts.verbose_name_plural}",
                "transition": transition,
                "queryset": queryset,
                "action": f"{name}_selected",
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                # Carried on: the note page acts on the versions the list showed.
                "seen_versions": [
                    (key.removeprefix("seen_version_"), value)
                    for key, value in request.POST.items()
                    if key.startswith("seen_version_")
                ],
            }
            return TemplateResponse(request, "admin/editorial/bulk_note.html", context)
        done, refused = 0, []
        for entry in queryset.order_by("pk"):
            # What the list showed of each row: a verification acts on nothing else.
            seen = request.POST.get(f"seen_version_{entry.pk}")
            if seen is None and name == "verify":
                seen = ""  # refused: the page did not say which version it showed
            try:
                workflow.apply(entry, name, request.user, note=note, expected_version=seen, withhold_text=withhold_text)
            except ValidationError as error:
                refused.append(f"“{entry}”: {' '.join(error.messages)}")
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} {self.opts.verbose_name_plural} {transition.done}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, f"Not {transition.done}: {reason}", messages.ERROR)
        return None

    @admin.action(description="Submit selected for review", permissions=["change"])
    def submit_selected(self, request, queryset):
        return self.run_transition(request, queryset, "submit")

    @admin.action(description="Verify selected", permissions=["verify"])
    def verify_selected(self, request, queryset):
        return self.run_transition(request, queryset, "verify")

    @admin.action(description="Send selected back to their authors", permissions=["verify"])
    def send_back_selected(self, request, queryset):
        return self.run_transition(request, queryset, "send_back")

    @admin.action(description="Retract selected (with a correction note)", permissions=["verify"])
    def retract_selected(self, request, queryset):
        return self.run_transition(request, queryset, "retract")


def preview_url(entry):
    opts = entry._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_preview", args=[quote(entry.pk)])


def error_summary(form, inline_admin_formsets):
    """Every error of an entry's form and of its rows, each with the id of the place
    where the page shows it: the summary at the top links to the refused row."""
    rows = []
    for name, errors in form.errors.items():
        if name in form.fields:
            rows.append({"anchor": f"id_{name}", "label": form.fields[name].label, "messages": errors})
    for inline in inline_admin_formsets:
        formset = inline.formset
        noun = str(inline.opts.verbose_name)
        if formset.non_form_errors():
            label = str(inline.opts.verbose_name_plural).capitalize()
            rows.append({"anchor": f"{formset.prefix}-group", "label": label, "messages": formset.non_form_errors()})
        for index, row in enumerate(formset.forms):
            if row.errors:
                messages_ = ErrorList([m for errors in row.errors.values() for m in errors])
                label = f"{noun[:1].upper()}{noun[1:]} {index + 1}"
                rows.append({"anchor": f"{formset.prefix}-{index}", "label": label, "messages": messages_})
    return rows


def contributor_names(entry):
    users = get_user_model().objects.filter(pk__in=entry.excluded_reviewers()).order_by("username")
    return [user.get_username() for user in users]


def view_on_site_view(request, content_type_id, object_id):
    """Django's "view on site" redirect, for people who may see the record.

    Django's own answers any staff member, and the address it redirects to names the
    record: a draft's slug is made from its statement.
    """
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
    except ContentType.DoesNotExist:
        raise Http404 from None
    model_admin = admin.site._registry.get(model)
    if model_admin is None or not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    if issubclass(model, Entry):
        entry = model.objects.filter(pk=object_id, status__in=[Status.DRAFT, Status.IN_REVIEW]).first()
        if entry is not None:
            return redirect(preview_url(entry))  # readers cannot see it yet
    return contenttype_views.shortcut(request, content_type_id, object_id)
