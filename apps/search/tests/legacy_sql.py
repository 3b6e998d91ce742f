# ruff: noqa: E501  (a verbatim copy)
"""The SQL of the migrations that held the search vector by hand (``search.0001_search_vector``
and ``0002_search_vector_on_searched_columns``, deleted since), copied as they were: a
database that ran them has these objects, and ``vectors.install()`` must upgrade them in
place (``test_vectors.py``). Not to be updated: it is what such a database holds.
"""

CONFIG = "english"


def vector(weight, text):
    return f"setweight(to_tsvector('{CONFIG}', coalesce({text}, '')), '{weight}')"


# Each entity: its table, and the expression of its vector in terms of a row ``r``.
VECTORS = {
    "claims_claim": " || ".join(
        [
            vector("A", "r.statement"),
            vector("B", "(SELECT string_agg(x.excerpt, ' ') FROM claims_claimcitation x WHERE x.claim_id = r.id)"),
            vector(
                "C",
                "concat_ws(' ',"
                " (SELECT p.name || ' ' || p.aliases FROM actors_person p WHERE p.id = r.attributed_to_id),"
                " (SELECT e.name FROM events_event e WHERE e.id = r.event_id),"
                " r.quantity_unit)",
            ),
        ]
    ),
    "quotes_quote": " || ".join(
        [
            vector("A", "r.text"),
            vector(
                "B",
                "concat_ws(' ', r.context,"
                " (SELECT string_agg(x.excerpt, ' ') FROM quotes_quotecitation x WHERE x.quote_id = r.id))",
            ),
            vector(
                "C",
                "concat_ws(' ',"
                " (SELECT p.name || ' ' || p.aliases FROM actors_person p WHERE p.id = r.speaker_id),"
                " (SELECT o.name || ' ' || o.aliases FROM actors_organization o WHERE o.id = r.speaker_organization_id),"
                " (SELECT a.title FROM agreements_agreement a WHERE a.id = r.speaker_statement_id AND a.status = 'verified'),"
                " (SELECT e.name FROM events_event e WHERE e.id = r.occasion_id))",
            ),
        ]
    ),
    "agreements_agreement": " || ".join(
        [
            vector("A", "r.title"),
            vector(
                "B",
                "concat_ws(' ', r.summary,"
                " (SELECT string_agg(x.excerpt, ' ') FROM agreements_agreementcitation x WHERE x.agreement_id = r.id))",
            ),
            vector(
                "C",
                "concat_ws(' ', r.place,"
                " (SELECT string_agg(o.name || ' ' || o.aliases, ' ') FROM actors_organization o"
                "  JOIN agreements_agreement_parties ap ON ap.organization_id = o.id WHERE ap.agreement_id = r.id),"
                " (SELECT string_agg(p.name || ' ' || p.aliases, ' ') FROM actors_person p"
                "  JOIN agreements_agreement_signatories s ON s.person_id = p.id WHERE s.agreement_id = r.id),"
                " (SELECT e.name FROM events_event e WHERE e.id = r.event_id))",
            ),
        ]
    ),
    "sources_source": " || ".join(
        [
            vector("A", "r.title"),
            vector(
                "B",
                "concat_ws(' ', r.authors,"
                " (SELECT o.name || ' ' || o.aliases FROM actors_organization o WHERE o.id = r.outlet_id))",
            ),
            vector("D", "r.body"),
        ]
    ),
}

# (table whose rows change, its column pointing at the entity, the entity's table).
# Statement-level triggers with transition tables: one UPDATE per statement, so a
# bulk insert of citations refreshes each entry once, not once per row.
CHILDREN = [
    ("claims_claimcitation", "claim_id", "claims_claim"),
    ("quotes_quotecitation", "quote_id", "quotes_quote"),
    ("agreements_agreementcitation", "agreement_id", "agreements_agreement"),
    ("agreements_agreement_parties", "agreement_id", "agreements_agreement"),
    ("agreements_agreement_signatories", "agreement_id", "agreements_agreement"),
]

# (table of a name, the columns that hold it, [(entity table, the sql selecting the
# ids of entities that show that name; NEW.id is the renamed row)]). Renames are rare:
# row-level triggers, only when one of the columns changes.
NAMES = [
    (
        "actors_person",
        ["name", "aliases"],
        [
            ("claims_claim", "SELECT id FROM claims_claim WHERE attributed_to_id = NEW.id"),
            ("quotes_quote", "SELECT id FROM quotes_quote WHERE speaker_id = NEW.id"),
            (
                "agreements_agreement",
                "SELECT agreement_id FROM agreements_agreement_signatories WHERE person_id = NEW.id",
            ),
        ],
    ),
    (
        "actors_organization",
        ["name", "aliases"],
        [
            ("quotes_quote", "SELECT id FROM quotes_quote WHERE speaker_organization_id = NEW.id"),
            (
                "agreements_agreement",
                "SELECT agreement_id FROM agreements_agreement_parties WHERE organization_id = NEW.id",
            ),
            ("sources_source", "SELECT id FROM sources_source WHERE outlet_id = NEW.id"),
        ],
    ),
    (
        "events_event",
        ["name"],
        [
            ("claims_claim", "SELECT id FROM claims_claim WHERE event_id = NEW.id"),
            ("quotes_quote", "SELECT id FROM quotes_quote WHERE occasion_id = NEW.id"),
            ("agreements_agreement", "SELECT id FROM agreements_agreement WHERE event_id = NEW.id"),
        ],
    ),
    # A joint statement's title is searchable in the quotes it speaks only once it is
    # verified itself: until then readers must not find it.
    (
        "agreements_agreement",
        ["title", "status"],
        [("quotes_quote", "SELECT id FROM quotes_quote WHERE speaker_statement_id = NEW.id")],
    ),
]


def entity_sql(table, expression):
    return [
        f"ALTER TABLE {table} ADD COLUMN search_vector tsvector",
        f"CREATE INDEX {table}_search_vector ON {table} USING gin (search_vector)",
        f"""CREATE FUNCTION {table}_search_vector(r {table}) RETURNS tsvector
            LANGUAGE sql STABLE AS $$ SELECT {expression} $$""",
        f"""CREATE FUNCTION {table}_search_vector_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.search_vector := {table}_search_vector(NEW); RETURN NEW; END $$""",
        f"""CREATE TRIGGER search_vector BEFORE INSERT OR UPDATE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_search_vector_trigger()""",
        # Fill it for the rows already there.
        f"UPDATE {table} SET search_vector = NULL",
    ]


def child_sql(child, column, table):
    function = f"{child}_refresh_search_vector"
    return [
        f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF TG_OP IN ('INSERT', 'UPDATE') THEN
                UPDATE {table} SET search_vector = NULL WHERE id IN (SELECT {column} FROM new_rows);
              END IF;
              IF TG_OP IN ('DELETE', 'UPDATE') THEN
                UPDATE {table} SET search_vector = NULL WHERE id IN (SELECT {column} FROM old_rows);
              END IF;
              RETURN NULL;
            END $$""",
        f"""CREATE TRIGGER search_vector_insert AFTER INSERT ON {child}
            REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
        f"""CREATE TRIGGER search_vector_update AFTER UPDATE ON {child}
            REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
        f"""CREATE TRIGGER search_vector_delete AFTER DELETE ON {child}
            REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}()""",
    ]


def name_sql(table, columns, dependents):
    function = f"{table}_refresh_dependent_search_vectors"
    updates = "\n".join(f"UPDATE {entity} SET search_vector = NULL WHERE id IN ({ids});" for entity, ids in dependents)
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in columns)
    return [
        f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {updates} RETURN NULL; END $$""",
        f"""CREATE TRIGGER search_vector_names AFTER UPDATE OF {", ".join(columns)} ON {table}
            FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {function}()""",
    ]


# 0002: the row trigger fires only when a column the vector is made of is written.
SEARCHED_COLUMNS = {
    "claims_claim": ["statement", "attributed_to_id", "event_id", "quantity_unit"],
    "quotes_quote": ["text", "context", "speaker_id", "speaker_organization_id", "speaker_statement_id", "occasion_id"],
    "agreements_agreement": ["title", "summary", "place", "event_id"],
    "sources_source": ["title", "authors", "outlet_id", "body"],
}


def trigger(table, columns):
    return [
        f"DROP TRIGGER search_vector ON {table}",
        f"""CREATE TRIGGER search_vector BEFORE INSERT OR UPDATE OF {", ".join(["search_vector", *columns])}
            ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_search_vector_trigger()""",
    ]


def forwards():
    """What 0001 then 0002 ran."""
    sql = []
    for table, expression in VECTORS.items():
        sql += entity_sql(table, expression)
    for child, column, table in CHILDREN:
        sql += child_sql(child, column, table)
    for table, columns, dependents in NAMES:
        sql += name_sql(table, columns, dependents)
    for table, columns in SEARCHED_COLUMNS.items():
        sql += trigger(table, columns)
    return sql
