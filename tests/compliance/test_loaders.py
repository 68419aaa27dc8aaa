"""Loading list files: the three formats, bad records with their lines, versions and history."""

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from karvan.compliance.errors import ListFileError
from karvan.compliance.loaders import BadRecord, read_list
from karvan.compliance.models import ListEntry, ListEntryChange, ListVersion
from karvan.compliance.services import load_list

DATA = Path(__file__).parent / "data"


def test_the_csv_reader_reports_bad_rows_with_their_lines():
    items = list(read_list(DATA / "targets.simple.csv", "csv"))
    bad = [(i.line, i.message) for i in items if isinstance(i, BadRecord)]
    assert bad == [
        (5, "no id"),
        (6, "unknown schema 'Spaceship'"),
        (8, "5 cells, the header has 15"),
    ]
    good = {i.entity.id: i.entity for i in items if not isinstance(i, BadRecord)}
    assert good["fx-p-001"].names == ("Mohammad Hosseini", "محمد حسینی", "Muhammad Husseini")
    assert good["fx-p-001"].countries == ("IR",)
    assert good["fx-o-002"].identifiers == ("91310115MA1K4B2X7Q",)


def test_the_ftm_reader_builds_names_and_reports_bad_lines():
    items = list(read_list(DATA / "entities.ftm.json", "ftm"))
    bad = [(i.line, i.message.split(":")[0]) for i in items if isinstance(i, BadRecord)]
    assert bad == [(4, "not JSON"), (5, "no name")]
    good = {i.entity.id: i.entity for i in items if not isinstance(i, BadRecord)}
    assert good["fx-ftm-2"].names == ("Kamran Farahani",)
    assert good["fx-ftm-1"].names == ("Al Noor Shipping LLC", "النور للملاحة")
    assert good["fx-ftm-3"].identifiers == ("10101234567",)


def test_the_un_reader_reads_individuals_and_entities_with_lines():
    items = list(read_list(DATA / "un_consolidated.xml", "un"))
    bad = [(i.line, i.message) for i in items if isinstance(i, BadRecord)]
    assert bad == [(18, "FXi.002: no name")]
    good = {i.entity.id: i.entity for i in items if not isinstance(i, BadRecord)}
    person = good["FXi.001"]
    assert person.names == ("GHOLAMREZA GHASEMI NEJAD", "غلامرضا قاسمی نژاد", "Qolamreza Qasemi")
    assert (person.countries, person.birth_dates, person.identifiers) == (
        ("IR",),
        ("1972",),
        ("F12345678",),
    )
    assert good["FXe.001"].schema == "Organization"


def test_an_xml_entity_bomb_is_refused(db):
    with pytest.raises(ListFileError):
        load_list(path=DATA / "bomb.xml", source="un_sc")
    assert not ListVersion.objects.exists()


@pytest.mark.django_db
def test_loading_twice_is_idempotent_and_a_new_file_is_a_new_version(tmp_path):
    first = load_list(path=DATA / "targets.simple.csv", source="opensanctions")
    assert first.is_new
    version = first.version
    assert (version.records, version.added, version.changed, version.removed) == (4, 4, 0, 0)
    assert [b["line"] for b in first.bad_records] == [5, 6, 8]
    assert len(version.checksum) == 64
    again = load_list(path=DATA / "targets.simple.csv", source="opensanctions")
    assert (again.is_new, again.version.pk) == (False, version.pk)
    assert ListVersion.objects.count() == 1

    changed = tmp_path / "targets.simple.csv"
    text = (DATA / "targets.simple.csv").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("fx-o-003")]
    lines = [line.replace("1975-09-30", "1975-10-01") for line in lines]
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    second = load_list(path=changed, source="opensanctions").version
    assert (second.added, second.changed, second.removed, second.unchanged) == (0, 1, 1, 2)
    removed = ListEntry.objects.get(entity_id="fx-o-003")
    assert (removed.is_active, removed.last_version_id) == (False, second.pk)
    history = list(
        ListEntryChange.objects.filter(entry__entity_id="fx-p-006").values_list(
            "kind", "version_id", "data__birth_dates"
        )
    )
    assert history == [
        ("added", version.pk, ["1975-09-30"]),
        ("changed", second.pk, ["1975-10-01"]),
    ]


@pytest.mark.django_db
def test_an_ftm_delta_changes_only_what_it_names():
    load_list(path=DATA / "entities.ftm.json", source="fictional")
    delta = load_list(path=DATA / "delta.ftm.json", source="fictional")
    version = delta.version
    assert version.is_delta
    assert (version.added, version.changed, version.removed) == (1, 1, 1)
    assert delta.bad_records == [{"line": 4, "message": "unknown operation 'MERGE'"}]
    active = set(ListEntry.objects.filter(is_active=True).values_list("entity_id", flat=True))
    assert active == {"fx-ftm-1", "fx-ftm-2", "fx-ftm-6"}
    assert ListEntry.objects.get(entity_id="fx-ftm-2").birth_dates == ["1971-02-03"]


@pytest.mark.django_db
def test_the_load_command_reports_counts_and_bad_lines(tmp_path):
    path = tmp_path / "un.xml"
    shutil.copy(DATA / "un_consolidated.xml", path)
    out = StringIO()
    call_command("screening", "load", str(path), "--source", "un_sc", stdout=out)
    text = out.getvalue()
    assert "2 records, 2 added" in text
    assert "line 18: FXi.002: no name" in text
    out = StringIO()
    call_command("screening", "load", str(path), "--source", "un_sc", stdout=out)
    assert "already loaded" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("screening", "load", str(tmp_path / "missing.csv"), "--source", "x")


def test_the_match_command_writes_the_candidates_that_open_a_case(tmp_path):
    queries = tmp_path / "queries.json"
    queries.write_text(
        '[{"id": "q1", "name": "محمد حسینی", "schema": "Person", "country": "IR"},'
        ' {"id": "q2", "name": "Golden Star Trading", "schema": "Organization"},'
        ' {"id": "q3", "name": "X", "schema": "Organization", "registry_id": "10320984751"}]',
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    call_command(
        "screening",
        "match",
        "--list",
        str(DATA / "targets.simple.csv"),
        "--queries",
        str(queries),
        "--out",
        str(out),
        stdout=StringIO(),
    )
    import json

    result = json.loads(out.read_text(encoding="utf-8"))
    assert [c["entity"] for c in result["q1"]] == ["fx-p-001"]
    assert result["q2"] == []
    assert result["q3"] == [{"entity": "fx-o-003", "score": 1.0}]
