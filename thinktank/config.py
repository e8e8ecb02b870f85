"""Configuration: defaults, then ``instance/config.py``, then ``THINKTANK_*`` environment variables."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask


class ConfigurationError(RuntimeError):
    """The application cannot start with the configuration it was given."""


DEFAULTS: dict[str, object] = {
    # "production" or "development"; production is the default so that a forgotten
    # setting never exposes demo accounts or a generated secret key.
    "ENV": "production",
    "SECRET_KEY": None,
    "DATABASE_URL": None,
    # The site's public address: every absolute link (e-mails, canonical links, the feed) is
    # built from it, never from the request's Host header. Required in production.
    "BASE_URL": None,
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_STRATEGY": "moving-window",
    "LOGIN_LIMIT_PER_IP": "30 per 15 minutes",
    # Failed logins for one account from one address, and for one account from anywhere:
    # the pair limit stops guessing, the higher ceiling stops a spread-out attack, and a
    # stranger alone cannot lock a member out (a password reset lifts both).
    "LOGIN_LIMIT_PER_ACCOUNT_AND_IP": "5 per 15 minutes",
    "LOGIN_LIMIT_PER_ACCOUNT": "50 per 15 minutes",
    "REGISTER_LIMIT_PER_IP": "10 per hour",
    "RESET_LIMIT_PER_IP": "10 per hour",
    # Requests to the open-data API (/api/) from one address.
    "API_RATE_LIMIT": "300 per minute",
    "MAIL_SERVER": None,
    "MAIL_PORT": 587,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": True,
    "MAIL_USE_SSL": False,
    "MAIL_SENDER": "Tænketanken <noreply@localhost>",
    "MAIL_BACKEND": None,  # "smtp", "log" or "memory"; derived from MAIL_SERVER when unset
    # send-mail: the wait before the first retry after a temporary failure (then doubled each
    # time) and, when it keeps running, how often it looks for new mail
    "MAIL_RETRY_BASE": timedelta(minutes=1),
    "MAIL_POLL_SECONDS": 10,
    "INVITATION_MAX_AGE": timedelta(days=14),
    "PASSWORD_RESET_MAX_AGE": timedelta(hours=2),
    "REGISTRATION_MAX_AGE": timedelta(days=2),
    "PASSWORD_HASH_METHOD": "scrypt",
    "BABEL_DEFAULT_LOCALE": "da",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Copenhagen",
    "LANGUAGES": ["da", "en"],
    "PER_PAGE": 20,
    "SEARCH_COUNT_CAP": 1000,  # search hits counted and ranked at most (then "more than")
    # Number of trusted proxies in front of the app (load balancer); 0 when served directly.
    "PROXY_COUNT": 0,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SECURE": None,  # None: secure in production, plain in development
    "REMEMBER_COOKIE_SECURE": None,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_DURATION": timedelta(days=30),
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "WTF_I18N_ENABLED": False,  # WTForms' own messages go through our catalogs (forms.py)
    # Whole anonymous pages (thinktank/pagecache.py) and computed diffs between two versions.
    # In-process by default; with CACHE_URL (or its older name CACHE_REDIS_URL) set, Redis,
    # shared by every worker. An unreachable cache only costs time.
    "CACHE_TYPE": "SimpleCache",
    "CACHE_URL": None,
    "CACHE_REDIS_URL": None,
    # Seconds an anonymous page is kept at most (a write makes it out of date at once); 0: off.
    "PAGE_CACHE_TIMEOUT": 600,
    "CACHE_DEFAULT_TIMEOUT": 7 * 24 * 3600,
    "CACHE_KEY_PREFIX": "thinktank:",
    # The data controller shown on /privacy (the GDPR's "dataansvarlig") and its DPO.
    "DATA_CONTROLLER_NAME": "KL (Kommunernes Landsforening)",
    "DATA_CONTROLLER_ADDRESS": "Weidekampsgade 10, 2300 København S",
    "DATA_CONTROLLER_EMAIL": "kl@kl.dk",
    "DPO_CONTACT": "databeskyttelse@kl.dk",
}

_STRING_KEYS = (
    "SECRET_KEY",
    "BASE_URL",
    "DATABASE_URL",
    "MAIL_PASSWORD",
    "MAIL_USERNAME",
    "MAIL_SERVER",
    "CACHE_URL",
    "CACHE_REDIS_URL",
    "DATA_CONTROLLER_NAME",
    "DATA_CONTROLLER_ADDRESS",
    "DATA_CONTROLLER_EMAIL",
    "DPO_CONTACT",
)


def load(app: Flask, test_config: dict | None) -> None:
    """Fill ``app.config`` in order: defaults, instance file, environment, test overrides."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("THINKTANK")
    if test_config:
        app.config.from_mapping(test_config)
    for key in _STRING_KEYS:
        if app.config.get(key) is not None:
            app.config[key] = str(app.config[key])
    _derive(app)


def _derive(app: Flask) -> None:
    config = app.config
    env = config["ENV"]
    if env not in ("production", "development"):
        raise ConfigurationError(
            f"THINKTANK_ENV must be 'production' or 'development', not {env!r}."
        )
    production = env == "production"
    # from the environment a wait is a number of seconds (JSON), the default a timedelta
    if isinstance(config["MAIL_RETRY_BASE"], int | float):
        config["MAIL_RETRY_BASE"] = timedelta(seconds=config["MAIL_RETRY_BASE"])

    if not config.get("SECRET_KEY"):
        if production and not config.get("TESTING"):
            raise ConfigurationError(
                "THINKTANK_SECRET_KEY is not set. In production the secret key must be given "
                "(e.g. THINKTANK_SECRET_KEY=$(python -c 'import secrets; "
                "print(secrets.token_hex(32))')), or set THINKTANK_ENV=development for local use."
            )
        config["SECRET_KEY"] = _development_secret_key(Path(app.instance_path))
    elif production and not config.get("TESTING"):
        _refuse_weak_secret_key(config["SECRET_KEY"])

    _derive_base_url(config, production)

    if not config.get("SQLALCHEMY_DATABASE_URI"):
        url = (
            config.get("DATABASE_URL")
            or f"sqlite:///{Path(app.instance_path) / 'thinktank.sqlite3'}"
        )
        config["SQLALCHEMY_DATABASE_URI"] = _normalise_database_url(url)

    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if config.get(key) is None:
            config[key] = production
    if not config.get("MAIL_BACKEND"):
        config["MAIL_BACKEND"] = "smtp" if config.get("MAIL_SERVER") else "log"
    if config.get("CACHE_URL") and not config.get("CACHE_REDIS_URL"):
        config["CACHE_REDIS_URL"] = config["CACHE_URL"]
    if config.get("CACHE_REDIS_URL"):
        config["CACHE_TYPE"] = "RedisCache"
        # A Redis that does not answer must not hold a page up for long.
        config.setdefault("CACHE_OPTIONS", {"socket_connect_timeout": 0.5, "socket_timeout": 0.5})


# Words that show a key was typed by a person or copied from an example, not generated.
_OBVIOUS_KEY_WORDS = (
    "secret",
    "hemmelig",
    "changeme",
    "change-me",
    "password",
    "example",
    "default",
)


def _refuse_weak_secret_key(key: str) -> None:
    """Whoever guesses the key can forge sessions and reset links: refuse one that is short
    or made up by hand (a generated key has many different characters, no spaces, no words)."""
    lowered = key.lower()
    if (
        len(key.encode()) < 32
        or len(set(key)) < 10
        or any(character.isspace() for character in key)
        or any(word in lowered for word in _OBVIOUS_KEY_WORDS)
    ):
        raise ConfigurationError(
            "THINKTANK_SECRET_KEY is too weak: in production it must be at least 32 random "
            "bytes, not a word or a phrase (e.g. THINKTANK_SECRET_KEY=$(python -c 'import "
            "secrets; print(secrets.token_hex(32))'))."
        )


def _derive_base_url(config, production: bool) -> None:
    """Absolute links use BASE_URL's host and scheme (Flask's SERVER_NAME), so a forged Host
    header cannot put another site into a password-reset e-mail or a canonical link."""
    base_url = config.get("BASE_URL")
    if not base_url:
        if production and not config.get("TESTING"):
            raise ConfigurationError(
                "THINKTANK_BASE_URL is not set. In production the site's public address must be "
                "given (e.g. THINKTANK_BASE_URL=https://taenketanken.kl.dk): links in e-mails "
                "and on pages are built from it."
            )
        base_url = "http://127.0.0.1:5000"
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/"):
        raise ConfigurationError(
            f"THINKTANK_BASE_URL must be a scheme and host such as https://taenketanken.kl.dk, "
            f"not {base_url!r}."
        )
    config["BASE_URL"] = f"{parts.scheme}://{parts.netloc}"
    config["SERVER_NAME"] = parts.netloc
    config["PREFERRED_URL_SCHEME"] = parts.scheme
    # A request for any other host is answered 400 instead of a page (Flask's TRUSTED_HOSTS),
    # so nothing the app does can ever depend on a forged Host or X-Forwarded-Host.
    trusted = [parts.hostname]
    if not production:
        trusted += ["localhost", "127.0.0.1"]  # the development server's own addresses
    config["TRUSTED_HOSTS"] = list(dict.fromkeys(trusted))


def _normalise_database_url(url: str) -> str:
    """Let operators write ``postgresql://`` and still get the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _development_secret_key(instance: Path) -> str:
    """A random key made once and kept in the instance folder, so sessions survive restarts."""
    instance.mkdir(parents=True, exist_ok=True)
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key
