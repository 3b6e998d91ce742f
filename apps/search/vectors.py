"""The stored search vector on PostgreSQL, generated from the search declarations.

Each searchable model's table (``index.searchables()``) gets a ``search_vector`` tsvector
column with a GIN index, and the database keeps it current with triggers, whatever
writes the data — the admin, ``loaddata``, ``bulk_create`` or ``QuerySet.update()`` —
because a vector spans tables: a claim's vector holds its statement (weight A), the
excerpts it rests on (B) and the names of who and where (C).

- ``<table>_search_vector(r <table>)`` builds a row's vector from the declared lookups;
  the BEFORE trigger ``search_vector`` stores it when a column it is made of, or
  ``search_vector`` itself, is written — not on every update: writing a claim's stored
  corroboration must not rebuild its vector and index entries.
- Refreshing a row's vector means setting it to NULL: the row's own trigger recomputes it.
  Rows read through a reverse foreign key or a many-to-many (citations, an agreement's
  parties) refresh their entities from statement-level triggers with transition tables
  (``search_vector_insert``, ``_update``, ``_delete``): one UPDATE per statement, so a bulk
  insert of citations refreshes each entry once. Rows whose columns are read through a
  foreign key or a many-to-many (people, events) refresh theirs from one row-level
  trigger per table (``search_vector_names``), only when one of those columns changes:
  renames are rare.

A bulk load in one transaction (``generate_corpus``, ``import_fixtures`` in parts) defers the
vectors (``deferred``): its rows are written without, and each computes its vector once, at the end.

``install()`` runs after every ``migrate`` and every test-database flush, so it must cost
nothing when nothing changed: it reads what is installed in one catalog query and
changes only what differs from the declarations, each object carrying a hash of its
definition in its comment. A table's vectors are recomputed only when its vector
function changed or its column is new. The names are those of the migrations that once
held this SQL by hand (``search.0001``, ``0002``), so a database that ran them is
upgraded in place.
"""

import enum
import hashlib
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core import checks
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections, router, transaction
from django.db.models import CharField, ForeignKey, ForeignObjectRel, ManyToManyField, TextField
from django.db.models.constants import LOOKUP_SEP

from apps.editorial.models import Status
from summitcms.lib.statistics import holding_rows

from .index import parts, searchables
from .query import CONFIG

COLUMN = "search_vector"
# A transaction-local setting: while "on", rows written compute no vector (``deferred``).
DEFERRED = "summitcms.search_vectors_deferred"
# Every trigger and function of the naming scheme, whatever the declarations say now:
# what they no longer produce is dropped.
TRIGGERS = (
    "search_vector",
    "search_vector_insert",
    "search_vector_update",
    "search_vector_delete",
    "search_vector_names",
)
FUNCTION_NAMES = r"_(search_vector|search_vector_trigger|refresh_search_vector|refresh_dependent_search_vectors)$"
# PostgreSQL cuts longer names to this many bytes: compare them as it stores them.
NAME_LENGTH = 63
# The generated SQL quotes no identifier.
IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*\Z")
# Serialises two installs (two servers migrating at once).
LOCK = 0x5EA2C4
# The GIN indexes' storage. A row written goes first into the index's list of pending
# entries, merged into the index when the list is full (4 MB by default), and every search
# that reads the index reads that list whole: at a million claims, with 2 MB pending, the
# bench's searches took p95 17.0-17.4 ms against 12.1-13.7 empty (a name 30 ms against 15).
# At PostgreSQL's smallest limit a search reads a few pages more at most, and a bulk write
# still merges its entries a hundred rows at a time (20 000 claims: 9.3 s, against 6.1-8.1 s
# with the default and 12.8 s with no pending list, ``fastupdate = off``).
INDEX_STORAGE = "gin_pending_list_limit=64"


def identifier(name):
    if not IDENTIFIER.match(name):
        raise ImproperlyConfigured(f"Search: {name!r} is not a plain lower-case SQL name.")
    return name


def named(name):
    return name[:NAME_LENGTH]


def public_rows(model):
    """The SQL condition of the rows of ``model`` that the public searches: an entry's
    verified ones (its ``verified()``); "" for a model whose rows are all public."""
    try:
        status = model._meta.get_field("status")
    except FieldDoesNotExist:
        return ""
    if not hasattr(model._default_manager, "verified"):
        return ""
    return f"{identifier(status.column)} = {literal(Status.VERIFIED)}"


def literal(value):
    """``value`` as an SQL literal (the values of a lookup's conditions)."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise ImproperlyConfigured(f"Search: a condition's value must be a string, a number or a boolean, not {value!r}.")


def vector(weight, text):
    return f"setweight(to_tsvector('{CONFIG}', coalesce({text}, '')), '{weight}')"


@dataclass(frozen=True)
class Hop:
    """One relation of a lookup's path, from a row ``p`` to the rows ``t`` it reaches:
    ``t.target = p.source``; for a many-to-many, through ``j``:
    ``j.target = p.source AND t.target_key = j.through_target``."""

    kind: str  # "forward" (a foreign key of p), "reverse" (a foreign key to p) or "many"
    table: str
    source: str
    target: str
    through: str = ""
    through_target: str = ""
    target_key: str = ""

    @classmethod
    def of(cls, relation, path):
        related = relation.related_model._meta.db_table
        if isinstance(relation, ManyToManyField) or (isinstance(relation, ForeignObjectRel) and relation.many_to_many):
            m2m = relation if isinstance(relation, ManyToManyField) else relation.field
            through = m2m.remote_field.through._meta
            near, far = m2m.m2m_field_name(), m2m.m2m_reverse_field_name()
            if m2m is not relation:
                near, far = far, near
            near, far = through.get_field(near), through.get_field(far)
            return cls(
                "many",
                related,
                source=near.target_field.column,
                target=near.column,
                through=through.db_table,
                through_target=far.column,
                target_key=far.target_field.column,
            )
        if isinstance(relation, ForeignKey):
            return cls("forward", related, source=relation.column, target=relation.target_field.column)
        if isinstance(relation, ForeignObjectRel):
            return cls("reverse", related, source=relation.field.target_field.column, target=relation.field.column)
        raise ImproperlyConfigured(f"Search: {path!r} follows {relation!r}, which is not a plain relation.")

    def tables(self):
        return [self.table, self.through] if self.through else [self.table]

    def join(self, previous, n):
        """``(tables, condition)`` that reach these rows as ``t<n>`` from the row ``previous``."""
        reached = f"t{n}"
        if self.kind == "many":
            through = f"j{n}"
            return (
                f"{self.table} {reached} JOIN {self.through} {through}"
                f" ON {through}.{self.through_target} = {reached}.{self.target_key}",
                f"{through}.{self.target} = {previous}.{self.source}",
            )
        return f"{self.table} {reached}", f"{reached}.{self.target} = {previous}.{self.source}"


def joins(hops, previous="r", start=1):
    """``JOIN`` clauses from the row ``previous`` along ``hops``, and the last alias."""
    clauses = []
    for n, hop in enumerate(hops, start):
        tables, condition = hop.join(previous, n)
        clauses.append(f"JOIN ({tables}) ON {condition}" if hop.through else f"JOIN {tables} ON {condition}")
        previous = f"t{n}"
    return " ".join(clauses), previous


def resolve(model, path):
    """``(hops, the model reached, its field)`` of a field path."""
    names = path.split(LOOKUP_SEP)
    hops = []
    for name in names[:-1]:
        relation = model._meta.get_field(name)
        if not relation.is_relation:
            raise ImproperlyConfigured(f"Search: {path!r}: {name!r} is not a relation.")
        hops.append(Hop.of(relation, path))
        model = relation.related_model
    column = model._meta.get_field(names[-1])
    if column.is_relation or not column.concrete:
        raise ImproperlyConfigured(f"Search: {path!r} must end at a column holding text.")
    return tuple(hops), model, column


@dataclass
class Group:
    """The columns of one weight read from the same related row, under the same conditions."""

    hops: tuple
    conditions: tuple  # ((column, SQL literal or None), ...)
    columns: list = field(default_factory=list)  # [(column, holds text)]

    def text(self, alias):
        texts = [f"{alias}.{column}" if is_text else f"{alias}.{column}::text" for column, is_text in self.columns]
        return texts[0] if len(texts) == 1 else f"concat_ws(' ', {', '.join(texts)})"

    def where(self, alias):
        return [
            f"{alias}.{column} IS NULL" if value is None else f"{alias}.{column} = {value}"
            for column, value in self.conditions
        ]

    def expression(self):
        """The text of this group for the row ``r``: a column of ``r``, or a subquery."""
        if not self.hops:
            if not self.conditions:
                return self.text("r")
            return f"(SELECT {self.text('r')} WHERE {' AND '.join(self.where('r'))})"
        first, *rest = self.hops
        tables, condition = first.join("r", 1)
        more, last = joins(rest, "t1", 2)
        text = self.text(last)
        if any(hop.kind != "forward" for hop in self.hops):
            text = f"string_agg({text}, ' ')"
        where = " AND ".join([condition, *self.where(last)])
        return f"(SELECT {text} FROM {' '.join(filter(None, [tables, more]))} WHERE {where})"


@dataclass
class Entity:
    """A searchable model's table: its vector, and the columns of its own it is made of."""

    table: str
    pk: str
    expression: str
    columns: list
    # The condition of the rows the public searches (verified entries), "" where it
    # searches them all (sources): those rows get an index of their own.
    public: str = ""


class Plan:
    """The SQL objects the declarations produce, before they are compared with the database's."""

    def __init__(self, declared):
        self.entities = {}
        # {child table: {entity table: [(the hops before it, Hop.source, Hop.target)]}}
        self.children = {}
        # {table: ([columns read], {entity table: [SQL selecting the ids of entities to refresh]})}
        self.names = {}
        # Every table the SQL reads.
        self.tables = set()
        for model, searched in declared.items():
            self.add(model, searched)

    def add(self, model, searched):
        table, pk = identifier(model._meta.db_table), identifier(model._meta.pk.column)
        self.tables.add(table)
        own, weights = [], []
        for weight in "ABCD":
            groups = {}
            for lookup in getattr(searched, weight):
                path, conditions = parts(lookup)
                hops, _, column = resolve(model, path)
                where = []
                for condition_path, value in conditions.items():
                    condition_hops, _, condition_column = resolve(model, condition_path)
                    if condition_hops != hops:
                        raise ImproperlyConfigured(
                            f"Search: the condition {condition_path!r} of {path!r} must be on the row the text is read "
                            "from."
                        )
                    where.append((identifier(condition_column.column), None if value is None else literal(value)))
                # Own columns without conditions stay apart, in the order declared.
                key = (hops, tuple(where)) if hops or where else len(groups)
                group = groups.setdefault(key, Group(hops, tuple(where)))
                group.columns.append((identifier(column.column), isinstance(column, CharField | TextField)))
                for hop in hops:
                    for name in (hop.table, hop.source, hop.target, hop.through, hop.through_target, hop.target_key):
                        if name:
                            identifier(name)
                    self.tables.update(hop.tables())
            if groups:
                expressions = [group.expression() for group in groups.values()]
                text = expressions[0] if len(expressions) == 1 else f"concat_ws(' ', {', '.join(expressions)})"
                weights.append(vector(weight, text))
            for group in groups.values():
                if not group.hops:
                    own += [column for column, _ in group.columns] + [column for column, _ in group.conditions]
                elif group.hops[0].kind == "forward":
                    own.append(group.hops[0].source)
                self.depend(table, pk, group)
        if not weights:
            raise ImproperlyConfigured(f"Search: {model._meta.label} declares nothing to search.")
        self.entities[table] = Entity(table, pk, " || ".join(weights), unique(own), public_rows(model))

    def depend(self, table, pk, group):
        """What must refresh ``table``'s vectors when the rows ``group`` reads change."""
        hops = group.hops
        for n, hop in enumerate(hops):
            before = hops[:n]
            if hop.kind != "forward":
                # Rows added, changed or removed under an entity: citations, an agreement's parties.
                paths = self.children.setdefault(hop.through or hop.table, {}).setdefault(table, [])
                if (before, hop.source, hop.target) not in paths:
                    paths.append((before, hop.source, hop.target))
            if hop.kind == "reverse":
                continue  # the child's triggers see any change to its rows
            # Columns read from the rows reached: those of the text and its conditions at the
            # end of the path, the foreign key the path follows next on the way.
            if n == len(hops) - 1:
                columns = [column for column, _ in group.columns] + [column for column, _ in group.conditions]
            elif hops[n + 1].kind == "forward":
                columns = [hops[n + 1].source]
            else:
                continue
            if hop.kind == "forward":
                ids = entity_ids(table, pk, before, hop.source, f"= NEW.{hop.target}")
            else:
                ids = entity_ids_in(
                    table,
                    pk,
                    before,
                    hop.source,
                    f"SELECT {hop.target} FROM {hop.through} WHERE {hop.through_target} = NEW.{hop.target_key}",
                )
            read, dependents = self.names.setdefault(hop.table, ([], {}))
            read[:] = unique(read + columns)
            if ids not in dependents.setdefault(table, []):
                dependents[table].append(ids)

    def objects(self):
        """Every function and trigger, in the order they can be created."""
        objects = []
        for entity in self.entities.values():
            objects += entity_objects(entity)
        for child, entities in self.children.items():
            objects += child_objects(child, entities, self.entities)
        for table, (columns, dependents) in self.names.items():
            objects += names_objects(table, columns, dependents, self.entities)
        return objects


def unique(items):
    return list(dict.fromkeys(items))


def entity_ids(table, pk, hops, column, predicate):
    """SQL selecting the ids of the rows of ``table`` whose row at the end of ``hops`` (the
    row itself when there are none) has ``column`` ``predicate`` (``= NEW.id``)."""
    if not hops:
        return f"SELECT {pk} FROM {table} WHERE {column} {predicate}"
    clauses, last = joins(hops)
    return f"SELECT r.{pk} FROM {table} r {clauses} WHERE {last}.{column} {predicate}"


def entity_ids_in(table, pk, hops, column, subquery):
    """As ``entity_ids``, with ``column`` among the values ``subquery`` selects."""
    if not hops and column == pk:
        return subquery
    return entity_ids(table, pk, hops, column, f"IN ({subquery})")


@dataclass(frozen=True)
class Function:
    name: str
    arguments: str  # as ``regprocedure`` prints them: types only
    sql: str
    # The table whose vectors it computes: they are recomputed when it changes.
    fills: str = ""

    @property
    def key(self):
        return f"{named(self.name)}({self.arguments})"

    @property
    def comment(self):
        return comment(self.sql)

    def statements(self):
        return [self.sql, f"COMMENT ON FUNCTION {self.key} IS '{self.comment}'"]


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    sql: str

    @property
    def key(self):
        return (self.table, self.name)

    @property
    def comment(self):
        return comment(self.sql)

    def statements(self):
        return [
            f"DROP TRIGGER IF EXISTS {self.name} ON {self.table}",
            self.sql,
            f"COMMENT ON TRIGGER {self.name} ON {self.table} IS '{self.comment}'",
        ]


def comment(sql):
    digest = hashlib.sha256(sql.encode()).hexdigest()[:16]
    return f"Generated by apps.search.vectors from the search declarations ({digest})"


def entity_objects(entity):
    table = entity.table
    function = named(f"{table}_search_vector")
    trigger_function = named(f"{table}_search_vector_trigger")
    return [
        Function(
            function,
            table,
            f"CREATE OR REPLACE FUNCTION {function}(r {table}) RETURNS tsvector\n"
            f"LANGUAGE sql STABLE AS $$ SELECT {entity.expression} $$",
            fills=table,
        ),
        Function(
            trigger_function,
            "",
            f"CREATE OR REPLACE FUNCTION {trigger_function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n"
            f"  IF current_setting('{DEFERRED}', true) = 'on' THEN NEW.{COLUMN} := NULL;\n"
            f"  ELSE NEW.{COLUMN} := {function}(NEW);\n"
            f"  END IF;\n"
            f"  RETURN NEW;\n"
            f"END $$",
        ),
        # Not on every UPDATE: only when a column the vector is made of is written, or
        # search_vector itself, which refreshing sets to NULL. A save through the ORM
        # writes every column, so it fires.
        Trigger(
            "search_vector",
            table,
            f"CREATE TRIGGER search_vector BEFORE INSERT OR UPDATE OF {', '.join([COLUMN, *entity.columns])}\n"
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {trigger_function}()",
        ),
    ]


def refresh(entities, table, ids):
    # A row whose vector is NULL is already waiting for it (``deferred``): not written again.
    return (
        f"UPDATE {table} SET {COLUMN} = NULL WHERE {entities[table].pk} IN ({' UNION '.join(ids)})"
        f" AND {COLUMN} IS NOT NULL;"
    )


def child_objects(child, dependents, entities):
    function = named(f"{child}_refresh_search_vector")

    # Run through EXECUTE, so each is planned when it runs. PL/pgSQL would otherwise keep
    # the plan of its first run for the whole session: made while the tables were small, a
    # sequential scan of the whole table, which made a long bulk load (generate_corpus,
    # import_fixtures) grow with the square of its rows. The statements hold no literal.
    def updates(rows):
        return "\n    ".join(
            "EXECUTE $sql$"
            + refresh(
                entities,
                table,
                [
                    entity_ids_in(table, entities[table].pk, hops, column, f"SELECT {target} FROM {rows}")
                    for hops, column, target in paths
                ],
            ).rstrip(";")
            + "$sql$;"
            for table, paths in dependents.items()
        )

    execute = f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
    return [
        Function(
            function,
            "",
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            "BEGIN\n"
            "  IF TG_OP IN ('INSERT', 'UPDATE') THEN\n"
            f"    {updates('new_rows')}\n"
            "  END IF;\n"
            "  IF TG_OP IN ('DELETE', 'UPDATE') THEN\n"
            f"    {updates('old_rows')}\n"
            "  END IF;\n"
            "  RETURN NULL;\n"
            "END $$",
        ),
        Trigger(
            "search_vector_insert",
            child,
            f"CREATE TRIGGER search_vector_insert AFTER INSERT ON {child}\nREFERENCING NEW TABLE AS new_rows {execute}",
        ),
        Trigger(
            "search_vector_update",
            child,
            f"CREATE TRIGGER search_vector_update AFTER UPDATE ON {child}\n"
            f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows {execute}",
        ),
        Trigger(
            "search_vector_delete",
            child,
            f"CREATE TRIGGER search_vector_delete AFTER DELETE ON {child}\nREFERENCING OLD TABLE AS old_rows {execute}",
        ),
    ]


def names_objects(table, columns, dependents, entities):
    function = named(f"{table}_refresh_dependent_search_vectors")
    updates = "\n  ".join(refresh(entities, entity, ids) for entity, ids in dependents.items())
    changed = " OR ".join(f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in columns)
    return [
        Function(
            function,
            "",
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n  {updates}\n  RETURN NULL;\nEND $$",
        ),
        Trigger(
            "search_vector_names",
            table,
            f"CREATE TRIGGER search_vector_names AFTER UPDATE OF {', '.join(columns)} ON {table}\n"
            f"FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {function}()",
        ),
    ]


# What is installed: the functions and triggers of the naming scheme with their
# comments, the tables, those with a search_vector column, and the indexes on it.
STATE = f"""
SELECT 'function', p.oid::regprocedure::text, NULL, obj_description(p.oid, 'pg_proc')
  FROM pg_proc p
 WHERE p.pronamespace = current_schema()::regnamespace AND p.proname ~ '{FUNCTION_NAMES}'
UNION ALL
SELECT 'trigger', t.tgname, c.relname, obj_description(t.oid, 'pg_trigger')
  FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
 WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal
   AND t.tgname IN ({", ".join(f"'{name}'" for name in TRIGGERS)})
UNION ALL
SELECT 'table', c.relname, NULL, NULL
  FROM pg_class c
 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
UNION ALL
SELECT 'column', c.relname, NULL, NULL
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
   AND a.attname = '{COLUMN}' AND NOT a.attisdropped
UNION ALL
SELECT 'index', i.relname, NULL, array_to_string(i.reloptions, ',')
  FROM pg_class i
 WHERE i.relnamespace = current_schema()::regnamespace AND i.relkind IN ('i', 'I') AND i.relname ~ '_{COLUMN}$'
"""


@dataclass
class State:
    functions: dict  # {"name(argument types)": comment}
    triggers: dict  # {(table, name): comment}
    tables: set
    columns: set  # tables with a search_vector column
    indexes: dict  # {name: {storage parameters, "a=1"}}

    @classmethod
    def read(cls, cursor):
        state = cls({}, {}, set(), set(), {})
        cursor.execute(STATE)
        for kind, name, table, description in cursor.fetchall():
            if kind == "function":
                state.functions[name] = description
            elif kind == "trigger":
                state.triggers[(table, name)] = description
            elif kind == "index":
                state.indexes[name] = set(description.split(",")) if description else set()
            else:
                getattr(state, {"table": "tables", "column": "columns"}[kind]).add(name)
        return state


@dataclass
class Changes:
    statements: list = field(default_factory=list)
    # The tables whose vectors were recomputed.
    refilled: list = field(default_factory=list)


def changes(plan, state):
    """The statements that bring the database from ``state`` to ``plan``."""
    done = Changes()
    objects = plan.objects()
    functions = {o.key: o for o in objects if isinstance(o, Function)}
    triggers = {o.key: o for o in objects if isinstance(o, Trigger)}
    for table, name in state.triggers:
        if (table, name) not in triggers:
            done.statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
    for key in state.functions:
        if key not in functions:
            done.statements.append(f"DROP FUNCTION IF EXISTS {key}")
    for table in sorted(state.columns - set(plan.entities)):
        # Only a column this module added: its table had our vector function.
        if f"{named(f'{table}_search_vector')}({table})" in state.functions:
            done.statements.append(f"ALTER TABLE {table} DROP COLUMN IF EXISTS {COLUMN}")
    for table in plan.entities:
        if table not in state.columns:
            done.statements.append(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {COLUMN} tsvector")
            done.refilled.append(table)
    for o in objects:
        installed = state.functions if isinstance(o, Function) else state.triggers
        if installed.get(o.key, "") != o.comment:
            done.statements += o.statements()
            if isinstance(o, Function) and o.fills and o.fills not in done.refilled:
                done.refilled.append(o.fills)
    # The vectors, then the index: building it whole is quicker than row by row.
    done.statements += [f"UPDATE {table} SET {COLUMN} = NULL" for table in done.refilled]
    for table in plan.entities:
        indexes = {named(f"{table}_{COLUMN}"): ""}
        # The public's searches read only verified entries: with the index of all the
        # entries, PostgreSQL also reads the index of their status and combines the two,
        # which grows with the corpus (7 ms of a 17 ms search at 300 000 claims).
        if plan.entities[table].public:
            indexes[named(f"{table}_public_{COLUMN}")] = f" WHERE {plan.entities[table].public}"
        for index, where in indexes.items():
            if index not in state.indexes:
                done.statements.append(
                    f"CREATE INDEX IF NOT EXISTS {index} ON {table} USING gin ({COLUMN}) WITH ({INDEX_STORAGE}){where}"
                )
            elif INDEX_STORAGE not in state.indexes[index]:
                # The entries already pending stay there until merged: merge them now.
                done.statements += [
                    f"ALTER INDEX {index} SET ({INDEX_STORAGE})",
                    f"SELECT gin_clean_pending_list('{index}')",
                ]
    return done


def installable(connection, declared, tables):
    """The declarations whose tables all exist (a partial ``migrate`` may not have made
    them all yet) and which the database routers let live in this database."""
    found = {}
    for model, searched in declared.items():
        if not router.allow_migrate_model(connection.alias, model):
            continue
        if Plan({model: searched}).tables <= tables:
            found[model] = searched
    return found


def install(connection=None, declared=None):
    """Bring the database's search vectors, functions and triggers in line with the
    declarations (``index.searchables()`` unless given); PostgreSQL only. Returns the
    ``Changes`` made: none when nothing changed."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        return Changes()
    declared = searchables() if declared is None else declared
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        state = State.read(cursor)
        done = changes(Plan(installable(connection, declared, state.tables)), state)
        if not done.statements:
            return done
        # Another process may be installing too: wait for it, then look again.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])
        state = State.read(cursor)
        done = changes(Plan(installable(connection, declared, state.tables)), state)
        for statement in done.statements:
            cursor.execute(statement)
    return done


@contextmanager
def deferred(using=DEFAULT_DB_ALIAS):
    """Inside a transaction, a bulk load computes each vector once, at the end.

    Each row written computes its vector when it is written, and again each time a
    statement adds rows it is made of (its citations): a long load computes most vectors
    twice or more, and its first statements fix plans for the session while the tables are
    small. Here rows written get a NULL vector instead, and the triggers that refresh
    vectors mark only rows that still have one; at the end the tables are analysed and
    every row without a vector computes it, in one statement per table, before the
    transaction commits. Nothing else changes: what reads vectors outside the load sees
    none of its rows until then. PostgreSQL only; elsewhere it does nothing.
    """
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise transaction.TransactionManagementError("Search vectors can be deferred only inside a transaction.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'on', true)", [DEFERRED])
    yield
    if transaction.get_rollback(using):
        return  # a dry run: nothing of it will be kept
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, 'off', true)", [DEFERRED])
        plan, tables = installed(connection, cursor)
        if tables:
            # Fresh statistics, and with them fresh plans for the vector functions.
            cursor.execute(f"ANALYZE {', '.join(sorted(plan.tables))}")
        for table in tables:
            cursor.execute(f"UPDATE {table} SET {COLUMN} = NULL WHERE {COLUMN} IS NULL")


def installed(connection, cursor):
    """The ``Plan`` of the declarations installed, and the tables that have their vector column."""
    state = State.read(cursor)
    plan = Plan(installable(connection, searchables(), state.tables))
    return plan, [table for table in plan.entities if table in state.columns]


def compact(using=DEFAULT_DB_ALIAS, progress=None):
    """``VACUUM FULL`` the tables that have vectors, after a bulk load has committed; returns
    them. PostgreSQL only, and outside a transaction; elsewhere it does nothing.

    Computing a row's vector writes the row again (``deferred``, and a recompute after
    ``migrate``): the load leaves a dead copy of every row it wrote, ahead of the live ones.
    Autovacuum frees that space but keeps the pages, and a search for a common word, whose
    scan stops at the first matches (``query.RANKED``), reads through all of them first: 40 %
    of the claims table after ``generate_corpus``. The bench's searches at a million claims
    took p95 22-28 ms after one recompute, 17-21 ms once compacted. ``VACUUM FULL``
    rewrites each table without them, and locks it meanwhile (1.5 minutes for a million
    claims): for a load nobody reads yet. ``progress(table)`` is called before each.
    """
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return []
    with connection.cursor() as cursor:
        _, tables = installed(connection, cursor)
        for table in tables:
            if progress:
                progress(table)
            cursor.execute(f"VACUUM (FULL, ANALYZE) {table}")
    return tables


def install_after_migrate(using=DEFAULT_DB_ALIAS, verbosity=1, stdout=None, **kwargs):
    """The ``post_migrate`` handler: after every ``migrate``, and every test-database flush."""
    connection = connections[using]
    done = install(connection)
    if done.statements and verbosity >= 1 and stdout is not None:
        refilled = f"; recomputed the vectors of {', '.join(done.refilled)}" if done.refilled else ""
        stdout.write(f"  Search: {len(done.statements)} statements{refilled}\n")
        with connection.cursor() as cursor:
            # Only rows that were there were written again (a new database's tables are empty).
            rewritten = holding_rows(cursor, done.refilled)
        if rewritten:
            stdout.write(
                "  Search: each of their rows was written again; compact those tables when the site is quiet "
                "(VACUUM FULL, or pg_repack: docs/deploy.md, Upgrades)\n"
            )


def check_declarations(app_configs=None, **kwargs):
    """A system check: every declaration makes valid SQL, whatever the database (a lookup
    SQLite's fallback accepts could otherwise fail only on PostgreSQL, at migrate)."""
    errors = []
    for model, searched in searchables().items():
        try:
            Plan({model: searched})
        except (ImproperlyConfigured, FieldDoesNotExist) as error:
            errors.append(checks.Error(str(error), obj=model, id="search.E001"))
    return errors
