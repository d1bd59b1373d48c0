"""Discussion on the text: threads anchored to passages, their comments and comment edits

Revision ID: 0014_discussion
Revises: 0013_search
Create Date: 2026-11-27 00:45:00
"""

import sqlalchemy as sa
from alembic import op


revision = "0014_discussion"
down_revision = "0013_search"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "discussion_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("anchored_revision_id", sa.Integer(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=False),
        sa.Column("prefix", sa.String(length=100), nullable=False),
        sa.Column("suffix", sa.String(length=100), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("whole_paragraph", sa.Boolean(), nullable=False),
        sa.Column("outdated_revision_id", sa.Integer(), nullable=True),
        sa.Column("visibility", sa.String(length=10), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("signoff_id", sa.Integer(), nullable=True),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["anchored_revision_id"],
            ["revisions.id"],
            name=op.f("fk_discussion_threads_anchored_revision_id_revisions"),
        ),
        sa.ForeignKeyConstraint(
            ["outdated_revision_id"],
            ["revisions.id"],
            name=op.f("fk_discussion_threads_outdated_revision_id_revisions"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_discussion_threads_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["positions.id"],
            name=op.f("fk_discussion_threads_position_id_positions"),
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["users.id"],
            name=op.f("fk_discussion_threads_resolved_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["revisions.id"],
            name=op.f("fk_discussion_threads_revision_id_revisions"),
        ),
        sa.ForeignKeyConstraint(
            ["signoff_id"], ["signoffs.id"], name=op.f("fk_discussion_threads_signoff_id_signoffs")
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["users.id"], name=op.f("fk_discussion_threads_started_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_threads")),
        sa.UniqueConstraint("signoff_id", name=op.f("uq_discussion_threads_signoff_id")),
    )
    op.create_index(
        "ix_discussion_threads_position_resolved",
        "discussion_threads",
        ["position_id", "resolved_at"],
    )
    op.create_index(op.f("ix_discussion_threads_partner_id"), "discussion_threads", ["partner_id"])
    op.create_table(
        "discussion_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_discussion_comments_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_discussion_comments_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["positions.id"],
            name=op.f("fk_discussion_comments_position_id_positions"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["discussion_threads.id"],
            name=op.f("fk_discussion_comments_thread_id_discussion_threads"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_comments")),
    )
    op.create_index("ix_discussion_comments_thread_id", "discussion_comments", ["thread_id", "id"])
    op.create_index(
        op.f("ix_discussion_comments_position_id"), "discussion_comments", ["position_id"]
    )
    op.create_table(
        "discussion_comment_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("position_id", sa.Integer(), nullable=False),
        sa.Column("previous_body", sa.Text(), nullable=False),
        sa.Column("edited_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["discussion_comments.id"],
            name=op.f("fk_discussion_comment_edits_comment_id_discussion_comments"),
        ),
        sa.ForeignKeyConstraint(
            ["position_id"],
            ["positions.id"],
            name=op.f("fk_discussion_comment_edits_position_id_positions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_comment_edits")),
    )
    op.create_index(
        op.f("ix_discussion_comment_edits_comment_id"),
        "discussion_comment_edits",
        ["comment_id"],
    )


def downgrade():
    op.drop_index(
        op.f("ix_discussion_comment_edits_comment_id"), table_name="discussion_comment_edits"
    )
    op.drop_table("discussion_comment_edits")
    op.drop_index(op.f("ix_discussion_comments_position_id"), table_name="discussion_comments")
    op.drop_index("ix_discussion_comments_thread_id", table_name="discussion_comments")
    op.drop_table("discussion_comments")
    op.drop_index(op.f("ix_discussion_threads_partner_id"), table_name="discussion_threads")
    op.drop_index("ix_discussion_threads_position_resolved", table_name="discussion_threads")
    op.drop_table("discussion_threads")
