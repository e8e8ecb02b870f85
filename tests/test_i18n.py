"""Danish by default, English when chosen and remembered; both catalogs complete."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from tests.conftest import page_text
from thinktank.accounts.models import User
from thinktank.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "thinktank" / "translations"


def test_danish_by_default(client):
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="da">' in html
    assert "Log ind" in html


def test_english_chosen_and_remembered(client):
    response = client.get("/language/en?next=/login")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html and "Log in" in html
    client.get("/language/da?next=/")
    assert '<html lang="da">' in client.get("/").get_data(as_text=True)


def test_unknown_language_is_not_found_and_foreign_next_is_ignored(client):
    assert client.get("/language/xx?next=/login").status_code == 404
    response = client.get("/language/en", query_string={"next": "https://evil.example"})
    assert response.headers["Location"] == "/"


def test_logged_in_choice_is_stored_on_the_account(app, client_as, member):
    client_as(member).get("/language/en?next=/")
    with app.app_context():
        assert db.session.scalar(select(User.locale).where(User.id == member.id)) == "en"
    # another device, no cookie: still English
    assert '<html lang="en">' in client_as(member).get("/").get_data(as_text=True)


def test_dates_in_danish_format(app):
    from datetime import UTC, datetime

    from thinktank.templating import datetime_text

    with app.test_request_context("/"):
        text = datetime_text(datetime(2026, 3, 5, 12, 30, tzinfo=UTC))
    assert text == "5. marts 2026 kl. 13.30"  # Copenhagen time, Danish format


def _catalog(language):
    with open(CATALOGS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", ["da", "en"])
def test_every_message_is_translated(language):
    catalog = _catalog(language)
    missing = [
        m.id
        for m in catalog
        if m.id and not (m.string if isinstance(m.string, str) else all(m.string))
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert missing == [] and fuzzy == []


def test_catalogs_hold_every_string_in_the_code(tmp_path):
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "--ignore-dirs=.*",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "N_",
            "-k",
            "lazy_pgettext:1c,2",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )

    def keys(catalog):  # a msgid with a context (pgettext) is a message of its own
        return {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}

    with open(pot, "rb") as handle:
        extracted = keys(read_po(handle))
    for language in ("da", "en"):
        known = keys(_catalog(language))
        assert sorted(extracted - known) == [], f"not in the {language} catalog"


def test_english_page_has_no_danish_leftovers(client):
    client.get("/language/en?next=/")
    text = page_text(client.get("/"))
    for danish in ("Forside", "Log ind", "Tilmeld"):
        assert danish not in text
