"""Full-text search that works across Persian, Arabic, Chinese and Latin scripts.

Both databases index the same prepared document: words are normalised (Arabic and Persian letter
variants unified, diacritics and tatweel dropped, digits made Latin) and Chinese, which has no
spaces, is cut into single characters and overlapping pairs. SQLite keeps it in an FTS5 table fed by
triggers; PostgreSQL in a GIN index over `to_tsvector('simple', ...)`. `filter_fulltext` hides the
difference from selectors.
"""

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TypeVar

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.models import Model, Q, QuerySet
from django.db.models.expressions import RawSQL

_M = TypeVar("_M", bound=Model)

_LETTER_VARIANTS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ۀ": "ه",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "ئ": "ی",
        "\u200c": " ",  # zero-width non-joiner: parts of a Persian compound are words of their own
        "\u0640": "",  # tatweel
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        **{chr(0x0660 + i): str(i) for i in range(10)},
    }
)
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u06d6-\u06ed]")
_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[^\W_]+")
_CJK_RUN = re.compile(rf"^[{_CJK}]+$")


def normalise(text: str) -> str:
    """Fold case, compatibility forms, letter variants and diacritics."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_LETTER_VARIANTS)
    return _DIACRITICS.sub("", text)


def _runs(text: str) -> list[str]:
    return _RUN.findall(normalise(text))


def document_tokens(texts: Iterable[str]) -> str:
    """The indexed form of a row's texts: words, and Chinese characters alone and in pairs."""
    tokens: list[str] = []
    for text in texts:
        for run in _runs(text):
            if _CJK_RUN.match(run):
                tokens.extend(run)
                tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
            else:
                tokens.append(run)
    return " ".join(tokens)


def query_tokens(query: str) -> list[str]:
    """The tokens a query must all match: words as prefixes, Chinese as overlapping pairs."""
    tokens: list[str] = []
    for run in _runs(query):
        if _CJK_RUN.match(run) and len(run) > 1:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            tokens.append(run)
    return list(dict.fromkeys(tokens))


def fulltext_table(table: str) -> str:
    return f"{table}_fts"


def ensure_fulltext_index(
    table: str, column: str, using: BaseDatabaseWrapper | None = None
) -> None:
    """Create the index for `table.column` if it is missing (idempotent), filled from the table.

    SQLite loses a table's triggers when a migration rebuilds it, so the triggers are checked and
    the index is rebuilt from the table whenever they had to be made again.
    """
    conn = using or connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            fts = fulltext_table(table)
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{fts}_%"],
            )
            if cursor.fetchone()[0] == 3:
                return
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({column}, "
                f"content='{table}', content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
            )
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
                f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END"
            )
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
                f"INSERT INTO {fts}({fts}, rowid, {column}) "
                f"VALUES ('delete', old.id, old.{column}); END"
            )
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {column} ON {table} BEGIN "
                f"INSERT INTO {fts}({fts}, rowid, {column}) "
                f"VALUES ('delete', old.id, old.{column}); "
                f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column}); END"
            )
            cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
        elif conn.vendor == "postgresql":
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {table}_{column}_fts ON {table} "
                f"USING GIN (to_tsvector('simple'::regconfig, COALESCE({column}, '')))"
            )


def drop_fulltext_index(table: str, column: str, using: BaseDatabaseWrapper | None = None) -> None:
    """Remove what `ensure_fulltext_index` made for `table.column` (idempotent)."""
    conn = using or connection
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            fts = fulltext_table(table)
            for suffix in ("ai", "ad", "au"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
            cursor.execute(f"DROP TABLE IF EXISTS {fts}")
        elif conn.vendor == "postgresql":
            cursor.execute(f"DROP INDEX IF EXISTS {table}_{column}_fts")


class CreateFulltextIndex(Operation):
    """Migration operation: the full-text index of `table.column`, an FTS5 table kept by triggers
    on SQLite, a GIN index on PostgreSQL; reversible.

    SQLite drops a table's triggers when a migration rebuilds the table (altering a column does),
    so a migration that changes an indexed table runs this operation again at its end;
    `tests/core/test_search.py` checks the migrated database has every index.
    """

    reversible = True

    def __init__(self, table: str, column: str = "search_document") -> None:
        self.table, self.column = table, column

    def deconstruct(self) -> tuple[str, list[str], dict[str, str]]:
        return self.__class__.__name__, [self.table, self.column], {}

    def state_forwards(self, app_label: str, state: object) -> None:
        """The index is not part of the models' state."""

    def database_forwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: object,
        to_state: object,
    ) -> None:
        ensure_fulltext_index(self.table, self.column, schema_editor.connection)

    def database_backwards(
        self,
        app_label: str,
        schema_editor: BaseDatabaseSchemaEditor,
        from_state: object,
        to_state: object,
    ) -> None:
        drop_fulltext_index(self.table, self.column, schema_editor.connection)

    def describe(self) -> str:
        return f"Create the full-text index of {self.table}.{self.column}"


def filter_fulltext(
    queryset: QuerySet[_M], query: str, *, column: str = "search_document"
) -> QuerySet[_M]:
    """Keep the rows whose indexed document matches every token of the query."""
    return queryset.filter(fulltext_condition(queryset.model, query, column=column))


def fulltext_condition(
    model: type[Model],
    query: str,
    *,
    column: str = "search_document",
    or_ids: Sequence[int] = (),
) -> Q:
    """The condition `filter_fulltext` applies, to combine with others in one query; with
    `or_ids`, the rows with those ids too (one subquery, so the database still reads the
    full-text index: `OR` between two conditions made PostgreSQL scan the whole table)."""
    tokens = query_tokens(query)
    ids = [int(pk) for pk in or_ids]
    if not tokens:
        return Q(pk__in=ids) if or_ids else Q()
    table = model._meta.db_table
    if connection.vendor == "postgresql":
        expression = " & ".join("'{}':*".format(token.replace("'", "''")) for token in tokens)
        return Q(
            pk__in=RawSQL(
                f"SELECT id FROM {table} WHERE to_tsvector('simple'::regconfig, "
                f"COALESCE({column}, '')) @@ to_tsquery('simple'::regconfig, %s)"
                " UNION SELECT unnest(%s::bigint[])",
                [expression, ids],
            )
        )
    if connection.vendor == "sqlite":
        expression = " ".join('"{}"*'.format(token.replace('"', '""')) for token in tokens)
        fts = fulltext_table(table)
        return Q(
            pk__in=RawSQL(
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s"
                " UNION SELECT value FROM json_each(%s)",
                [expression, json.dumps(ids)],
            )
        )
    condition = Q()
    for token in tokens:
        condition &= Q(**{f"{column}__icontains": token})
    return condition | Q(pk__in=ids) if or_ids else condition
