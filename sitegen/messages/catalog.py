"""Keep the translations in step with the English texts: `python -m sitegen.messages.catalog`.

The English table (`english.py`) is the template. Each code is a gettext context and its English
text the msgid, so rewording an English text marks its translation fuzzy for a translator to
review (Babel's merge), and a fuzzy translation is not compiled: the English shows until it is
reviewed. The `.po` is what translators and reviewers edit; the `.mo` beside it is what sitegen
reads, compiled here and committed so that an installation needs no Babel. Babel is a test
dependency only.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sitegen.messages import LOCALE_DIR, fields_of
from sitegen.messages.english import ENGLISH, MAY_OMIT

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

LOCALES = ("zh_CN",)
_EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # fixed header dates: the files change only when a text does


def po_path(locale: str) -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "sitegen.po"


def template() -> Catalog:
    from babel.messages.catalog import Catalog

    catalog = Catalog(project="sitegen", version="", copyright_holder="the sitegen authors", domain="sitegen",
                      creation_date=_EPOCH, revision_date=_EPOCH, fuzzy=False)
    for code, english in ENGLISH.items():
        catalog.add(english, context=code, flags=("python-brace-format",) if "{" in english else ())
    return catalog


def read(locale: str) -> Catalog:
    from babel.messages.pofile import read_po

    with open(po_path(locale), "rb") as handle:
        return read_po(handle, locale=locale, domain="sitegen")


def merged(locale: str) -> Catalog:
    """The locale's catalog updated to the current English texts (new codes empty, changed ones fuzzy)."""
    from babel.messages.catalog import Catalog

    catalog = read(locale) if po_path(locale).exists() else Catalog(locale=locale, domain="sitegen")
    catalog.update(template(), no_fuzzy_matching=True)
    catalog.obsolete.clear()  # codes that are gone: git keeps their history
    catalog.creation_date = catalog.revision_date = _EPOCH
    catalog.project, catalog.version, catalog.copyright_holder = "sitegen", "", "the sitegen authors"
    catalog.msgid_bugs_address = catalog.last_translator = catalog.language_team = ""
    catalog.fuzzy = False
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=False, include_previous=True)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    from babel.messages.mofile import write_mo

    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def same_fields(code: str, translation: str, english: str) -> bool:
    """Whether a translation uses the English text's parameters: none added, none dropped but those it may omit."""
    used, wanted = fields_of(translation), fields_of(english)
    return used <= wanted and wanted - used <= MAY_OMIT.get(code, frozenset())


def fill(locale: str, texts: dict[str, str]) -> list[str]:
    """Put translations (code -> text) into the locale's .po; returns what is wrong with them (unknown codes,
    parameters dropped or added), and fills in only the ones that are right."""
    catalog = merged(locale)
    wrong = []
    for code, text in texts.items():
        english = ENGLISH.get(code)
        message = catalog.get(english, context=code) if english is not None else None
        if message is None:
            wrong.append(f"{code}: no such code")
        elif not same_fields(code, text, english or ""):
            wrong.append(f"{code}: parameters {sorted(fields_of(text))}, in English {sorted(fields_of(english or ''))}")
        else:
            message.string = text
            message.flags.discard("fuzzy")
            message.previous_id = []
    po_path(locale).write_bytes(po_bytes(catalog))
    return wrong


def main(argv: list[str]) -> int:
    if argv[:1] == ["--fill"] and len(argv) == 3:  # --fill zh_CN texts.json
        import json

        wrong = fill(argv[1], json.loads(Path(argv[2]).read_text(encoding="utf-8")))
        print("\n".join(wrong) or "all filled in")
    for locale in LOCALES:
        catalog = merged(locale)
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(po_bytes(catalog))
        path.with_suffix(".mo").write_bytes(mo_bytes(read(locale)))
        missing = [m.context or "" for m in read(locale) if m.id and (not m.string or m.fuzzy)]
        print(f"{path}: {len(ENGLISH) - len(missing)} of {len(ENGLISH)} texts translated"
              + (f"; to do: {', '.join(missing[:20])}{' …' if len(missing) > 20 else ''}" if missing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
