"""Intake records and their outbox.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "intake_records",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("reference", sa.String(16), nullable=False, unique=True),
        sa.Column("area", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("consent_at", sa.DateTime(), nullable=False),
        sa.Column("notice_version", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("conversation_hash", sa.String(64), nullable=False),
        # Encrypted (Fernet) JSON: personal and health details.
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("eligibility_answers", sa.Text()),
        sa.Column("eligibility_result", sa.String(32)),
        sa.Column("eligibility_reasons", sa.JSON()),
        sa.Column("money_preferred", sa.String(32)),
        sa.Column("money_suggested", sa.JSON()),
        sa.Column("outcomes", sa.Text()),
        sa.Column("received_at", sa.DateTime()),
    )
    op.create_index("ix_intake_records_area", "intake_records", ["area"])
    op.create_index("ix_intake_records_created_at", "intake_records", ["created_at"])
    op.create_index("ix_intake_records_conversation_hash", "intake_records", ["conversation_hash"])
    op.create_table(
        "intake_outbox",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "record_id",
            sa.String(32),
            sa.ForeignKey("intake_records.id", ondelete="CASCADE"),
            nullable=False,
            unique=True,
        ),
        sa.Column("area", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("lease_until", sa.DateTime()),
        sa.Column("last_error", sa.Text()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime()),
    )
    op.create_index("ix_intake_outbox_status", "intake_outbox", ["status"])
    op.create_index("ix_intake_outbox_next_attempt_at", "intake_outbox", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_table("intake_outbox")
    op.drop_table("intake_records")
