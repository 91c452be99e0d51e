"""Leaving details for the NHS team, as a guide run by actions/guide_form.py.

Its questions and checks are in bot/intake/; this module only reads slots,
calls them, and stores the record when the person confirms.
"""

from __future__ import annotations

import logging
from dataclasses import asdict

from rasa_sdk import Tracker

from actions.common import AREA_SLOT, stored_area, utc_now
from actions.guide_base import Guide
from bot.areas import DEFAULT_AREA_ID, all_areas, get_area
from bot.intake import questions
from bot.intake.readable import Parts
from bot.intake.record import build_record
from bot.intake.replies import already_sent, ask, declined, no_team, not_saved, not_understood, say, sent
from bot.intake.store import IntakeStore, StoreUnavailable

logger = logging.getLogger(__name__)

ANSWERS = "intake_answers"
STATUS = "intake_status"
REFERENCE = "intake_reference"
SENT = "sent"


def _area(answers: dict, tracker: Tracker):
    if answers.get("area"):
        return get_area(answers["area"])
    return stored_area(tracker) or all_areas()[DEFAULT_AREA_ID]


def _area_known(tracker: Tracker) -> bool:
    area = stored_area(tracker)
    return area is not None and not area.is_default


def _parts(tracker: Tracker) -> Parts:
    """What the other guides found in this conversation, sent with the details unless left out."""
    return Parts(
        tracker.get_slot("eligibility_answers"),
        tracker.get_slot("eligibility_result"),
        list(tracker.get_slot("eligibility_reasons") or []),
        tracker.get_slot("money_preferred"),
        list(tracker.get_slot("money_suggested") or []),
        list(tracker.get_slot("outcomes") or []),
    )


def _result(answers: dict, tracker: Tracker) -> tuple:
    now = utc_now()
    area = _area(answers, tracker)
    ending = questions.ending(answers, area.is_default)
    if ending == "no_team":
        return no_team(area), {ANSWERS: {}}
    if ending == "declined":
        return declined(area, now), {ANSWERS: {}}
    # Only what the person saw at "check your answers": the parts they left out are not sent.
    parts = _parts(tracker).without(answers.get(questions.LEFT_OUT))
    record = build_record(
        answers,
        area=area.id,
        conversation_id=tracker.sender_id,
        channel=tracker.get_latest_input_channel(),
        now=now,
        **asdict(parts),
    )
    try:
        submitted = IntakeStore().submit(record)
    except StoreUnavailable as err:
        # Only the kind of failure is logged, never the record.
        logger.warning("intake record not saved (%s)", err)
        # Keep the answers, without the confirmation, so "Try again" goes back to the review.
        return not_saved(area, now), {ANSWERS: {k: v for k, v in answers.items() if k != "review"}}
    # Sent: the personal details leave the conversation's slots.
    return sent(area, submitted.reference, now), {ANSWERS: {}, STATUS: SENT, REFERENCE: submitted.reference}


def _finished(tracker: Tracker):
    if tracker.get_slot(STATUS) == SENT:
        return already_sent(_area({}, tracker), tracker.get_slot(REFERENCE), utc_now())
    return None


INTAKE = Guide(
    id="intake",
    answers_slot=ANSWERS,
    result_slots=(STATUS,),
    next_question=lambda answers, tracker: questions.next_question(answers, _area_known(tracker)),
    ask=lambda question, answers, tracker: ask(
        question, answers, _area(answers, tracker), _area_known(tracker), _parts(tracker)
    ),
    understand=lambda question, text, answers, tracker, is_question: questions.understand(
        question, text, answers, _area_known(tracker), is_question, utc_now().date()
    ),
    not_understood=not_understood,
    say=say,
    result=_result,
    answer_slots=lambda question, value: {AREA_SLOT: value} if question == "area" else {},
    store=lambda answers, question, value: questions.store(answers, question, value, utc_now()),
    finished=_finished,
    # Answers that look like small talk: "Morning", "Why do you ask?", "skip", a name like "Grace Hope".
    answers_despite=frozenset({"greet", "goodbye", "thank", "what_can_you_do", "bot_challenge", "medical_question"}),
    strict=questions.is_strict,
    owns_turn=True,
    carry=lambda question, answers, tracker: questions.carry_who_for(
        question, answers, (tracker.get_slot("eligibility_answers") or {}).get("who_for")
    ),
)
