"""``seed-demo``: realistic Danish demo data so a new user sees the whole flow at once.

Idempotent: running it twice adds nothing the second time. Refused in production.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from thinktank.accounts import service as accounts
from thinktank.accounts.models import User
from thinktank.accounts.roles import Role, Sector
from thinktank.extensions import db

DEMO_PASSWORD = "demo1234demo"  # noqa: S105 - documented local-only demo password


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    role: Role
    organisation: str
    sector: Sector


DEMO_ACCOUNTS = (
    DemoAccount("admin@kl-demo.dk", "Drift Administrator", Role.ADMIN, "KL", Sector.MUNICIPALITY),
    DemoAccount(
        "sekretariat@kl-demo.dk", "Mette Sørensen", Role.SECRETARIAT, "KL", Sector.MUNICIPALITY
    ),
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


def seed_demo() -> list[str]:
    """Load all demo data; returns a line per thing created, for the command's output."""
    before = db.session.scalar(select(db.func.count()).select_from(User))
    users = seed_accounts()
    db.session.commit()
    after = db.session.scalar(select(db.func.count()).select_from(User))
    return [f"{after - before} demo accounts created ({len(users)} in all)."]
