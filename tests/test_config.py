"""Configuration order, production safety, database URLs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from thinktank import create_app
from thinktank.config import ConfigurationError

STRONG_KEY = "9f2c4e1ab7d35068c1e4f7a2b9d06e3f5a8c1d4e7b0a3f6c9e2d5b8a1c4f7e0d"


def test_production_without_secret_key_stops_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv("THINKTANK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("THINKTANK_SECRET_KEY", raising=False)
    monkeypatch.delenv("THINKTANK_ENV", raising=False)
    with pytest.raises(ConfigurationError, match="THINKTANK_SECRET_KEY"):
        create_app()


@pytest.mark.parametrize(
    "key",
    [
        "k",
        "test-secret-key",
        "0123456789abcdef0123456789abcde",  # 31 bytes
        "a" * 64,
        "abababababababababababababababababababab",
        "this-is-our-very-own-secret-key-for-production",
        "changeme-changeme-changeme-0123456789",
        "Skift mig, jeg er et eksempel på en nøgle!",
    ],
)
def test_production_refuses_a_weak_secret_key_with_a_clear_message(monkeypatch, tmp_path, key):
    monkeypatch.setenv("THINKTANK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("THINKTANK_SECRET_KEY", key)
    monkeypatch.setenv("THINKTANK_BASE_URL", "https://taenketanken.example")
    monkeypatch.delenv("THINKTANK_ENV", raising=False)
    with pytest.raises(ConfigurationError, match="THINKTANK_SECRET_KEY is too weak"):
        create_app()


@pytest.mark.parametrize(
    "key", [STRONG_KEY, "Jr0uV1qk_Zx8Hn3dWc5mPt7sYb2LfA9eGh4Ko6Qi-Ru", "ø" * 3 + STRONG_KEY[:29]]
)
def test_production_starts_with_a_generated_secret_key(monkeypatch, tmp_path, key):
    monkeypatch.setenv("THINKTANK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("THINKTANK_SECRET_KEY", key)
    monkeypatch.setenv("THINKTANK_BASE_URL", "https://taenketanken.example")
    monkeypatch.delenv("THINKTANK_ENV", raising=False)
    assert create_app().config["SECRET_KEY"] == key


def test_development_accepts_a_short_key_of_its_own(monkeypatch, tmp_path):
    monkeypatch.setenv("THINKTANK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("THINKTANK_ENV", "development")
    monkeypatch.setenv("THINKTANK_SECRET_KEY", "dev")
    assert create_app().config["SECRET_KEY"] == "dev"


def test_the_mail_retry_wait_is_given_in_seconds_in_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("THINKTANK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("THINKTANK_ENV", "development")
    monkeypatch.setenv("THINKTANK_MAIL_RETRY_BASE", "90")
    assert create_app().config["MAIL_RETRY_BASE"] == timedelta(seconds=90)
    monkeypatch.delenv("THINKTANK_MAIL_RETRY_BASE")
    assert create_app().config["MAIL_RETRY_BASE"] == timedelta(minutes=1)


def test_production_without_base_url_stops_with_a_clear_message(monkeypatch, tmp_path):
    monkeypatch.setenv("THINKTANK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("THINKTANK_SECRET_KEY", STRONG_KEY)
    monkeypatch.delenv("THINKTANK_BASE_URL", raising=False)
    monkeypatch.delenv("THINKTANK_ENV", raising=False)
    with pytest.raises(ConfigurationError, match="THINKTANK_BASE_URL"):
        create_app()


@pytest.mark.parametrize(
    "base_url", ["taenketanken.example", "ftp://x.example", "https://x.example/sub"]
)
def test_base_url_must_be_a_scheme_and_host(monkeypatch, tmp_path, base_url):
    monkeypatch.setenv("THINKTANK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("THINKTANK_ENV", "development")
    monkeypatch.setenv("THINKTANK_BASE_URL", base_url)
    with pytest.raises(ConfigurationError, match="THINKTANK_BASE_URL"):
        create_app()


def test_development_generates_a_key_once_and_keeps_it(monkeypatch, tmp_path):
    monkeypatch.setenv("THINKTANK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("THINKTANK_ENV", "development")
    monkeypatch.delenv("THINKTANK_SECRET_KEY", raising=False)
    first = create_app().config["SECRET_KEY"]
    second = create_app().config["SECRET_KEY"]
    assert first == second and len(first) >= 32
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_instance_file_then_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("THINKTANK_INSTANCE_PATH", str(tmp_path))
    (tmp_path / "config.py").write_text("ENV = 'development'\nPER_PAGE = 7\nSECRET_KEY = 'file'\n")
    monkeypatch.setenv("THINKTANK_SECRET_KEY", "from-environment")
    app = create_app()
    assert app.config["PER_PAGE"] == 7
    assert app.config["SECRET_KEY"] == "from-environment"
    assert app.config["SESSION_COOKIE_SECURE"] is False


def test_postgres_urls_use_psycopg3(monkeypatch, tmp_path):
    monkeypatch.setenv("THINKTANK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("THINKTANK_SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("THINKTANK_BASE_URL", "https://taenketanken.example")
    monkeypatch.setenv("THINKTANK_DATABASE_URL", "postgres://u@db/tt")
    assert create_app().config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/tt"


def test_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("THINKTANK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("THINKTANK_SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("THINKTANK_BASE_URL", "https://taenketanken.example")
    monkeypatch.delenv("THINKTANK_DATABASE_URL", raising=False)
    uri = create_app().config["SQLALCHEMY_DATABASE_URI"]
    assert uri == f"sqlite:///{tmp_path / 'thinktank.sqlite3'}"


def test_unknown_env_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("THINKTANK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("THINKTANK_ENV", "staging")
    with pytest.raises(ConfigurationError, match="THINKTANK_ENV"):
        create_app()


def test_sqlite_pragmas(app):
    from sqlalchemy import text

    from thinktank.extensions import db

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite only")
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_production_hashes_passwords_with_full_cost_scrypt(monkeypatch, tmp_path):
    monkeypatch.setenv("THINKTANK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("THINKTANK_SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("THINKTANK_BASE_URL", "https://taenketanken.example")
    app = create_app()
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"
    from werkzeug.security import generate_password_hash

    assert generate_password_hash("x" * 12, app.config["PASSWORD_HASH_METHOD"]).startswith(
        "scrypt:32768:8:1$"
    )
