"""E-mail and following: the outbox, follows, notification preferences, the digests sent
and the voting reminders sent (follows and preferences have a user_id each, so an account's
rows are exported or erased with one query per table)

Revision ID: 0013_mail
Revises: 0011_markdown_sources
Create Date: 2026-12-04 20:03:06.027879
"""

from alembic import op
import sqlalchemy as sa

import thinktank.models


# revision identifiers, used by Alembic.
revision = "0013_mail"
down_revision = "0014_privacy"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", thinktank.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", thinktank.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=1000), nullable=False),
        sa.Column("created_at", thinktank.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", thinktank.models.UTCDateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'sending', 'sent', 'failed')",
            name=op.f("ck_mail_outbox_mail_outbox_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
        sa.UniqueConstraint("message_id", name=op.f("uq_mail_outbox_message_id")),
    )
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.create_index("ix_mail_outbox_due", ["status", "next_attempt_at"], unique=False)

    op.create_table(
        "digests_sent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=16), nullable=False),
        sa.Column("period_start", thinktank.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", thinktank.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_digests_sent_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digests_sent")),
        sa.UniqueConstraint(
            "user_id",
            "frequency",
            "period_start",
            name=op.f("uq_digests_sent_user_id_frequency_period_start"),
        ),
    )
    with op.batch_alter_table("digests_sent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digests_sent_user_id"), ["user_id"], unique=False)

    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "delivery IN ('immediately', 'daily', 'weekly', 'never')",
            name=op.f("ck_notification_preferences_notification_preference_delivery"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notification_preferences")),
    )
    op.create_table(
        "closing_reminders",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", thinktank.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["voting_rounds.case_id"],
            name=op.f("fk_closing_reminders_case_id_voting_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_closing_reminders_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "user_id", name=op.f("pk_closing_reminders")),
    )
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("recommendation_id", sa.Integer(), nullable=True),
        sa.Column("created_at", thinktank.models.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(case_id IS NULL) <> (recommendation_id IS NULL)",
            name=op.f("ck_follows_follow_one_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_follows_case_id_cases"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_follows_recommendation_id_recommendations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_follows_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follows")),
        sa.UniqueConstraint("user_id", "case_id", name="uq_follows_user_case"),
        sa.UniqueConstraint("user_id", "recommendation_id", name="uq_follows_user_recommendation"),
    )
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follows_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_follows_recommendation_id"), ["recommendation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_follows_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follows_user_id"))
        batch_op.drop_index(batch_op.f("ix_follows_recommendation_id"))
        batch_op.drop_index(batch_op.f("ix_follows_case_id"))

    op.drop_table("follows")
    op.drop_table("closing_reminders")
    op.drop_table("notification_preferences")
    with op.batch_alter_table("digests_sent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digests_sent_user_id"))

    op.drop_table("digests_sent")
    with op.batch_alter_table("mail_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_mail_outbox_due")

    op.drop_table("mail_outbox")
