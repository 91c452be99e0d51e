"""Bind each encrypted field to its record (bot/intake/models.py `bound`).

Records stored before this revision hold the bare value; each is decrypted and encrypted again as
{"record": id, "value": ...}. Needs PHB_INTAKE_KEY when there are records; a new database has none.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

from bot.storage.crypto import decrypt_json, encrypt_json

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SEALED = ("details", "eligibility_answers", "outcomes")


def _records():
    return sa.table("intake_records", sa.column("id", sa.String), *(sa.column(n, sa.Text) for n in SEALED))


def upgrade() -> None:
    records = _records()
    connection = op.get_bind()
    for row in connection.execute(sa.select(records)).all():
        values = {}
        for name in SEALED:
            token = getattr(row, name)
            if token is None:
                continue
            value = decrypt_json(token)
            if not (isinstance(value, dict) and value.get("record") == row.id and "value" in value):
                values[name] = encrypt_json({"record": row.id, "value": value})
        if values:
            connection.execute(sa.update(records).where(records.c.id == row.id).values(**values))


def downgrade() -> None:
    records = _records()
    connection = op.get_bind()
    for row in connection.execute(sa.select(records)).all():
        values = {
            name: encrypt_json(decrypt_json(getattr(row, name))["value"])
            for name in SEALED
            if getattr(row, name) is not None
        }
        if values:
            connection.execute(sa.update(records).where(records.c.id == row.id).values(**values))
