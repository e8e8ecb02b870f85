"""verified adoptions, proven e-mail addresses

An adoption is public only once verified (by the recorder's proven municipal e-mail
domain or by the secretariat); those recorded before this change stay public.

Revision ID: 0007_adoption_verification
Revises: 0005_recommendations
Create Date: 2026-12-02 20:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

import thinktank.models


# revision identifiers, used by Alembic.
revision = "0007_adoption_verification"
down_revision = "0005_recommendations"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "email_verified_at", thinktank.models.UTCDateTime(timezone=True), nullable=True
            )
        )

    with op.batch_alter_table("adoptions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                sa.Enum(
                    "pending",
                    "verified",
                    "rejected",
                    name="adoption_status",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=False,
                server_default="verified",
            )
        )
        batch_op.add_column(sa.Column("decided_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("decided_at", thinktank.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_adoptions_decided_by_id_users"),
            "users",
            ["decided_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.drop_constraint(
            batch_op.f("uq_adoptions_recommendation_id_municipality"), type_="unique"
        )
        batch_op.create_index(
            "uq_adoptions_live_municipality",
            ["recommendation_id", "municipality"],
            unique=True,
            sqlite_where=sa.text("status != 'rejected'"),
            postgresql_where=sa.text("status != 'rejected'"),
        )

    # the default only filled the existing rows; new ones always say what they are
    with op.batch_alter_table("adoptions", schema=None) as batch_op:
        batch_op.alter_column("status", server_default=None)


def downgrade():
    with op.batch_alter_table("adoptions", schema=None) as batch_op:
        batch_op.drop_index("uq_adoptions_live_municipality")
    op.execute("DELETE FROM adoptions WHERE status != 'verified'")
    with op.batch_alter_table("adoptions", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_adoptions_recommendation_id_municipality"),
            ["recommendation_id", "municipality"],
        )
        batch_op.drop_constraint(batch_op.f("fk_adoptions_decided_by_id_users"), type_="foreignkey")
        batch_op.drop_column("decided_at")
        batch_op.drop_column("decided_by_id")
        batch_op.drop_column("status")

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_verified_at")
