"""The insight table, in the intake database (same engine, same Alembic migrations)."""

from __future__ import annotations

from sqlalchemy import Column, Date, Index, Integer, String, Text

from bot.storage.database import Base


class InsightEvent(Base):
    __tablename__ = "insight_events"

    id = Column(Integer, primary_key=True, autoincrement=True)
    day = Column(Date, nullable=False)  # the day only: no time of day
    conversation = Column(String(64), nullable=False)  # bot/insight/derive.py conversation_key
    area = Column(String(64))  # None until the conversation's area is known
    kind = Column(String(32), nullable=False)
    detail = Column(String(100))
    value = Column(Integer)
    comment = Column(Text)  # a feedback comment, masked (bot/privacy.py)

    __table_args__ = (
        Index("ix_insight_events_day_kind", "day", "kind"),
        Index("ix_insight_events_conversation", "conversation"),
    )
