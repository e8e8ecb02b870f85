"""Command line: create-admin, seed-demo, rerender-markdown, close-due-votes."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from thinktank.accounts import service as accounts
from thinktank.accounts.roles import Role
from thinktank.errors import ValidationFailed
from thinktank.transaction import transaction


@click.command("create-admin")
@with_appcontext
@click.option("--email", prompt="E-mail", help="The administrator's e-mail address.")
@click.option("--name", default="Administrator", show_default=True, help="Display name.")
@click.option("--password", help="At least 12 characters; prompted for when left out.")
@click.option("--promote", is_flag=True, help="Make an existing account an administrator.")
def create_admin(email: str, name: str, password: str | None, promote: bool) -> None:
    """Create an administrator account, or promote an existing one with --promote."""
    existing = accounts.find_user_by_email(email)
    if existing is not None:
        if not promote:
            raise click.ClickException(
                f"An account for {existing.email} exists; use --promote to make it an administrator."
            )
        with transaction():
            existing.role = Role.ADMIN
        click.echo(f"{existing.email} is now an administrator.")
        return
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with transaction():
            user = accounts.create_user(
                email=email, display_name=name, password=password, role=Role.ADMIN, verified=True
            )
    except ValidationFailed as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Administrator {user.email} created.")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Load the demo accounts and data (local use only; refused in production)."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException(
            "seed-demo creates accounts with a published password and is refused in production. "
            "Set THINKTANK_ENV=development for a local demo."
        )
    from thinktank.demo import seed_demo as load

    with transaction():  # all of it or, when a step fails, nothing
        lines = load()
    for line in lines:
        click.echo(line)


@click.command("rerender-markdown")
@with_appcontext
def rerender_markdown() -> None:
    """Render stored Markdown again after the sanitiser's rules changed (MARKUP_VERSION)."""
    from thinktank.markup import MARKUP_VERSION
    from thinktank.stored_html import rerender_all

    with transaction():
        counts = rerender_all()
    click.echo(f"Texts whose HTML changed under the sanitiser's rules version {MARKUP_VERSION}:")
    for kind, changed in counts:
        click.echo(f"  {kind}: {changed}")
    click.echo(f"  in all: {sum(changed for _kind, changed in counts)}")


@click.command("close-due-votes")
@with_appcontext
def close_due_votes() -> None:
    """Close every vote whose closing time has passed and freeze its result (e.g. from cron)."""
    from thinktank.voting.closing import close_due_votes as close

    # one transaction; closing.py isolates each vote, so one that fails leaves the others closed
    with transaction():
        closed = close()
    click.echo(f"{closed} votes closed.")


@click.command("purge-expired")
@with_appcontext
def purge_expired() -> None:
    """Delete invitations that expired or were withdrawn without being accepted."""
    with transaction():
        removed = accounts.purge_expired_invitations()
    click.echo(f"{removed} expired or withdrawn invitations removed.")


@click.command("send-mail")
@click.option("--once", is_flag=True, help="One pass over the outbox, then stop.")
@with_appcontext
def send_mail(once: bool) -> None:
    """Deliver the outbox (and queue the voting reminders that have fallen due): keeps
    running and polling unless --once. Several may run at once; none sends a message twice."""
    import time

    from flask import current_app

    while True:
        sent, problems, reminded = mail_pass()
        if once or sent or problems or reminded:
            click.echo(f"{sent} sent, {problems} failed or to retry, {reminded} reminders queued.")
        if once:
            return
        time.sleep(float(current_app.config["MAIL_POLL_SECONDS"]))


def mail_pass() -> tuple[int, int, int]:
    """One pass of send-mail: the reminders now due, then the outbox."""
    from thinktank.mail import deliver_pending
    from thinktank.recommendations.experience_reminders import send_review_reminders
    from thinktank.voting.reminders import send_closing_reminders

    with transaction():
        reminded = send_closing_reminders() + send_review_reminders()
    sent, problems = deliver_pending()
    return sent, problems, reminded


@click.command("send-reminders")
@with_appcontext
def send_reminders() -> None:
    """Queue the reminders for votes closing within 24 hours and the review-date requests
    for experience reports (send-mail does it too)."""
    from thinktank.recommendations.experience_reminders import send_review_reminders
    from thinktank.voting.reminders import send_closing_reminders

    with transaction():
        reminded = send_closing_reminders() + send_review_reminders()
    click.echo(f"{reminded} reminders queued.")


@click.command("send-digests")
@with_appcontext
def send_digests() -> None:
    """Queue the daily and weekly digests of the last finished day and week (e.g. hourly from
    cron: a digest already made for a period is never made again)."""
    from thinktank.notifications.digests import send_digests as send

    with transaction():
        counts = send()
    click.echo(f"{counts['daily']} daily and {counts['weekly']} weekly digests queued.")


@click.command("reindex")
@with_appcontext
def reindex() -> None:
    """Rebuild the search index from the tables (after an upgrade or a bulk import)."""
    from thinktank.search.index import reindex as rebuild

    with transaction():
        count = rebuild()
    click.echo(f"Search index rebuilt: {count} documents.")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(rerender_markdown)
    app.cli.add_command(close_due_votes)
    app.cli.add_command(purge_expired)
    app.cli.add_command(send_mail)
    app.cli.add_command(send_reminders)
    app.cli.add_command(send_digests)
    app.cli.add_command(reindex)
