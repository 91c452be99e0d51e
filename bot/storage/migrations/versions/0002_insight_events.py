"""Anonymous insight events (bot/insight/).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("conversation", sa.String(64), nullable=False),
        sa.Column("area", sa.String(64)),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("detail", sa.String(100)),
        sa.Column("value", sa.Integer()),
        sa.Column("comment", sa.Text()),
    )
    op.create_index("ix_insight_events_day_kind", "insight_events", ["day", "kind"])
    op.create_index("ix_insight_events_conversation", "insight_events", ["conversation"])


def downgrade() -> None:
    op.drop_index("ix_insight_events_conversation", "insight_events")
    op.drop_index("ix_insight_events_day_kind", "insight_events")
    op.drop_table("insight_events")
