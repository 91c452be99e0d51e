"""Build an intake record from a finished conversation. Pure: no database, no Rasa."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from bot.storage.crypto import conversation_hash
from bot.intake.questions import CONSENT_RECORD, LEFT_OUT

# The person's details, in the order staff read them.
DETAIL_FIELDS = (
    "filled_by",
    "relationship",
    "name",
    "date_of_birth",
    "nhs_number",
    "postcode",
    "contact_method",
    "contact_detail",
    "best_time",
    "communication_needs",
    "language",
    "anything_else",
    # The names of the parts the person chose not to send (never their content), so the
    # team reads "left out" rather than "not asked".
    LEFT_OUT,
)

# Short, with no characters that are easily confused when read out or written down
# (no 0/O, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V).
REFERENCE_ALPHABET = "ACDEFHJKMNPRTWXY34679"


def new_reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"PHB-{code[:4]}-{code[4:]}"


# The parts other guides found, which the person may leave out of what is sent.
PARTS = ("check", "money", "outcomes")


@dataclass(frozen=True)
class Parts:
    """What the eligibility check, the money guide and the outcomes coach found."""

    eligibility_answers: dict | None = None
    eligibility_result: str | None = None
    eligibility_reasons: list = field(default_factory=list)
    money_preferred: str | None = None
    money_suggested: list = field(default_factory=list)
    outcomes: list = field(default_factory=list)

    def present(self) -> tuple[str, ...]:
        """The parts there is something to send for, in the order shown."""
        # The check only once it has a result: a check stopped half way is neither shown nor sent.
        found = {
            "check": bool(self.eligibility_answers and self.eligibility_result),
            "money": bool(self.money_preferred or self.money_suggested),
            "outcomes": bool(self.outcomes),
        }
        return tuple(p for p in PARTS if found[p])

    def without(self, left_out) -> "Parts":
        """These parts with the ones the person chose to leave out emptied."""
        left_out = set(left_out or ())
        keep_check = "check" not in left_out and bool(self.eligibility_result)
        keep_money = "money" not in left_out
        return Parts(
            eligibility_answers=self.eligibility_answers if keep_check else None,
            eligibility_result=self.eligibility_result if keep_check else None,
            eligibility_reasons=list(self.eligibility_reasons or []) if keep_check else [],
            money_preferred=self.money_preferred if keep_money else None,
            money_suggested=list(self.money_suggested or []) if keep_money else [],
            outcomes=list(self.outcomes or []) if "outcomes" not in left_out else [],
        )


@dataclass(frozen=True, kw_only=True)
class Record(Parts):
    """A confirmed intake: the person's details and what the other guides found (Parts)."""

    id: str
    area: str
    created_at: dt.datetime
    consent_at: dt.datetime
    notice_version: str
    channel: str
    conversation_hash: str
    details: dict


def build_record(
    answers: dict,
    *,
    area: str,
    conversation_id: str,
    channel: str | None,
    now: dt.datetime,
    eligibility_answers: dict | None = None,
    eligibility_result: str | None = None,
    eligibility_reasons: list | None = None,
    money_preferred: str | None = None,
    money_suggested: list | None = None,
    outcomes: list | None = None,
) -> Record:
    """The record for a confirmed intake. Times are naive UTC."""
    consent = answers[CONSENT_RECORD]
    consent_at = dt.datetime.fromisoformat(consent["at"])
    if consent_at.tzinfo is not None:
        consent_at = consent_at.astimezone(dt.timezone.utc).replace(tzinfo=None)
    if now.tzinfo is not None:
        now = now.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return Record(
        id=consent["id"],
        area=area,
        created_at=now,
        consent_at=consent_at,
        notice_version=consent["notice"],
        channel=channel or "unknown",
        conversation_hash=conversation_hash(conversation_id),
        details={k: answers[k] for k in DETAIL_FIELDS if k in answers},
        eligibility_answers=dict(eligibility_answers) if eligibility_answers else None,
        eligibility_result=eligibility_result,
        eligibility_reasons=list(eligibility_reasons or []),
        money_preferred=money_preferred,
        money_suggested=list(money_suggested or []),
        outcomes=list(outcomes or []),
    )


def iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.replace(microsecond=0).isoformat() + "Z"


def payload(row, reference: str) -> dict:
    """The JSON a team's endpoint receives (and `phb-intake export` writes) for a stored record."""
    return {
        "schema": "phb-intake/1",
        "id": row.id,
        "reference": reference,
        "area": row.area,
        "created_at": iso(row.created_at),
        "consent": {"at": iso(row.consent_at), "privacy_notice_version": row.notice_version},
        "channel": row.channel,
        "conversation_hash": row.conversation_hash,
        "details": row.details,
        "eligibility": {
            "answers": row.eligibility_answers,
            "result": row.eligibility_result,
            "reasons": row.eligibility_reasons or [],
        },
        "money": {"preferred": row.money_preferred, "suggested": row.money_suggested or []},
        "outcomes": row.outcomes or [],
    }
