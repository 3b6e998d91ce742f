"""Who gets what: every admin view and every public address, for five kinds of person.

One table, one test per cell (``pytest --collect-only -q`` lists them with their
answers). Each row is a request (a view, its method and data); its ``expect`` says, for
anonymous, a staff user with no permission, an analyst, an editor and a superuser, what
the answer must be and whether the request may change anything. Beside the status, every
cell checks that nothing unverified reaches someone who should not read it: a word found
only in drafts, entries in review, a claim retracted with its text withheld and the people, event and
organization only they name (``SECRET``) must not be in the response (nor in a
redirect's address) to anonymous or to staff without permission, in any error page, nor
on any public page for anyone, a superuser included.

The rows that try to make an entry ``verified`` say who may succeed: an analyst never
does, whichever path (change form, add form, bulk action, transition view, restore of a
verified version, crafted fields), and the database is read back after each attempt.
There is no import view in the admin: ``import_fixtures`` is a shell command.

The data is built once for the module inside a transaction; each test runs in a
savepoint rolled back after it, so a cell that deletes or verifies leaves nothing behind.
"""

from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from types import SimpleNamespace

import pytest
import reversion
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.cache import caches
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from apps.agreements.models import Agreement
from apps.claims.models import Claim, ClaimRelation
from apps.editorial.models import Topic
from apps.quotes.models import Quote
from tests.builders import (
    form_data,
    make_agreement,
    make_analyst,
    make_claim,
    make_editor,
    make_event,
    make_organization,
    make_person,
    make_quote,
    make_source,
    make_user,
)

pytestmark = pytest.mark.django_db

# In every unpublished entry, and in the names of what only they mention. Capitalised in
# text, lowercase in slugs: a page that repeats a lowercase query back is not a leak.
SECRET = "Zanzibarian"
QUERY = "zanzibar"
PUBLISHED = "Published claim about the ports"
ROLES = ["anonymous", "staff", "analyst", "editor", "superuser"]
QUOTE_TEXT = "We’re always for peace and dialogue"
EXCERPT = "three-day visit to Moscow"
CHANGED = "Changed through the matrix"
OLD = "First recorded value"


@dataclass(frozen=True)
class Answer:
    """What a cell expects: a status and whether the row's write must have happened."""

    name: str
    status: int
    effect: bool = False
    to_login: bool = False
    download: bool = False

    def __repr__(self):
        return self.name


LOGIN = Answer("302 to the login page", 302, to_login=True)
DENIED = Answer("403", 403)
MISSING = Answer("404", 404)
GONE = Answer("410", 410)
SHOWN = Answer("200", 200)
DOWNLOAD = Answer("200, an attachment", 200, download=True)
DONE = Answer("302 after success", 302, effect=True)
# Answered with a redirect, nothing written: an action this person is not offered ("No
# action selected"), a field no form has (status, verified_by), a rule that refused.
IGNORED = Answer("302, nothing changed", 302)
REDIRECT = Answer("302 elsewhere", 302)
# The form, page or list shown again (with the reason, if any), nothing written.
REFUSED = Answer("200, shown again, nothing changed", 200)
# The crafted part of a save is dropped: the entry is saved, not verified.
NOT_VERIFIED = Answer("302, saved but not verified", 302)
BAD_REQUEST = Answer("400", 400)


def desk(analyst, editor, superuser=None):
    """An admin view: anonymous must log in first, staff without permission get 403."""
    return {"anonymous": LOGIN, "staff": DENIED, "analyst": analyst, "editor": editor, "superuser": superuser or editor}


def everyone(answer):
    return dict.fromkeys(ROLES, answer)


@dataclass
class Row:
    id: str
    url: Callable  # world -> address
    expect: dict  # role -> Answer
    method: str = "get"
    data: Callable = None  # world -> POST data (or GET query)
    effect: Callable = None  # world -> whether the write happened, read back from the database
    # A 200 to someone who may read drafts shows SECRET: the leak checks would see a leak.
    reveals: bool = False
    public: bool = False
    shows: str = ""  # in every 200 answer


def admin_url(name, *args, query=""):
    return lambda w: reverse(f"admin:{name}", args=[a(w) if callable(a) else a for a in args]) + query


def pk(name):
    return lambda w: getattr(w, name).pk


def reload(w, name):
    obj = getattr(w, name)
    return type(obj)._default_manager.filter(pk=obj.pk).first()


def gone(name):
    return lambda w: reload(w, name) is None


def has(name, /, **values):
    def check(w):
        obj = reload(w, name)
        return obj is not None and all(getattr(obj, key) == value for key, value in values.items())

    return check


# ---------------------------------------------------------------------------------------
# Admin models: the object viewed, changed and restored, the one deleted, the field a
# change or a restore writes, and the permissions of analysts and editors on the model.

ALL = {"view", "add", "change", "delete"}
ANALYST = {"view", "add", "change"}


@dataclass
class Model:
    app: str
    name: str
    target: str
    spare: str
    field: str
    analyst: set
    editor: set
    restorable: bool = True  # kept with a history that can be restored (StampedAdmin)
    more_actions: bool = False  # offered actions besides delete_selected
    reveals: bool = True  # the target's pages and the changelist show SECRET

    def answers(self, perm, ok):
        return desk(
            ok if perm in self.analyst else DENIED,
            ok if perm in self.editor else DENIED,
            ok,
        )


MODELS = [
    Model("claims", "claim", "claim_draft", "claim_draft", "notes", ANALYST, ALL, more_actions=True),
    Model("claims", "claimrelation", "relation", "relation", "note", ALL, ALL),
    Model("quotes", "quote", "quote_draft", "quote_draft", "notes", ANALYST, ALL, more_actions=True, reveals=False),
    Model("agreements", "agreement", "agreement_draft", "agreement_draft", "notes", ANALYST, ALL, more_actions=True),
    Model("sources", "source", "source", "source_spare", "notes", ANALYST, ALL, more_actions=True, reveals=False),
    Model("actors", "person", "person_hidden", "person_spare", "notes", ANALYST, ALL),
    Model("actors", "organization", "org_hidden", "org_spare", "notes", ANALYST, ALL),
    Model("events", "event", "event_hidden", "event_spare", "description", ANALYST, ALL),
    Model("editorial", "topic", "topic", "topic_spare", "name", ANALYST, ALL, reveals=False),
    Model("auth", "user", "user_spare", "user_spare", "first_name", set(), set(), restorable=False, reveals=False),
    Model("auth", "group", "group_spare", "group_spare", "name", set(), set(), restorable=False, reveals=False),
]


def model_rows(m):
    info, label = f"{m.app}_{m.name}", f"{m.app}.{m.name}"
    change = admin_url(f"{info}_change", pk(m.target))
    delete = admin_url(f"{info}_delete", pk(m.spare))
    rows = [
        Row(f"{label} changelist", admin_url(f"{info}_changelist"), m.answers("view", SHOWN), reveals=m.reveals),
        Row(f"{label} add", admin_url(f"{info}_add"), m.answers("add", SHOWN)),
        Row(f"{label} change GET", change, m.answers("view", SHOWN), reveals=m.reveals),
        Row(
            f"{label} change POST",
            change,
            m.answers("change", DONE),
            method="post",
            data=lambda w, m=m: w.form(f"{m.app}_{m.name}_change", m.target, {m.field: CHANGED}),
            effect=has(m.target, **{m.field: CHANGED}),
        ),
        Row(f"{label} delete GET", delete, m.answers("delete", SHOWN)),
        Row(
            f"{label} delete POST",
            delete,
            m.answers("delete", DONE),
            method="post",
            data=lambda w: {"post": "yes"},
            effect=gone(m.spare),
        ),
        Row(
            f"{label} history", admin_url(f"{info}_history", pk(m.target)), m.answers("view", SHOWN), reveals=m.reveals
        ),
        Row(
            f"{label} delete_selected action",
            admin_url(f"{info}_changelist"),
            m.answers("delete", DONE),
            method="post",
            data=lambda w, m=m: action("delete_selected", getattr(w, m.spare), post="yes"),
            effect=gone(m.spare),
        ),
    ]
    if m.analyst and "delete" not in m.analyst:
        # Not offered to analysts: Django answers "No action selected", or shows the list
        # again when no action at all is offered, and deletes nothing.
        rows[-1].expect["analyst"] = IGNORED if m.more_actions else REFUSED
    if m.restorable:
        restore = admin_url(f"{info}_restore", pk(m.target), lambda w, m=m: w.first_version(m.target).pk)
        rows += [
            Row(f"{label} restore GET", restore, m.answers("change", SHOWN), reveals=m.reveals),
            Row(
                f"{label} restore POST",
                restore,
                m.answers("change", DONE),
                method="post",
                data=lambda w, m=m: {"version": getattr(reload(w, m.target), "version", "")},
                effect=has(m.target, **{m.field: OLD}),
            ),
        ]
    return rows


def action(name, *objects, **extra):
    """The list's action form: the rows picked, each with the version the list showed."""
    seen = {f"seen_version_{o.pk}": type(o).objects.get(pk=o.pk).version for o in objects if hasattr(o, "version")}
    return {"action": name, ACTION_CHECKBOX_NAME: [o.pk for o in objects], "index": "0", **seen, **extra}


# ---------------------------------------------------------------------------------------
# Claims, quotes and agreements: the workflow's transitions and bulk actions, and every
# way an analyst might try to make one verified.

ENTRIES = [("claims", "claim"), ("quotes", "quote"), ("agreements", "agreement")]


def transition(kind, obj, name, note=""):
    def data(w):
        return {"version": reload(w, obj).version, "note": note}

    return admin_url(f"{kind}_transition", pk(obj), name), data


def entry_rows(app, kind):
    info, label = f"{app}_{kind}", f"{app}.{kind}"
    draft, review, own, verified = f"{kind}_draft", f"{kind}_review", f"{kind}_own", f"{kind}_verified"
    changelist = admin_url(f"{info}_changelist")
    rows = []
    for name, obj, status, note, analyst in [
        ("submit", draft, "in_review", "", True),
        ("verify", review, "verified", "", False),
        ("send_back", review, "draft", "Cite a second source.", False),
        ("retract", verified, "retracted", "The figure was misread.", False),
    ]:
        url, data = transition(info, obj, name, note)
        rows += [
            Row(
                f"{label} transition {name} GET",
                url,
                desk(SHOWN if analyst else DENIED, SHOWN),
                reveals=obj != verified and kind != "quote",
            ),
            Row(
                f"{label} transition {name} POST",
                url,
                desk(DONE if analyst else DENIED, DONE),
                method="post",
                data=data,
                effect=has(obj, status=status),
            ),
        ]
    url, data = transition(info, own, "verify")
    rows += [
        # Four-eyes: the editor created it; the superuser did not.
        Row(
            f"{label} transition verify POST own entry",
            url,
            desk(DENIED, REFUSED, DONE),
            method="post",
            data=data,
            effect=has(own, status="verified"),
            shows="four-eyes",
        ),
        Row(
            f"{label} transition unknown GET",
            admin_url(f"{info}_transition", pk(draft), "publish"),
            desk(MISSING, MISSING),
        ),
        Row(
            f"{label} transition of a missing entry GET",
            admin_url(f"{info}_transition", 999999, "verify"),
            desk(MISSING, MISSING),
        ),
        Row(
            f"{label} restore of a missing entry GET",
            admin_url(f"{info}_restore", 999999, 1),
            desk(MISSING, MISSING),
        ),
    ]
    for name, obj, status, extra, analyst in [
        ("submit_selected", draft, "in_review", {}, DONE),
        ("verify_selected", review, "verified", {}, IGNORED),
        ("send_back_selected", review, "draft", {"apply": "1", "note": "Cite a second source."}, IGNORED),
        ("retract_selected", verified, "retracted", {"apply": "1", "note": "The figure was misread."}, IGNORED),
    ]:
        rows.append(
            Row(
                f"{label} {name} action",
                changelist,
                desk(analyst, DONE),
                method="post",
                data=lambda w, name=name, obj=obj, extra=extra: action(name, getattr(w, obj), **extra),
                effect=has(obj, status=status),
            )
        )
    rows += [
        Row(
            f"{label} send_back_selected action, the note form",
            changelist,
            desk(IGNORED, SHOWN),
            method="post",
            data=lambda w: action("send_back_selected", getattr(w, review)),
            reveals=kind != "quote",
        ),
        Row(
            f"{label} verify_selected action on own entry",
            changelist,
            desk(IGNORED, IGNORED, DONE),
            method="post",
            data=lambda w: action("verify_selected", getattr(w, own)),
            effect=has(own, status="verified"),
        ),
        Row(
            f"{label} export_selected_as_fixture action",
            changelist,
            desk(DOWNLOAD, DOWNLOAD),
            method="post",
            data=lambda w: action("export_selected_as_fixture", getattr(w, draft), getattr(w, review)),
            reveals=True,
        ),
        Row(
            f"{label} delete_selected action, the confirmation",
            changelist,
            desk(IGNORED, SHOWN),
            method="post",
            data=lambda w: action("delete_selected", getattr(w, draft)),
            reveals=kind != "quote",
        ),
        # Crafted: the workflow fields are not form fields, for anyone.
        Row(
            f"{label} change POST with status=verified and verified_by",
            admin_url(f"{info}_change", pk(review)),
            desk(NOT_VERIFIED, NOT_VERIFIED),
            method="post",
            data=lambda w: w.form(f"{info}_change", review, crafted(w)),
            effect=has(review, status="verified"),
        ),
        Row(
            f"{label} add POST with status=verified",
            admin_url(f"{info}_add"),
            desk(NOT_VERIFIED, NOT_VERIFIED),
            method="post",
            # A copy of an entry's form: "save anyway" past the duplicate warning, to reach the status.
            data=lambda w: as_new(
                w.form(f"{info}_change", review, {**crafted(w), "slug": "crafted-entry", "save_anyway": "on"})
            ),
            effect=lambda w, model=kind: (
                w.models[model].objects.filter(slug="crafted-entry", status="verified").exists()
            ),
        ),
        Row(
            f"{label} restore POST of a verified version",
            admin_url(f"{info}_restore", pk(review), lambda w: w.first_version(review).pk),
            desk(NOT_VERIFIED, NOT_VERIFIED),
            method="post",
            data=lambda w: {"version": reload(w, review).version, "status": "verified"},
            effect=has(review, status="verified"),
        ),
    ]
    return rows


def as_new(data):
    """A change form's data made into an add form's: its inline rows become new rows."""
    for key in [key for key in data if key.endswith("-INITIAL_FORMS")]:
        data[key] = "0"
    return {
        key: value
        for key, value in data.items()
        if not key.endswith(("-id", "-claim", "-quote", "-agreement", "-from_claim"))
    }


def crafted(w):
    now = timezone.now().strftime("%Y-%m-%d %H:%M:%S")
    return {
        "status": "verified",
        "verified_by": str(w.users["analyst"].pk),
        "verified_at": now,
        "verified_at_0": now[:10],
        "verified_at_1": now[11:],
        "version": "1",
    }


def inline_crafted_rows():
    """A claim inline row carrying workflow fields, as if the inline could set them."""

    def data(w):
        fields = w.form("claims_claim_change", "claim_review", crafted(w))
        total = int(fields["citations-TOTAL_FORMS"])
        fields.update(
            {
                "citations-TOTAL_FORMS": str(total + 1),
                f"citations-{total}-source": str(w.source.pk),
                f"citations-{total}-excerpt": "signed over a dozen agreements",
                f"citations-{total}-stance": "supports",
                f"citations-{total}-status": "verified",
                f"citations-{total}-claim-status": "verified",
            }
        )
        return fields

    return [
        Row(
            "claims.claim change POST with an inline row and status=verified",
            admin_url("claims_claim_change", pk("claim_review")),
            desk(NOT_VERIFIED, NOT_VERIFIED),
            method="post",
            data=data,
            effect=has("claim_review", status="verified"),
        )
    ]


# ---------------------------------------------------------------------------------------
# Autocomplete: every autocomplete field of every admin and inline, searched for SECRET.


def autocomplete_rows():
    rows = []
    seen = set()
    for model, model_admin in admin.site._registry.items():
        sources = [(model, model_admin.autocomplete_fields)]
        sources += [(inline.model, inline.autocomplete_fields) for inline in model_admin.inlines]
        for source, fields in sources:
            for name in fields:
                key = (source._meta.app_label, source._meta.model_name, name)
                if key in seen:
                    continue
                seen.add(key)
                remote = source._meta.get_field(name).related_model
                query = f"?app_label={key[0]}&model_name={key[1]}&field_name={name}&term={QUERY}"
                rows.append(
                    Row(
                        f"autocomplete {'.'.join(key)}",
                        admin_url("autocomplete", query=query),
                        desk(SHOWN, SHOWN),
                        reveals=remote._meta.model_name in {"claim", "person", "organization", "event", "agreement"},
                    )
                )
    return sorted(rows, key=lambda row: row.id)


# ---------------------------------------------------------------------------------------
# The rest of the admin.


def view_on_site(name):
    return lambda w: reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(getattr(w, name)).pk, getattr(w, name).pk]
    )


OTHER_ADMIN_ROWS = [
    Row("admin index", admin_url("index"), {**desk(SHOWN, SHOWN), "staff": SHOWN}),
    Row("admin app index claims", admin_url("app_list", "claims"), {**desk(SHOWN, SHOWN), "staff": MISSING}),
    Row("admin app index auth", admin_url("app_list", "auth"), {**desk(MISSING, MISSING, SHOWN), "staff": MISSING}),
    Row("review queue", lambda w: reverse("review_queue"), desk(DENIED, SHOWN), reveals=True),
    # The address of a draft names it (its slug is made from its statement).
    Row("view on site of a draft", view_on_site("claim_draft"), desk(REDIRECT, REDIRECT)),
    Row("view on site of a hidden person", view_on_site("person_hidden"), desk(REDIRECT, REDIRECT)),
    Row("view on site of a user", view_on_site("user_spare"), desk(DENIED, DENIED, MISSING)),
]


# ---------------------------------------------------------------------------------------
# The public site: the same answer for everyone, and never SECRET.

PUBLIC = [
    ("home", "/", SHOWN, PUBLISHED),
    ("claims", "/claims/", SHOWN, PUBLISHED),
    ("claims csv", "/claims/?format=csv", DOWNLOAD, PUBLISHED),
    ("claims of an event", "/claims/?event=harbour-summit", SHOWN, PUBLISHED),
    # Refused as an unknown choice, as if the event did not exist.
    ("claims of an event named only by drafts", "/claims/?event=zanzibarian-talks", BAD_REQUEST, ""),
    ("quotes", "/quotes/", SHOWN, "Port Minister"),
    ("quotes csv", "/quotes/?format=csv", DOWNLOAD, "published-quote"),
    ("agreements", "/agreements/", SHOWN, "Published agreement"),
    ("agreements csv", "/agreements/?format=csv", DOWNLOAD, "Published agreement"),
    ("sources", "/sources/", SHOWN, "Report on the ports"),
    ("sources csv", "/sources/?format=csv", DOWNLOAD, "Report on the ports"),
    ("people", "/people/", SHOWN, "Port Minister"),
    ("people csv", "/people/?format=csv", DOWNLOAD, "Port Minister"),
    ("organizations", "/organizations/", SHOWN, "Harbour Times"),
    ("organizations csv", "/organizations/?format=csv", DOWNLOAD, "Harbour Times"),
    ("search for SECRET", f"/search/?q={QUERY}", SHOWN, ""),
    ("search", "/search/?q=ports", SHOWN, "Published claim about the"),
    ("feed", "/feeds/verified/", SHOWN, PUBLISHED),
    ("sitemap index", "/sitemap.xml", SHOWN, "sitemap-claims.xml"),
    *[
        (f"sitemap {section}", f"/sitemap-{section}.xml", SHOWN, "")
        for section in ["pages", "claims", "quotes", "agreements", "sources", "events", "people", "organizations"]
    ],
    ("sitemap unknown", "/sitemap-drafts.xml", MISSING, ""),
    ("claim published", "/claims/published-claim/", SHOWN, PUBLISHED),
    ("claim draft", "/claims/zanzibarian-draft-claim/", MISSING, ""),
    ("claim in review", "/claims/zanzibarian-claim-in-review/", MISSING, ""),
    ("claim retracted", "/claims/zanzibarian-retracted-claim/", GONE, "The figure was misread."),
    ("corrections", "/corrections/", SHOWN, "The figure was misread."),
    ("corrections feed", "/feeds/corrections/", SHOWN, "The figure was misread."),
    ("api", "/api/", SHOWN, "/api/claims/"),
    ("api claims", "/api/claims/", SHOWN, PUBLISHED),
    ("api claim published", "/api/claims/published-claim/", SHOWN, PUBLISHED),
    ("api claim draft", "/api/claims/zanzibarian-draft-claim/", MISSING, ""),
    ("api claim retracted", "/api/claims/zanzibarian-retracted-claim/", GONE, "was retracted"),
    ("api quotes", "/api/quotes/", SHOWN, "published-quote"),
    ("api agreements", "/api/agreements/", SHOWN, "Published agreement"),
    ("api schema", "/api/schema/", SHOWN, "openapi"),
    ("quote published", "/quotes/published-quote/", SHOWN, "Said at the port"),
    ("quote draft", "/quotes/zanzibarian-draft-quote/", MISSING, ""),
    ("quote in review", "/quotes/zanzibarian-quote-in-review/", MISSING, ""),
    ("agreement published", "/agreements/published-agreement/", SHOWN, "Published agreement"),
    ("agreement draft", "/agreements/zanzibarian-draft-agreement/", MISSING, ""),
    ("agreement in review", "/agreements/zanzibarian-agreement-in-review/", MISSING, ""),
    ("source", "/sources/report-on-the-ports/", SHOWN, "Report on the ports"),
    ("event", "/events/harbour-summit/", SHOWN, PUBLISHED),
    ("event named only by drafts", "/events/zanzibarian-talks/", MISSING, ""),
    ("person", "/people/port-minister/", SHOWN, PUBLISHED),
    ("person named only by drafts", "/people/zanzibarian-envoy/", MISSING, ""),
    ("organization", "/organizations/harbour-times/", SHOWN, "Report on the ports"),
    ("organization named only by drafts", "/organizations/zanzibarian-ministry/", MISSING, ""),
    ("unknown address", "/no-such-page/", MISSING, ""),
]
PUBLIC_ROWS = [
    Row(f"public {name}", lambda w, url=url: url, everyone(answer), public=True, shows=shows)
    for name, url, answer, shows in PUBLIC
]

ROWS = [
    *[row for m in MODELS for row in model_rows(m)],
    *[row for app, kind in ENTRIES for row in entry_rows(app, kind)],
    *inline_crafted_rows(),
    *autocomplete_rows(),
    *OTHER_ADMIN_ROWS,
    *PUBLIC_ROWS,
]
# The id says the expected answer: `pytest --collect-only -q` prints the whole table.
CELLS = [pytest.param(row, role, id=f"{row.id} [{role}: {row.expect[role]!r}]") for row in ROWS for role in ROLES]


# ---------------------------------------------------------------------------------------
# The data, built once.


class World(SimpleNamespace):
    def first_version(self, name):
        return Version.objects.get_for_object(getattr(self, name)).order_by("pk").first()

    def form(self, view, name, changes):
        """The admin form ``view`` of object ``name`` as a superuser's browser would send
        it, with ``changes``. Read once: every test starts from the same database."""
        if (view, name) not in self.forms:
            client = self.client
            client.cookies = SimpleCookie({settings.SESSION_COOKIE_NAME: self.sessions["superuser"]})
            url = reverse(f"admin:{view}", args=[] if view.endswith("_add") else [getattr(self, name).pk])
            self.forms[(view, name)] = client.get(url).content.decode()
        return form_data(self.forms[(view, name)], changes)


def recorded(obj, field, first, *, status=None):
    """Two versions in ``obj``'s history: ``field`` was ``first``, then what it is now."""
    now = getattr(obj, field)
    with reversion.create_revision():
        setattr(obj, field, first)
        if status:
            obj.status, obj.verified_by = status, obj.created_by
        obj.save()
    with reversion.create_revision():
        setattr(obj, field, now)
        if status:
            obj.status, obj.verified_by = "in_review", None
        obj.save()


def build():
    w = World(forms={}, models={"claim": Claim, "quote": Quote, "agreement": Agreement})
    editor = make_editor("editor")
    author = make_analyst("author")
    w.users = {
        "anonymous": None,
        "staff": make_user("staff", is_staff=True),
        "analyst": make_analyst("analyst"),
        "editor": editor,
        "superuser": make_user("root", is_staff=True, is_superuser=True),
    }
    w.user_spare = make_user("spare", first_name="Spare")
    w.group_spare = Group.objects.create(name="Spare group")
    now = timezone.now()
    verified = {"status": "verified", "verified_by": editor, "verified_at": now}
    w.org_public = make_organization(name="Harbour Times", slug="harbour-times")
    w.org_hidden = make_organization(name=f"{SECRET} Ministry", slug="zanzibarian-ministry", kind="state")
    w.org_spare = make_organization()
    w.source = make_source(title="Report on the ports", slug="report-on-the-ports", outlet=w.org_public)
    w.source_spare = make_source()
    w.person_public = make_person(name="Port Minister", slug="port-minister")
    w.person_hidden = make_person(name=f"{SECRET} Envoy", slug="zanzibarian-envoy")
    w.person_spare = make_person()
    w.event_public = make_event(name="Harbour summit", slug="harbour-summit")
    w.event_hidden = make_event(name=f"{SECRET} talks", slug="zanzibarian-talks")
    w.event_spare = make_event()
    w.topic = Topic.objects.create(name="Ports", slug="ports")
    w.topic_spare = Topic.objects.create(name="Spare", slug="spare")

    cite = [(w.source, EXCERPT)]
    w.claim_verified = make_claim(
        statement=PUBLISHED,
        slug="published-claim",
        event=w.event_public,
        attributed_to=w.person_public,
        citations=cite,
        created_by=author,
        **verified,
    )
    w.claim_verified.topics.add(w.topic)
    hidden = {"created_by": author, "citations": cite}
    w.claim_draft = make_claim(
        statement=f"{SECRET} draft claim",
        slug="zanzibarian-draft-claim",
        event=w.event_hidden,
        attributed_to=w.person_hidden,
        **hidden,
    )
    w.claim_review = make_claim(
        statement=f"{SECRET} claim in review", slug="zanzibarian-claim-in-review", status="in_review", **hidden
    )
    w.claim_own = make_claim(
        statement=f"{SECRET} editor's claim", status="in_review", created_by=editor, citations=cite
    )
    # Withheld: readers never read its words (one that is not shows them, marked as
    # retracted, on its page and the corrections log: test_public_leaks covers that).
    make_claim(
        statement=f"{SECRET} retracted claim",
        slug="zanzibarian-retracted-claim",
        status="retracted",
        retracted_at=now,
        correction="The figure was misread.",
        text_withheld=True,
        **hidden,
    )
    w.relation = ClaimRelation.objects.create(
        from_claim=w.claim_verified, to_claim=w.claim_draft, kind="contradicts", note="Which is it?"
    )

    said = {"speaker": w.person_public, "citations": [(w.source, QUOTE_TEXT)]}
    w.quote_verified = make_quote(
        slug="published-quote", context="Said at the port", created_by=author, **said, **verified
    )
    w.quote_draft = make_quote(
        slug="zanzibarian-draft-quote", context=f"{SECRET} context", created_by=author, occasion=w.event_hidden, **said
    )
    w.quote_review = make_quote(
        slug="zanzibarian-quote-in-review",
        context=f"{SECRET} context",
        status="in_review",
        occasion=w.event_hidden,
        created_by=author,
        **said,
    )
    w.quote_own = make_quote(context=f"{SECRET} context", status="in_review", created_by=editor, **said)

    w.agreement_verified = make_agreement(
        title="Published agreement", slug="published-agreement", citations=cite, created_by=author, **verified
    )
    w.agreement_verified.parties.add(w.org_public)
    w.agreement_draft = make_agreement(
        title=f"{SECRET} draft agreement",
        slug="zanzibarian-draft-agreement",
        kind="joint_statement",  # a quote may be its words: the autocomplete offers it
        event=w.event_hidden,
        **hidden,
    )
    w.agreement_draft.parties.add(w.org_hidden)
    w.agreement_draft.signatories.add(w.person_hidden)
    w.agreement_review = make_agreement(
        title=f"{SECRET} agreement in review", slug="zanzibarian-agreement-in-review", status="in_review", **hidden
    )
    w.agreement_own = make_agreement(
        title=f"{SECRET} editor's agreement", status="in_review", created_by=editor, citations=cite
    )

    for m in MODELS:
        if m.restorable:
            recorded(getattr(w, m.target), m.field, OLD)
    for kind in ("claim", "quote", "agreement"):
        # Once verified (as if by its author), since sent back to review.
        recorded(getattr(w, f"{kind}_review"), "notes", OLD, status="verified")
    # One client for the module: a new one loads the middleware again, and WhiteNoise's
    # scans every static file. One session per person, opened once.
    w.client = Client()
    w.sessions = {}
    for role, user in w.users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            w.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    for name in vars(w):
        obj = getattr(w, name)
        if hasattr(obj, "refresh_from_db"):
            obj.refresh_from_db()
    return w


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        # The builders' users get the fast hasher; the autouse fixture is per test.
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            block = transaction.atomic()
            block.__enter__()
            try:
                w = build()
            except BaseException:
                transaction.set_rollback(True)
                block.__exit__(None, None, None)
                raise
    yield w
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        block.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def four_eyes(settings):
    settings.SUMMITCMS_FOUR_EYES = True


@pytest.fixture(autouse=True)
def empty_page_cache():
    # Pages are cached under the content version, which each rolled-back test reuses.
    caches["default"].clear()


# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("row,role", CELLS)
def test_permission_matrix(world, row, role):
    expected = row.expect[role]
    data = row.data(world) if row.data else None  # before signing in: it may read a form
    client = world.client
    client.cookies = SimpleCookie()
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    response = getattr(client, row.method)(row.url(world), data)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode()

    where = response.get("Location", "")
    assert response.status_code == expected.status, f"expected {expected!r}, got {response.status_code} {where}"
    if expected.status == 302:
        to_login = response["Location"].startswith(reverse("admin:login") + "?next=")
        assert to_login == expected.to_login, response["Location"]
    if row.effect is not None:
        assert row.effect(world) == expected.effect, (
            f"expected {expected!r}, the write {'did not happen' if expected.effect else 'happened'}"
        )
    if expected.download:
        assert response["Content-Disposition"].startswith("attachment")
    if response.status_code == 200 and row.shows:
        assert row.shows in text

    may_read_drafts = role in ("analyst", "editor", "superuser") and not row.public
    if not may_read_drafts or response.status_code >= 400:
        assert SECRET not in text
        assert SECRET.lower() not in response.get("Location", "").lower()
    elif row.reveals and response.status_code == 200:
        assert SECRET in text, "the leak checks would not see this page's drafts"
