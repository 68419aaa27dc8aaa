"""Checks on the fa, zh_Hans and ar message catalogues in src/karvan/locale.

Every string of the interface must be translated, the placeholders and HTML tags kept, and the
committed .mo files must say what the .po files say (`make demo` uses the .mo without gettext).
The .po files are read with a small parser of the standard library; msgfmt is used only when
it is installed.
"""

import ast
import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

LOCALE = Path(__file__).parents[2] / "src/karvan/locale"
LANGUAGES = ["fa", "zh_Hans", "ar"]
PLURAL_FORMS = {
    "fa": "nplurals=2; plural=(n > 1);",
    "zh_Hans": "nplurals=1; plural=0;",
    "ar": (
        "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 && n%100<=99 ? 4 : 5;"
    ),
}
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")
TAG_RE = re.compile(r"</?[a-zA-Z][^<>]*>")
ARABIC_ONLY_LETTERS = "يك"  # Persian writes ی and ک
PERSIAN_ONLY_LETTERS = "یکگچپژ"  # Arabic writes ي and ك, and has no گ چ پ ژ
# "می" and "نمی" are prefixes bound to their verb by a zero-width non-joiner, not by a space.
DETACHED_PREFIX_RE = re.compile(r"(?<![\w\u200c])(?:ن?می) (?=\w)")


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"{self.msgctxt}|{self.msgid}" if self.msgctxt is not None else self.msgid

    @property
    def sources(self) -> list[str]:
        return [self.msgid] + ([self.msgid_plural] if self.msgid_plural is not None else [])


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """The entries of a .po file, header first; obsolete (#~) entries are left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line and current is not None:
                entries.append(current)
                current, target = None, None
            continue
        if current is None:
            current = Entry()
        if line.startswith("#,"):
            current.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            assert target is not None, f"{path}: continuation line without a keyword: {raw!r}"
            _append(current, target, _unquote(line))
        else:
            keyword, _, value = line.partition(" ")
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                target = ("msgstr", int(match.group(1)))
            elif keyword in {"msgid", "msgctxt", "msgid_plural", "msgstr"}:
                target = (keyword, 0)
            else:
                raise AssertionError(f"{path}: unexpected line {raw!r}")
            _set(current, target, "")
            _append(current, target, _unquote(value))
    return entries


def _set(entry: Entry, target: tuple[str, int], value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = value
    else:
        setattr(entry, name, value)


def _append(entry: Entry, target: tuple[str, int], value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] += value
    else:
        setattr(entry, name, getattr(entry, name) + value)


def _catalogue(language: str) -> tuple[Entry, list[Entry]]:
    entries = parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")
    header, *messages = entries
    assert header.msgid == "", "the catalogue must start with its header"
    return header, messages


def _header_fields(header: Entry) -> dict[str, str]:
    rows = (row.partition(":") for row in header.msgstr[0].splitlines() if ":" in row)
    return {key.strip(): value.strip() for key, _, value in rows}


def _nplurals(header: Entry) -> int:
    match = re.search(r"nplurals=(\d+)", _header_fields(header)["Plural-Forms"])
    assert match
    return int(match.group(1))


def _translations(entry: Entry) -> list[str]:
    return [entry.msgstr[index] for index in sorted(entry.msgstr)]


@pytest.fixture(params=LANGUAGES)
def language(request: pytest.FixtureRequest) -> str:
    return request.param


def test_catalogues_exist_with_messages(language):
    _, messages = _catalogue(language)
    assert len(messages) > 100, f"{language}: the catalogue looks empty"


def test_header_names_the_language_and_its_plural_forms(language):
    header, _ = _catalogue(language)
    fields = _header_fields(header)
    assert fields["Language"] == language
    assert fields["Plural-Forms"] == PLURAL_FORMS[language]
    assert "charset=UTF-8" in fields["Content-Type"]


def test_no_fuzzy_entries(language):
    header, messages = _catalogue(language)
    fuzzy = [entry.label for entry in [header, *messages] if "fuzzy" in entry.flags]
    assert not fuzzy, f"{language}: fuzzy entries: {fuzzy}"


def test_every_message_is_translated_in_every_plural_form(language):
    header, messages = _catalogue(language)
    nplurals = _nplurals(header)
    untranslated = []
    for entry in messages:
        expected = list(range(nplurals)) if entry.msgid_plural is not None else [0]
        if sorted(entry.msgstr) != expected or not all(_translations(entry)):
            untranslated.append(entry.label)
    assert not untranslated, f"{language}: untranslated: {untranslated}"


def test_placeholders_are_kept(language):
    _, messages = _catalogue(language)
    wrong = []
    for entry in messages:
        expected = {name for source in entry.sources for name in PLACEHOLDER_RE.findall(source)}
        for text in _translations(entry):
            if set(PLACEHOLDER_RE.findall(text)) != expected:
                wrong.append((entry.label, text))
    assert not wrong, f"{language}: placeholders lost or added: {wrong}"


def test_html_tags_are_kept(language):
    _, messages = _catalogue(language)
    wrong = []
    for entry in messages:
        expected = sorted(TAG_RE.findall(entry.msgid))
        for text in _translations(entry):
            if sorted(TAG_RE.findall(text)) != expected:
                wrong.append((entry.label, text))
    assert not wrong, f"{language}: HTML tags changed: {wrong}"


def test_persian_uses_persian_letters_and_joined_prefixes():
    _, messages = _catalogue("fa")
    texts = [text for entry in messages for text in _translations(entry)]
    arabic = [text for text in texts if any(letter in text for letter in ARABIC_ONLY_LETTERS)]
    assert not arabic, f"fa: Arabic ي or ك instead of Persian ی or ک: {arabic}"
    detached = [text for text in texts if DETACHED_PREFIX_RE.search(text)]
    assert not detached, f"fa: «می»/«نمی» followed by a space instead of a ZWNJ: {detached}"


def test_arabic_has_no_persian_only_letters():
    _, messages = _catalogue("ar")
    texts = [text for entry in messages for text in _translations(entry)]
    persian = [text for text in texts if any(letter in text for letter in PERSIAN_ONLY_LETTERS)]
    assert not persian, f"ar: Persian-only letters (ی ک گ چ پ ژ): {persian}"


def test_compiled_catalogue_matches_the_po_file(language):
    header, messages = _catalogue(language)
    mo_path = LOCALE / language / "LC_MESSAGES" / "django.mo"
    assert mo_path.is_file(), f"{language}: django.mo is missing; run compilemessages"
    with mo_path.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    stale = []
    for entry in messages:
        key = entry.msgid if entry.msgctxt is None else f"{entry.msgctxt}\x04{entry.msgid}"
        if entry.msgid_plural is None:
            compiled = [catalog.get(key)]
        else:
            compiled = [catalog.get((key, index)) for index in range(_nplurals(header))]
        if compiled != _translations(entry):
            stale.append(entry.label)
    assert not stale, f"{language}: django.mo is out of date for: {stale}; run compilemessages"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_msgfmt_accepts_the_catalogue(language):
    po_path = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check-format", "--check-header", "--statistics", "-o", "-", str(po_path)],
        capture_output=True,
        text=False,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    statistics = result.stderr.decode()
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics


def test_every_message_of_the_source_is_in_each_catalogue(tmp_path):
    """A string marked for translation in the code or a template but missing from a catalogue
    would show in English on a Persian, Chinese or Arabic page: extract them all with Django's
    makemessages (into a copy, so the committed files stay as they are) and compare."""
    import os
    import sys

    if shutil.which("xgettext") is None:
        if os.environ.get("KARVAN_REQUIRE_ALL_TESTS") == "1":
            pytest.fail("KARVAN_REQUIRE_ALL_TESTS=1 and xgettext (gettext) is not installed")
        pytest.skip("xgettext (gettext) is not installed")
    source = LOCALE.parent
    copy = tmp_path / "karvan"
    shutil.copytree(
        source,
        copy,
        ignore=shutil.ignore_patterns("__pycache__", "static", "data", "*.mo", "celery.py"),
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "karvan.settings",
        "PYTHONPATH": str(source.parent),
        "KARVAN_DATA_DIR": str(tmp_path / "var"),
    }
    arguments = ["makemessages", "--no-obsolete", "--no-location"]
    arguments += [f"--locale={language}" for language in LANGUAGES]
    subprocess.run(
        [sys.executable, "-m", "django", *arguments],
        cwd=copy,
        env=environment,
        check=True,
        capture_output=True,
    )
    missing = {
        language: sorted(
            entry.label
            for entry in parse_po(copy / "locale" / language / "LC_MESSAGES" / "django.po")[1:]
            if not all(_translations(entry)) or "fuzzy" in entry.flags
        )
        for language in LANGUAGES
    }
    report = "\n".join(f"{lang}: {label!r}" for lang, labels in missing.items() for label in labels)
    assert not report, f"messages without a translation:\n{report}"
