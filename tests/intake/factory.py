"""Answers and records as a finished conversation would make them."""

import datetime as dt
import secrets

from bot.intake.questions import CONSENT_RECORD
from bot.intake.record import build_record

NOW = dt.datetime(2026, 11, 25, 20, 15, tzinfo=dt.timezone.utc)


def answers(**overrides):
    base = {
        CONSENT_RECORD: {"at": "2026-11-25T20:10:00+00:00", "notice": "2026-11-25.1", "id": secrets.token_hex(16)},
        "consent": "agree",
        "filled_by": "family",
        "relationship": "daughter",
        "name": "Marker Zebedee Quill",
        "date_of_birth": "1950-03-12",
        "nhs_number": "9434765919",
        "postcode": "ME14 1XX",
        "contact_method": "phone",
        "contact_detail": "07700900123",
        "best_time": "morning",
        "communication_needs": "large_print",
        "anything_else": "Marker note xylophone",
        "review": "confirm",
    }
    return {**base, **overrides}


def record(area="kent-and-medway", now=NOW, conversation_id=None, **overrides):
    return build_record(
        answers(**overrides),
        area=area,
        conversation_id=conversation_id or secrets.token_hex(16),
        channel="rest",
        now=now,
        eligibility_answers={"who_for": "carer", "continuing_care": "eligible"},
        eligibility_result="right_to_have",
        eligibility_reasons=["chc"],
        money_preferred="direct_payment",
        money_suggested=["direct_payment", "third_party"],
        outcomes=["By June, I will walk to the shop."],
    )
