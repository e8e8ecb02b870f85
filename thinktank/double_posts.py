"""A form sent twice (a double click, a resent page) makes one thing, not two.

A create-service calls ``lock_author`` and then ``recent_twin``: the newest row by the same
author with the same content, made within ``WINDOW``. When there is one, the service answers
with it instead of adding another, so the second submit lands on what the first one made.
The lock makes two submits that arrive at the same instant check one after the other
(a row lock on PostgreSQL; SQLite has none and runs the check without it).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from thinktank.accounts.models import User
from thinktank.extensions import db
from thinktank.models import utcnow

#: An identical submit within this time is taken as the same post sent again.
WINDOW = timedelta(seconds=60)


def lock_author(user) -> None:
    """Hold the author's row until the end of the transaction (FOR NO KEY UPDATE)."""
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update(key_share=True))


def recent_twin(model, *same):
    """The newest ``model`` row made within ``WINDOW`` that matches every ``same`` criterion."""
    return db.session.scalars(
        select(model)
        .where(model.created_at >= utcnow() - WINDOW, *same)
        .order_by(model.created_at.desc(), model.id.desc())
        .limit(1)
    ).first()
