"""The Swedish catalogue translates every message of the source, and the compiled catalogue is
the one its .po makes.

The messages are extracted as `make messages` extracts them (Django's makemessages, which runs
xgettext and merges into the .po), but in a temporary copy of the project, so the repository's
files are never touched."""

import ast
import gettext
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")
# What makemessages reads: the project's code and templates. `make messages` ignores the rest
# (.venv, var, tests, bench, scripts, docs), which hold no text of the user interface.
SOURCES = ("config", "sellerdesk", "manage.py")
MISSING_GETTEXT = (
    "xgettext or msgfmt not found: translation checks skipped; install them with "
    "apt-get install gettext"
)


@pytest.fixture(scope="module")
def gettext_tools() -> None:
    if shutil.which("xgettext") and shutil.which("msgfmt"):
        return
    if os.environ.get("CI") == "true":
        pytest.fail("xgettext or msgfmt not found, and CI=true: install gettext in CI")
    pytest.skip(MISSING_GETTEXT)


@dataclass
class Entry:
    context: str | None
    msgid: str
    translations: list[str]
    fuzzy: bool

    def name(self) -> str:
        return f"{self.context}|{self.msgid}" if self.context else self.msgid


def read_po(path: Path) -> list[Entry]:
    """The live entries of a .po file (obsolete ones, "#~", are left out), header excluded.
    An entry ends at a blank line or where the next one's comments or msgid begin, as msgfmt
    reads it."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    key, fuzzy = "", False

    def flush() -> None:
        nonlocal fields, fuzzy
        if fields.get("msgid"):
            translations = [value for name, value in fields.items() if name.startswith("msgstr")]
            entries.append(Entry(fields.get("msgctxt"), fields["msgid"], translations, fuzzy))
        fields, fuzzy = {}, False

    for line in path.read_text(encoding="utf-8").splitlines():
        ends_entry = any(name.startswith("msgstr") for name in fields)
        if not line or line.startswith("#~"):
            flush()
        elif line.startswith("#"):
            if ends_entry:
                flush()
            fuzzy = fuzzy or (line.startswith("#,") and "fuzzy" in line)
        elif line.startswith('"'):
            fields[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            if ends_entry and key in ("msgctxt", "msgid"):
                flush()
            fields[key] = ast.literal_eval(value)
    flush()
    return entries


def test_every_message_of_the_source_has_a_swedish_translation(gettext_tools, tmp_path):
    project = tmp_path / "project"
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)
    shutil.copytree(ROOT / "locale", project / "locale")

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "sv", "--no-obsolete", "-v0"],
        cwd=project,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )

    merged = read_po(project / "locale" / "sv" / "LC_MESSAGES" / "django.po")
    untranslated = [e.name() for e in merged if e.fuzzy or not all(e.translations)]
    assert untranslated == [], (
        f"{len(untranslated)} message(s) without a Swedish translation in "
        "locale/sv/LC_MESSAGES/django.po (or marked fuzzy): add them at its end by hand, then "
        "msgfmt -o locale/sv/LC_MESSAGES/django.mo locale/sv/LC_MESSAGES/django.po:\n"
        + "\n".join(untranslated)
    )
    # The extraction read the code and the templates: a broken run would leave nothing to check.
    names = {entry.name() for entry in merged}
    assert {"No inventory", "Skip to content"} <= names


def test_the_compiled_catalogue_is_the_one_its_po_makes(gettext_tools, tmp_path):
    compiled = tmp_path / "django.mo"
    msgfmt = shutil.which("msgfmt")
    assert msgfmt is not None
    subprocess.run(  # noqa: S603 (gettext's msgfmt on the project's catalogue)
        [msgfmt, "--check-format", "-o", str(compiled), str(CATALOGUE)], check=True
    )

    with compiled.open("rb") as fresh, COMPILED.open("rb") as committed:
        expected = gettext.GNUTranslations(fresh)._catalog  # type: ignore[attr-defined]
        actual = gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]
    stale = sorted(str(key) for key in expected.keys() ^ actual.keys())
    stale += sorted(
        str(key) for key in expected.keys() & actual.keys() if expected[key] != actual[key]
    )
    assert stale == [], (
        "locale/sv/LC_MESSAGES/django.mo is out of date with django.po; run msgfmt -o "
        "locale/sv/LC_MESSAGES/django.mo locale/sv/LC_MESSAGES/django.po. Messages that differ:\n"
        + "\n".join(stale)
    )


def test_the_po_reader_sees_untranslated_and_fuzzy_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: sv\\n"\n\n'
        'msgid "Done"\nmsgstr "Klar"\n\n'
        'msgid "Missing"\nmsgstr ""\n\n'
        '#, fuzzy, python-format\nmsgid "Guessed %(n)s"\nmsgstr "Gissad %(n)s"\n\n'
        'msgctxt "menu"\nmsgid "One"\nmsgid_plural "Many"\nmsgstr[0] "En"\nmsgstr[1] ""\n\n'
        '#~ msgid "Gone"\n#~ msgstr ""\n\n'
        'msgid "Packed"\nmsgstr "Packad"\n#: x.py\nmsgid "Tight"\nmsgstr ""\n',
        encoding="utf-8",
    )

    entries = read_po(po)

    assert [(e.name(), e.translations, e.fuzzy) for e in entries] == [
        ("Done", ["Klar"], False),
        ("Missing", [""], False),
        ("Guessed %(n)s", ["Gissad %(n)s"], True),
        ("menu|One", ["En", ""], False),
        ("Packed", ["Packad"], False),
        ("Tight", [""], False),
    ]
