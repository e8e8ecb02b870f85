"""Catalog upkeep for ``make translations``: English msgstr mirror the English msgids,
and the Danish catalog is checked for anything left untranslated.

    python -m thinktank.i18n_catalogs            # fill English, list missing Danish
    python -m thinktank.i18n_catalogs --apply F  # merge Danish msgstr from a JSON file {msgid: msgstr}

A message with a context (``pgettext("case state", "Voting")``) is keyed in the JSON file
as ``"case state|Voting"``; a plain key never changes a message that has a context.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

CATALOGS = Path(__file__).resolve().parent / "translations"


def _path(language: str) -> Path:
    return CATALOGS / language / "LC_MESSAGES" / "messages.po"


def _load(language: str):
    with open(_path(language), "rb") as handle:
        return read_po(handle, locale=language)


def _save(catalog, language: str) -> None:
    with open(_path(language), "wb") as handle:
        write_po(handle, catalog, width=0, include_previous=False, sort_by_file=True)


def fill_english() -> None:
    catalog = _load("en")
    for message in catalog:
        if not message.id:
            continue
        message.string = message.id
        message.flags.discard("fuzzy")
    _save(catalog, "en")


def _key(message) -> str:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return f"{message.context}|{msgid}" if message.context else msgid


def apply_danish(mapping_file: str) -> None:
    mapping = json.loads(Path(mapping_file).read_text(encoding="utf-8"))
    catalog = _load("da")
    for message in catalog:
        key = _key(message)
        if key in mapping:
            value = mapping[key]
            message.string = tuple(value) if isinstance(message.id, tuple) else value
            message.flags.discard("fuzzy")
    _save(catalog, "da")


def missing_danish() -> list[str]:
    missing = []
    for message in _load("da"):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(_key(message))
    return missing


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--apply":
        apply_danish(argv[1])
    fill_english()
    missing = missing_danish()
    for msgid in missing:
        print(json.dumps(msgid, ensure_ascii=False))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
