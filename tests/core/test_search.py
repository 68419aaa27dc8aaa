"""Cross-script search: the prepared document, the query tokens, and the database match."""

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from karvan.core.search import (
    CreateFulltextIndex,
    document_tokens,
    drop_fulltext_index,
    ensure_fulltext_index,
    filter_fulltext,
    fulltext_table,
    normalise,
    query_tokens,
)
from karvan.directory.models import Organisation
from karvan.directory.services.profiles import create_organisation, update_organisation
from tests.factories import UserFactory, valid_iran_national_id, valid_uscc

# --- Normalising ------------------------------------------------------------------------------


def test_arabic_yeh_and_kaf_become_persian():
    assert normalise("كيميا") == normalise("کیمیا") == "کیمیا"


def test_zero_width_non_joiner_splits_a_persian_compound_into_words():
    assert document_tokens(["می\u200cخواهم"]) == "می خواهم"
    assert query_tokens("می\u200cخواهم") == ["می", "خواهم"]


def test_arabic_diacritics_and_tatweel_are_dropped():
    assert normalise("مُحَمَّد") == "محمد"
    assert normalise("کـــار") == "کار"


def test_persian_and_arabic_indic_digits_become_latin():
    assert normalise("۱۴۰۵") == "1405"
    assert normalise("٢٠٢٦") == "2026"


def test_latin_is_case_folded_and_full_width_forms_are_folded():
    assert normalise("PISTACHIO") == "pistachio"
    assert normalise("ＩＳＯ") == "iso"


def test_chinese_in_a_document_becomes_single_characters_and_pairs():
    assert document_tokens(["开心果"]).split() == ["开", "心", "果", "开心", "心果"]


def test_chinese_in_a_query_becomes_overlapping_pairs():
    assert query_tokens("开心果") == ["开心", "心果"]


def test_single_chinese_character_query_stays_a_single_character():
    assert query_tokens("果") == ["果"]


def test_mixed_script_query_keeps_each_script_and_drops_duplicates():
    assert query_tokens("Pista 包装机械 pista") == ["pista", "包装", "装机", "机械"]


def test_empty_or_punctuation_query_has_no_tokens():
    assert query_tokens("") == []
    assert query_tokens(" -,;! ") == []


# --- Matching in the database -----------------------------------------------------------------


@pytest.fixture
def organisations(db):
    owner = UserFactory()
    packaging = create_organisation(
        actor=owner,
        data={
            "kind": Organisation.Kind.SME,
            "original_language": "zh-hans",
            "country": "CN",
            "registry_id": valid_uscc(101),
            "name": {"zh-hans": "广州包装机械有限公司", "en": "Guangzhou Packaging Machinery"},
            "description": {"zh-hans": "食品包装机械"},
        },
    )
    pistachio = create_organisation(
        actor=owner,
        data={
            "kind": Organisation.Kind.SME,
            "original_language": "fa",
            "country": "IR",
            "registry_id": valid_iran_national_id(102),
            "name": {"fa": "پسته کیمیای رفسنجان", "en": "Kimia Rafsanjan Pistachio"},
            "description": {"fa": "فرآوری و صادرات پسته"},
        },
    )
    textiles = create_organisation(
        actor=owner,
        data={
            "kind": Organisation.Kind.SME,
            "original_language": "en",
            "country": "TR",
            "name": {"en": "Bosphorus Textiles"},
            "description": {"en": "Cotton weaving"},
        },
    )
    return packaging, pistachio, textiles


def _search(query: str) -> set[int]:
    return set(filter_fulltext(Organisation.objects.all(), query).values_list("pk", flat=True))


def test_chinese_query_finds_the_chinese_profile_only(organisations):
    packaging, _pistachio, _textiles = organisations
    assert _search("包装机械") == {packaging.pk}


def test_persian_query_typed_with_arabic_letters_finds_the_persian_profile(organisations):
    _packaging, pistachio, _textiles = organisations
    assert _search("كيمياي") == {pistachio.pk}
    assert _search("پسته") == {pistachio.pk}


def test_english_prefix_finds_the_profile(organisations):
    _packaging, pistachio, textiles = organisations
    assert _search("pistach") == {pistachio.pk}
    assert _search("TEXT") == {textiles.pk}


def test_every_query_token_must_match(organisations):
    _packaging, pistachio, _textiles = organisations
    assert _search("kimia pistachio") == {pistachio.pk}
    assert _search("kimia textiles") == set()


def test_unrelated_query_finds_nothing(organisations):
    assert _search("saffron") == set()
    assert _search("茶叶") == set()


def test_query_with_quotes_and_search_syntax_is_taken_as_words(organisations):
    _packaging, pistachio, _textiles = organisations
    assert _search('"pistach') == {pistachio.pk}
    assert _search("pistach*) (") == {pistachio.pk}
    assert _search("NEAR(saffron") == set()


def test_query_without_tokens_leaves_the_queryset_as_it_is(organisations):
    assert _search("   ") == {organisation.pk for organisation in organisations}


def test_edited_name_is_found_and_the_old_one_is_not(organisations):
    _packaging, _pistachio, textiles = organisations
    owner = textiles.memberships.get().user
    update_organisation(
        organisation=textiles, actor=owner, changes={"name": {"en": "Anatolian Carpets"}}
    )
    assert _search("carpets") == {textiles.pk}
    assert _search("bosphorus") == set()


# --- The indexes, made by migrations ------------------------------------------------------------

INDEXED_TABLES = [
    ("directory", "directory_organisation"),
    ("opportunities", "opportunities_opportunity"),
    ("knowledge", "knowledge_question"),
]


def _index_objects(table: str) -> set[str]:
    """What the database holds of the table's full-text index: FTS5 table and triggers, or the
    GIN index."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE name = %s OR (type = 'trigger' AND "
                "tbl_name = %s AND name LIKE %s)",
                [fulltext_table(table), table, f"{fulltext_table(table)}%"],
            )
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [table])
        return {name for (name,) in cursor.fetchall() if "fts" in name}


@pytest.mark.parametrize(("app", "table"), INDEXED_TABLES)
def test_a_migration_of_the_app_creates_its_full_text_index(app, table):
    """The index is part of the migrations (the last one touching the table), not a handler that
    runs after every migrate."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    operations = [
        (key, operation)
        for key, migration in loader.disk_migrations.items()
        if key[0] == app
        for operation in migration.operations
        if isinstance(operation, CreateFulltextIndex) and operation.table == table
    ]
    assert operations, f"no migration of {app} creates the full-text index of {table}"


@pytest.mark.django_db
@pytest.mark.parametrize(("app", "table"), INDEXED_TABLES)
def test_the_migrated_database_has_every_full_text_index(app, table):
    """A later migration that rebuilds the table on SQLite drops its triggers: this fails then."""
    expected = {f"{table}_search_document_fts"}
    if connection.vendor == "sqlite":
        fts = fulltext_table(table)
        expected = {fts, f"{fts}_ai", f"{fts}_ad", f"{fts}_au"}
    assert _index_objects(table) == expected


@pytest.mark.django_db
def test_the_index_can_be_dropped_and_made_again_from_the_rows(organisations):
    _packaging, pistachio, _textiles = organisations
    drop_fulltext_index("directory_organisation", "search_document")
    assert _index_objects("directory_organisation") == set()
    ensure_fulltext_index("directory_organisation", "search_document")
    assert _search("pistachio") == {pistachio.pk}
