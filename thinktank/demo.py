"""``seed-demo``: realistic Danish demo data so a new user sees the whole flow at once.

Idempotent: running it twice adds nothing the second time. Refused in production.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from thinktank.accounts import service as accounts
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role, Sector
from thinktank.cases.lifecycle import transition
from thinktank.cases.models import Case
from thinktank.cases.service import create_case, update_case
from thinktank.demo_cases import DEMO_CASES, DemoCase, dated
from thinktank.demo_discussion import discuss, seed_discussions
from thinktank.demo_recommendations import seed_recommendations
from thinktank.demo_voting import date_vote, seed_interests, start_demo_vote
from thinktank.discussion.models import Comment
from thinktank.extensions import db
from thinktank.models import utcnow

DEMO_PASSWORD = "demo1234demo"  # noqa: S105 - documented local-only demo password
SECRETARIAT = "sekretariat@kl-demo.dk"  # makes every demo case's lifecycle moves but submit


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    organisation: str
    sector: Sector


DEMO_ACCOUNTS = (
    DemoAccount("admin@kl-demo.dk", "Drift Administrator", Role.ADMIN, "KL", Sector.MUNICIPALITY),
    DemoAccount(SECRETARIAT, "Mette Sørensen", Role.SECRETARIAT, "KL", Sector.MUNICIPALITY),
    DemoAccount(
        "ekspert1@kl-demo.dk", "Anders Holm", Role.MEMBER, "Aarhus Kommune", Sector.MUNICIPALITY
    ),
    DemoAccount(
        "ekspert2@kl-demo.dk",
        "Fatima Khalil",
        Role.MEMBER,
        "Københavns Universitet",
        Sector.RESEARCH,
    ),
    DemoAccount(
        "ekspert3@kl-demo.dk", "Jens Kristensen", Role.MEMBER, "Region Midtjylland", Sector.REGION
    ),
    DemoAccount("ekspert4@kl-demo.dk", "Louise Brandt", Role.MEMBER, "Netcompany", Sector.PRIVATE),
    DemoAccount(
        "ekspert5@kl-demo.dk",
        "Peter Nielsen",
        Role.MEMBER,
        "Digitaliseringsstyrelsen",
        Sector.STATE,
    ),
    DemoAccount(
        "ekspert6@kl-demo.dk",
        "Sofie Lund",
        Role.MEMBER,
        "Dansk Socialrådgiverforening",
        Sector.CIVIL_SOCIETY,
    ),
    DemoAccount(
        "laeser@kl-demo.dk", "Karin Madsen", Role.READER, "Viborg Kommune", Sector.MUNICIPALITY
    ),
)


def seed_accounts() -> dict[str, User]:
    """Create the demo accounts that are missing; return all of them by e-mail."""
    existing = {
        user.email: user
        for user in db.session.scalars(
            select(User).where(User.email.in_([account.email for account in DEMO_ACCOUNTS]))
        )
    }
    for account in DEMO_ACCOUNTS:
        if account.email not in existing:
            existing[account.email] = accounts.create_user(
                email=account.email,
                display_name=account.name,
                password=DEMO_PASSWORD,
                role=account.role,
                organisation=account.organisation,
                sector=account.sector,
                check_password=False,
            )
    return existing


def seed_case(demo: DemoCase, users: dict[str, User]) -> Case:
    """Create one demo case as its author and walk it through its versions and steps;
    voting starts with the case's demo positions and is followed by its demo ballots, and
    a ``discuss`` step posts the case's demo discussion. A case with a past has each step
    put on the day it happened, and was written the day before its first step."""
    author, secretariat = users[demo.author], users[SECRETARIAT]
    now = utcnow()
    first = demo.steps[0].days_ago if demo.steps else None
    with dated(now - timedelta(days=first + 1) if first is not None else None):
        case = create_case(author, replace(demo.content))
        if demo.correction:
            case = db.session.scalar(
                select(Case).where(Case.id == case.id).options(selectinload(Case.tags))
            )
            update_case(author, case, replace(demo.content, **demo.correction))
    for step in demo.steps:
        when = now - timedelta(days=step.days_ago) if step.days_ago is not None else None
        with dated(when):
            if step.move == "discuss":
                discuss(case, users, when or now)
            elif step.move == "start_voting":
                start_demo_vote(case, users, secretariat, step.note)
            else:
                actor = author if step.move == "submit" else secretariat
                transition(actor, case, step.move, step.note)
            if when is not None:
                _date_case(case, step.move, when)
    return case


def _date_case(case: Case, move: str, when: datetime) -> None:
    """What a move sets on rows that already exist, on the day it happened."""
    case.last_activity_at = when
    if move == "submit":
        case.submitted_at = when
    date_vote(case, move, when)


def seed_cases(users: dict[str, User]) -> int:
    """Create the demo cases whose title is not taken yet; return how many were created."""
    titles = [demo.content.title for demo in DEMO_CASES]
    existing = set(db.session.scalars(select(Case.title).where(Case.title.in_(titles))))
    missing = [demo for demo in DEMO_CASES if demo.content.title not in existing]
    for demo in missing:
        seed_case(demo, users)
    return len(missing)


def seed_demo() -> list[str]:
    """Load all demo data; returns a line per thing created, for the command's output."""
    before = _count(User)
    users = seed_accounts()
    db.session.commit()
    after = _count(User)
    interests = seed_interests(users)
    comments_before = _count(Comment)
    cases = seed_cases(users)  # a case's ``discuss`` step posts its discussion on the way
    seed_discussions(users)
    comments = _count(Comment) - comments_before
    recommendations = seed_recommendations(users)
    return [
        f"{after - before} demo accounts created ({len(users)} in all).",
        f"{interests} declared interests created.",
        f"{cases} demo cases created ({len(DEMO_CASES)} in all).",
        f"{comments} demo comments created.",
        f"{recommendations} demo recommendations created.",
    ]


def _count(model) -> int:
    return db.session.scalar(select(db.func.count()).select_from(model))
