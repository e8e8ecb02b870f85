"""Tænketanken: KL's think tank on responsible and transparent use of data and AI."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application: config, extensions, the domains' wiring, blueprints, CLI, errors."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("THINKTANK_INSTANCE_PATH", str(ROOT / "instance")),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from thinktank import config

    config.load(app, test_config)
    proxies = int(app.config["PROXY_COUNT"])
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    _init_logging(app)
    _init_extensions(app)

    from thinktank import errors, http_caching, security, templating, wiring

    wiring.wire()
    security.init_app(app)
    http_caching.init_app(app)
    errors.register_error_handlers(app)
    templating.init_app(app)
    # The log's texts belong to the audit package, which sits above templating.
    from thinktank.audit.service import details as event_details

    app.jinja_env.globals["event_details"] = event_details
    # Every person's name a page shows (a deleted person's label in the reader's language).
    from thinktank.accounts.names import shown_name

    app.jinja_env.filters["person"] = shown_name
    # The author of a contribution to a case, by sector only in a Chatham House case.
    from thinktank.cases import chatham

    app.jinja_env.filters["contributor"] = chatham.contributor
    app.jinja_env.filters["without_mentions"] = chatham.without_mentions
    app.jinja_env.globals["hides_contributors"] = chatham.hides_contributors
    _register_blueprints(app)

    from thinktank import cli

    cli.init_app(app)
    # last: a kept page is served after every other check and kept as its view made it
    from thinktank import pagecache

    pagecache.init_app(app)
    return app


def _init_logging(app: Flask) -> None:
    # flask-limiter's own logger says when the rate-limit storage is unreachable; it has only
    # a NullHandler, so without ours that warning would never reach the server's log
    for name in ("thinktank", "flask-limiter"):
        logger = logging.getLogger(name)
        has_output = any(isinstance(h, logging.StreamHandler) for h in logger.handlers)
        if not has_output and not app.testing:
            handler = logging.StreamHandler()
            handler.setFormatter(
                logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
            )
            logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def _init_extensions(app: Flask) -> None:
    from flask_babel import gettext

    from thinktank import frozen, mail, transaction
    from thinktank.accounts.models import load_user
    from thinktank.extensions import (
        babel,
        cache,
        csrf,
        db,
        limiter,
        login_manager,
        migrate,
        set_sqlite_pragmas_on_connect,
    )
    from thinktank.i18n import N_, select_locale

    set_sqlite_pragmas_on_connect()
    db.init_app(app)
    transaction.init_app(app)
    mail.init_app(app)
    frozen.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    cache.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = N_("Please log in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.needs_refresh_message = N_("Please log in again to confirm it is you.")
    login_manager.localize_callback = gettext


def _register_blueprints(app: Flask) -> None:
    from thinktank.inputs import BoundedIntConverter

    # Before any route exists: every <int:…> in the app is bounded to what the database holds.
    app.url_map.converters["int"] = BoundedIntConverter

    from thinktank.accounts.views import bp as accounts_bp
    from thinktank.admin.views import bp as admin_bp
    from thinktank.api.views import bp as api_bp
    from thinktank.cases.views import bp as cases_bp
    from thinktank.discussion.views import bp as discussion_bp
    from thinktank.members.views import bp as members_bp
    from thinktank.notifications.views import bp as notifications_bp
    from thinktank.privacy.views import bp as privacy_bp
    from thinktank.public.views import bp as public_bp
    from thinktank.recommendations.experience_views import bp as experience_bp
    from thinktank.recommendations.views import bp as recommendations_bp
    from thinktank.search.views import bp as search_bp
    from thinktank.sitepages.views import bp as sitepages_bp
    from thinktank.voting.views import bp as voting_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(discussion_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(voting_bp)
    app.register_blueprint(members_bp)
    app.register_blueprint(recommendations_bp)
    app.register_blueprint(experience_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(sitepages_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(search_bp)
