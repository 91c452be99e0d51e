"""Leaving details for the NHS team, as a guide. Its questions and checks are in bot/intake/;
this only joins them up and stores the record when the person confirms."""

from __future__ import annotations

import logging
from dataclasses import asdict

from bot.corrections import Mode
from bot.areas import DEFAULT_AREA_ID, all_areas, get_area
from bot.guides.guide import Guide
from bot.guides.turn import AREA_SLOT, Turn
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


def _area(answers: dict, turn: Turn):
    if answers.get("area"):
        return get_area(answers["area"])
    return turn.area or all_areas()[DEFAULT_AREA_ID]


def _area_known(turn: Turn) -> bool:
    area = turn.area
    return area is not None and not area.is_default


def _parts(turn: Turn) -> Parts:
    """What the other guides found in this conversation, sent with the details unless left out."""
    return Parts(
        turn.slot("eligibility_answers"),
        turn.slot("eligibility_result"),
        list(turn.slot("eligibility_reasons") or []),
        turn.slot("money_preferred"),
        list(turn.slot("money_suggested") or []),
        list(turn.slot("outcomes") or []),
    )


def _result(answers: dict, turn: Turn) -> tuple:
    area = _area(answers, turn)
    ending = questions.ending(answers, area.is_default)
    if ending == "no_team":
        return no_team(area), {ANSWERS: {}}
    if ending == "declined":
        return declined(area, turn.now), {ANSWERS: {}}
    # Only what the person saw at "check your answers": the parts they left out are not sent.
    parts = _parts(turn).without(answers.get(questions.LEFT_OUT))
    record = build_record(
        answers,
        area=area.id,
        conversation_id=turn.sender_id,
        channel=turn.channel,
        now=turn.now,
        **asdict(parts),
    )
    try:
        submitted = IntakeStore().submit(record)
    except StoreUnavailable as err:
        # Only the kind of failure is logged, never the record.
        logger.warning("intake record not saved (%s)", err)
        # Keep the answers, without the confirmation, so "Try again" goes back to the review.
        return not_saved(area, turn.now), {ANSWERS: {k: v for k, v in answers.items() if k != "review"}}
    # Sent: the personal details leave the conversation's slots.
    return sent(area, submitted.reference, turn.now), {ANSWERS: {}, STATUS: SENT, REFERENCE: submitted.reference}


def _finished(turn: Turn):
    if turn.slot(STATUS) == SENT:
        return already_sent(_area({}, turn), turn.slot(REFERENCE), turn.now)
    return None


def _corrections(question: str, answers: dict) -> Mode | None:
    """The review reads "that's wrong, my postcode is…" itself (which answer to change). A question
    with a strict check, or with options and no words of the person's own, takes all the correcting
    words; the others (a name, a relationship, anything else to say) are the person's own words."""
    if question == "review":
        return None
    spec = questions.spec(question)
    if questions.is_strict(question, answers) or ("options" in spec and "max_chars" not in spec):
        return Mode.CHOICE
    return Mode.OWN_WORDS


INTAKE = Guide(
    id="intake",
    answers_slot=ANSWERS,
    result_slots=(STATUS,),
    next_question=lambda answers, turn: questions.next_question(answers, _area_known(turn)),
    ask=lambda question, answers, turn: ask(question, answers, _area(answers, turn), _area_known(turn), _parts(turn)),
    understand=lambda question, text, answers, turn, is_question: questions.understand(
        question, text, answers, _area_known(turn), is_question, turn.now.date()
    ),
    not_understood=not_understood,
    say=say,
    result=_result,
    answer_slots=lambda question, value: {AREA_SLOT: value} if question == "area" else {},
    store=lambda answers, question, value, turn: questions.store(answers, question, value, turn.now),
    finished=_finished,
    # Answers that look like small talk: "Morning", "Why do you ask?", "skip", a name like "Grace Hope".
    answers_despite=frozenset({"greet", "goodbye", "thank", "what_can_you_do", "bot_challenge", "medical_question"}),
    strict=questions.is_strict,
    owns_turn=True,
    corrections=_corrections,
    carry=lambda question, answers, turn: questions.carry_who_for(
        question, answers, (turn.slot("eligibility_answers") or {}).get("who_for")
    ),
)
