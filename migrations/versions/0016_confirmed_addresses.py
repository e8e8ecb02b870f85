"""Accounts made before following and e-mail asked for a confirmed address count as confirmed

Revision ID: 0016_confirmed_addresses
Revises: 0015_searchperf

Every way an account has been made proves its address (an invitation or a registration link
mailed to it) or was the operator's own act (`create-admin`, the demo). Accounts made before
the confirmation date was kept for them, and the demo and first administrator of an existing
installation, have none; without this step they could no longer follow or get e-mail. Their
creation time is taken as the confirmation. The downgrade leaves the dates (older code reads
them only for adoptions, where a date is what these accounts already proved).
"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_confirmed_addresses"
down_revision = "0015_searchperf"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE users SET email_verified_at = created_at "
        "WHERE email_verified_at IS NULL AND deleted_at IS NULL"
    )


def downgrade():
    pass
