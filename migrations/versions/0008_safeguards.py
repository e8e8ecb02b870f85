"""review deadline on recommendations, minimum turnout on votes

Revision ID: 0008_safeguards
Revises: 0007_adoption_verification
Create Date: 2026-12-02 20:10:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0008_safeguards"
down_revision = "0007_adoption_verification"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_deadline", sa.Date(), nullable=True))

    # Votes started before this had no minimum: 0.
    with op.batch_alter_table("voting_rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("min_turnout", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            op.f("ck_voting_rounds_min_turnout_percent"), "min_turnout BETWEEN 0 AND 100"
        )


def downgrade():
    with op.batch_alter_table("voting_rounds", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_voting_rounds_min_turnout_percent"), type_="check")
        batch_op.drop_column("min_turnout")

    with op.batch_alter_table("recommendations", schema=None) as batch_op:
        batch_op.drop_column("review_deadline")
