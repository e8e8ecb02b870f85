"""Flask extensions, created unbound and bound to the app in ``create_app``."""

from __future__ import annotations

import sqlite3

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


class FailOpenLimiter(Limiter):
    """Flask-Limiter's limiter, counting in this process's memory while the shared storage
    (Redis) is unreachable: an outage of the cache must never lock anyone out of logging in.
    Flask-Limiter logs a warning on the "flask-limiter" logger when it falls back."""

    def init_app(self, app) -> None:
        # One limiter object serves every app built in a process (tests build many): a new
        # app's storage is not down just because an earlier app's was.
        self._storage_dead = False
        super().init_app(app)


limiter = FailOpenLimiter(
    key_func=get_remote_address, in_memory_fallback_enabled=True, swallow_errors=True
)
cache = Cache()


def set_sqlite_pragmas_on_connect() -> None:
    """Give every new SQLite connection the pragmas below (once, however many apps are built),
    and a transaction around a savepoint that comes before any write."""
    if not event.contains(Engine, "connect", _sqlite_pragmas):
        event.listen(Engine, "connect", _sqlite_pragmas)
    if not event.contains(Engine, "savepoint", _sqlite_begin_before_savepoint):
        event.listen(Engine, "savepoint", _sqlite_begin_before_savepoint)


def _sqlite_begin_before_savepoint(connection, _name) -> None:
    """Python's sqlite3 opens a transaction only before a write, so a SAVEPOINT issued first
    would start one of its own, and releasing it would commit at once, outside the unit of
    work (``thinktank.transaction``). Begin the transaction first, as a write would."""
    driver = connection.connection.dbapi_connection
    if isinstance(driver, sqlite3.Connection) and not driver.in_transaction:
        driver.execute("BEGIN")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL for concurrent readers, a busy timeout instead of instant 'locked', enforced FKs.

    synchronous=NORMAL is the setting SQLite recommends with WAL: no corruption on a crash,
    and a commit no longer waits for the disk twice.
    """
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
