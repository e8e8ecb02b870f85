"""Conditional votes ("yes, on conditions") and the groups of conditions a recommendation cites

Revision ID: 0017_sector
Revises: 0016_confirmed_addresses

Ballots and their history get the conditional flag and the conditions (Markdown, with their
HTML on the ballot); a ballot without a position cannot be conditional. Recommendations get
named groups of conditions (members are the stable condition ids of the frozen snapshot),
and a citation may cite such a group instead of a comment. The split by sector lives in the
frozen snapshot's JSON and needs no column.
"""

import sqlalchemy as sa
from alembic import op

import thinktank.models

# revision identifiers, used by Alembic.
revision = "0017_sector"
down_revision = "0017_chatham"
branch_labels = None
depends_on = None


def _recreating_would_cascade() -> bool:
    """SQLite changes a constraint by copying the table and dropping the old one; dropping
    ``ballots`` would delete every ``ballot_changes`` row with it (ON DELETE CASCADE, and the
    app's connections enforce foreign keys). So there the columns are added in place and the
    check is left to the service; PostgreSQL gets the check as well."""
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    for table in ("ballots", "ballot_changes"):
        op.add_column(
            table, sa.Column("conditional", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        op.add_column(table, sa.Column("conditions", sa.Text(), server_default="", nullable=False))
    op.add_column(
        "ballots", sa.Column("conditions_html", sa.Text(), server_default="", nullable=False)
    )
    if not _recreating_would_cascade():
        op.create_check_constraint(
            op.f("ck_ballots_conditions_with_position"),
            "ballots",
            "choice = 'position' OR NOT conditional",
        )

    op.create_table(
        "condition_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("created_at", thinktank.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_condition_groups_recommendation_id_recommendations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_condition_groups")),
    )
    with op.batch_alter_table("condition_groups", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_condition_groups_recommendation_id"), ["recommendation_id"]
        )
    op.create_table(
        "condition_group_members",
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("condition_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["condition_groups.id"],
            name=op.f("fk_condition_group_members_group_id_condition_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_id"],
            ["recommendations.id"],
            name=op.f("fk_condition_group_members_recommendation_id_recommendations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "group_id", "condition_id", name=op.f("pk_condition_group_members")
        ),
        sa.UniqueConstraint(
            "recommendation_id",
            "condition_id",
            name=op.f("uq_condition_group_members_recommendation_id_condition_id"),
        ),
    )
    with op.batch_alter_table("recommendation_citations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("condition_group_id", sa.Integer(), nullable=True))
        batch_op.alter_column("comment_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_recommendation_citations_condition_group_id_condition_groups"),
            "condition_groups",
            ["condition_group_id"],
            ["id"],
            ondelete="CASCADE",
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_recommendation_citations_recommendation_id_condition_group_id"),
            ["recommendation_id", "condition_group_id"],
        )
        batch_op.create_check_constraint(
            op.f("ck_recommendation_citations_cites_one_thing"),
            "(comment_id IS NULL) <> (condition_group_id IS NULL)",
        )


def downgrade():
    op.execute("DELETE FROM recommendation_citations WHERE comment_id IS NULL")
    with op.batch_alter_table("recommendation_citations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_recommendation_citations_cites_one_thing"), "check")
        batch_op.drop_constraint(
            batch_op.f("uq_recommendation_citations_recommendation_id_condition_group_id"),
            "unique",
        )
        batch_op.drop_constraint(
            batch_op.f("fk_recommendation_citations_condition_group_id_condition_groups"),
            "foreignkey",
        )
        batch_op.alter_column("comment_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("condition_group_id")
    op.drop_table("condition_group_members")
    with op.batch_alter_table("condition_groups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_condition_groups_recommendation_id"))
    op.drop_table("condition_groups")
    if not _recreating_would_cascade():
        op.drop_constraint(op.f("ck_ballots_conditions_with_position"), "ballots", "check")
    for table, column in (
        ("ballots", "conditions_html"),
        ("ballots", "conditions"),
        ("ballots", "conditional"),
        ("ballot_changes", "conditions"),
        ("ballot_changes", "conditional"),
    ):
        op.drop_column(table, column)  # SQLite 3.35+ drops a column in place
