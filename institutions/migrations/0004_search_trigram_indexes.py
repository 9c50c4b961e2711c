"""Trigram indexes for the `search=` filter of institutions, on PostgreSQL only.

`search=` (sources.filters.search_filter) asks `field__icontains` of each word, which is
`UPPER("col"::text) LIKE UPPER('%word%')` on PostgreSQL: a GIN index of that expression
with `gin_trgm_ops` (pg_trgm) answers it with a bitmap index scan instead of a sequential
scan of the table. The expression must stay exactly the one Django emits.

The indexes are not in the models' Meta, on purpose: SQLite (the quick start's database)
has no GIN indexes, and it rebuilds a table with every index of the model's state on the
next change to that table. So they live here alone, and this migration does nothing on
another database.
"""

from django.db import migrations

# name: (table, column); names fit Django's 30-character limit for index names.
INDEXES = {
    # search= on the institution's own name and acronym.
    "institution_name_trgm_idx": ("institutions_institution", "name"),
    "institution_acronym_trgm_idx": ("institutions_institution", "acronym"),
    # search= on its other names (former, translated, informal).
    "institution_othername_trgm_idx": ("institutions_institutionname", "name"),
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    q = schema_editor.quote_name
    # A trusted extension since PostgreSQL 13: the database's owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {q(name)} ON {q(table)} "
            f"USING gin ((UPPER({q(column)}::text)) gin_trgm_ops)"
        )
    # Statistics of the new expressions, so that the planner knows at once how many rows a
    # word matches (a word in every name is still best read by a sequential scan).
    for table in sorted({table for table, _column in INDEXES.values()}):
        schema_editor.execute(f"ANALYZE {q(table)}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The pg_trgm extension stays: other indexes may use it.
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0003_history_and_merge_redirects"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
