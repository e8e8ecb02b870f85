"""``seed-demo``: the demo data files, loaded through the services in one transaction.

Idempotent: running it twice adds nothing the second time (accounts, interests, cases,
discussions and recommendations that exist are left alone). The command refuses it in
production.
"""

from __future__ import annotations

from dataclasses import replace

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from thinktank.accounts import service as accounts
from thinktank.accounts.models import User
from thinktank.cases.lifecycle import transition
from thinktank.cases.models import Case
from thinktank.cases.service import create_case, update_case
from thinktank.demo.dating import ago, date_case_move, dated
from thinktank.demo.discussion import discuss, seed_discussions
from thinktank.demo.reading import DISCUSS, START_VOTING, DemoCase, DemoContent, demo_content
from thinktank.demo.recommendations import seed_recommendations
from thinktank.demo.voting import seed_interests, start_demo_vote
from thinktank.discussion.models import Comment
from thinktank.extensions import db
from thinktank.models import utcnow
from thinktank.sitepages.service import install_defaults as install_site_pages
from thinktank.transaction import transaction


def seed_demo() -> list[str]:
    """Load all demo data; returns a line per thing created, for the command's output."""
    content = demo_content()
    # The services build links with url_for, which outside a request needs SERVER_NAME;
    # seed-demo runs in a bare app context, and the links it stores are relative anyway.
    with current_app.test_request_context("/"), transaction():
        before = _count(User)
        users = seed_accounts(content)
        after = _count(User)
        interests = seed_interests(content.accounts, users)
        comments_before = _count(Comment)
        cases = seed_cases(content, users)  # a case's ``discuss`` step posts its discussion
        staff = users[content.secretariat]
        seed_discussions(content.cases, users, staff)
        comments = _count(Comment) - comments_before
        recommendations = seed_recommendations(content.cases, users, staff)
        site_pages = install_site_pages()
    return [
        f"{after - before} demo accounts created ({len(users)} in all).",
        f"{interests} declared interests created.",
        f"{cases} demo cases created ({len(content.cases)} in all).",
        f"{comments} demo comments created.",
        f"{recommendations} demo recommendations created.",
        f"{site_pages} site page texts installed.",
    ]


def seed_accounts(content: DemoContent) -> dict[str, User]:
    """Create the demo accounts that are missing; return all of them by e-mail."""
    emails = [account.email for account in content.accounts]
    existing = {
        user.email: user for user in db.session.scalars(select(User).where(User.email.in_(emails)))
    }
    for account in content.accounts:
        if account.email not in existing:
            existing[account.email] = accounts.create_user(
                email=account.email,
                display_name=account.name,
                password=content.password,
                role=account.role,
                organisation=account.organisation,
                sector=account.sector,
                check_password=False,
                verified=True,
            )
    db.session.flush()
    return existing


def seed_cases(content: DemoContent, users: dict[str, User]) -> int:
    """Create the demo cases whose title is not taken yet; return how many were created."""
    titles = [demo.content.title for demo in content.cases]
    existing = set(db.session.scalars(select(Case.title).where(Case.title.in_(titles))))
    missing = [demo for demo in content.cases if demo.content.title not in existing]
    for demo in missing:
        seed_case(demo, users, users[content.secretariat])
    return len(missing)


def seed_case(demo: DemoCase, users: dict[str, User], secretariat: User) -> Case:
    """Create one demo case as its author and walk it through its versions and steps;
    voting starts with the case's demo positions and is followed by its demo ballots, and
    a ``discuss`` step posts the case's demo discussion. A case with a past has each step
    put on the day it happened, and was written the day before its first step."""
    author = users[demo.author]
    now = utcnow()
    first = demo.steps[0].days_ago if demo.steps else None
    with dated(ago(now, first + 1 if first is not None else None)):
        case = create_case(author, replace(demo.content))
        if demo.correction:
            case = db.session.scalar(
                select(Case).where(Case.id == case.id).options(selectinload(Case.tags))
            )
            update_case(author, case, replace(demo.content, **demo.correction))
    for step in demo.steps:
        when = ago(now, step.days_ago)
        with dated(when):
            if step.move == DISCUSS:
                discuss(demo, case, users, when or now)
            elif step.move == START_VOTING:
                start_demo_vote(demo.vote, case, users, secretariat, step.note)
            else:
                actor = author if step.move == "submit" else secretariat
                transition(actor, case, step.move, step.note)
            if when is not None:
                date_case_move(case, step.move, when)
    return case


def _count(model) -> int:
    return db.session.scalar(select(db.func.count()).select_from(model))
