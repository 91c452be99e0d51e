"""What every guided set of questions has in common.

All guides run in one Rasa form, `guide_form`, which asks every question through one slot, and the
`guide` slot says which guide is running. So the rules for stopping, going back, crisis and
digressions are written once (data/rules/guides.yml), and a new guide needs no new rules. Each
guide's questions and wording are in bot/ and content/; its `Guide` joins them up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from bot.answers import Reading
from bot.corrections import Mode
from bot.guides.turn import Turn
from bot.replies import Reply

# What the person asks the guide itself to do; the rules do it (data/rules/guides.yml).
COMMANDS = frozenset({"stop", "start_again", "go_back"})

FORM = "guide_form"
GUIDE = "guide"
ANSWER = "guide_answer"
TRIES = "guide_failed_tries"


@dataclass(frozen=True)
class Guide:
    id: str
    answers_slot: str
    # Slots the guide's result sets; cleared when an answer changes or it starts afresh.
    result_slots: tuple[str, ...]
    next_question: Callable[[dict, Turn], "str | None"]
    ask: Callable[[str, dict, Turn], list[Reply]]
    # (question, text, answers, turn, nlu_says_question) -> an answer, a question or unclear
    understand: Callable[[str, str, dict, Turn, bool], Reading]
    # (failed tries, why, answers) -> what to say before the question is asked again
    not_understood: Callable[[int, Reading, dict], Reply]
    say: Callable[[str], Reply]
    # -> (replies, {slot: value}) once every question is answered
    result: Callable[[dict, Turn], tuple]
    # Other slots an answer sets (the eligibility check's area question sets `area`).
    answer_slots: Callable[[str, "str | None"], dict[str, Any]] = field(default=lambda question, value: {})
    # Starting a finished guide again: None starts afresh (a new check); else the answers to
    # carry on from (the outcomes coach goes back to the list, so nothing is lost).
    reopen: "Callable[[dict], dict] | None" = None
    # How an answer is kept: by default added to the answers; a guide may do more
    # (the intake notes when consent was given, and "change" at its review removes an answer).
    store: Callable[[dict, str, str, Turn], dict] = field(
        default=lambda answers, question, value, turn: {**answers, question: value}
    )
    # Asked to start once it is finished for good (the intake was sent): what to say instead, or None.
    finished: "Callable[[Turn], list[Reply] | None] | None" = None
    # Small-talk intents that this guide still takes as an answer when the text answers the
    # question: "Morning" (greet) for the best time to call, "Why do you ask?" (what_can_you_do).
    answers_despite: frozenset = frozenset()
    # Questions whose answers are checked so strictly (a date, an NHS number, an email
    # address) that one that passes is taken whatever the NLU made of it, crisis aside:
    # an email address the NLU reads as "stop" is still the email address.
    strict: Callable[[str, dict], bool] = field(default=lambda question, answers: False)
    # The person's own words are the answers (outcome drafts, details for the team): whatever the
    # NLU made of a message, it is tried as an answer first. Only a crisis, stop, start again, go
    # back or a message that reads as a question interrupts (engine.py).
    owns_turn: bool = False
    # Answers known from earlier in the conversation, added after each answer (the intake takes
    # who the eligibility check was for, once the person has agreed to give details).
    carry: Callable[[str, dict, Turn], dict] = field(default=lambda question, answers, turn: answers)
    # How each question takes a message that takes back the last answer ("oops", "sorry, I meant
    # for me"; bot/corrections.py): Mode.CHOICE where answers are chosen, Mode.OWN_WORDS where any
    # words may be the answer, None where the question reads changes itself (the intake's review).
    corrections: Callable[[str, dict], "Mode | None"] = field(default=lambda question, answers: Mode.CHOICE)
    # Answers an opening message gives plainly ("my mum gets CHC, could she have one?"), so they
    # are not asked again (bot/openings.py).
    from_opening: Callable[[str], dict] = field(default=lambda text: {})

    def answers(self, turn: Turn) -> dict:
        return dict(turn.slot(self.answers_slot) or {})
