"""Every guide the form can run, and the questions people may ask in the middle of one."""

from __future__ import annotations

from rasa_sdk import Tracker

from actions.eligibility import ELIGIBILITY
from actions.feedback import FEEDBACK
from actions.intake import INTAKE
from actions.money_options import MONEY_OPTIONS
from actions.outcomes import OUTCOMES
from bot.money_options_replies import comparison, direct_payment_guide, wheelchair_options
from bot.answers import looks_like_question
from bot.replies import Reply, did_you_mean, topic_answer
from bot.understanding import FALLBACK, judge

GUIDES = {guide.id: guide for guide in (ELIGIBILITY, MONEY_OPTIONS, OUTCOMES, INTAKE, FEEDBACK)}

# Information a person may ask for in the middle of a guide. Their words may
# also be an answer ("a wheelchair"), so the guide tries them as one first.
INFORMATION = {
    "ask_money_options": lambda: comparison(with_next=False),
    "ask_wheelchair_budget": lambda: wheelchair_options(with_next=False),
    "ask_direct_payment_details": lambda: direct_payment_guide(with_next=False),
}


def question_replies(tracker: Tracker) -> list[Reply] | None:
    """The answer to the latest message if the NLU took it for a question we can answer, else None."""
    message = tracker.latest_message
    intent = (message.get("intent") or {}).get("name")
    if intent in INFORMATION:
        return INFORMATION[intent]()
    if intent == "choose_topic":  # a "did you mean" button pressed from earlier in the chat
        topic = next((e.get("value") for e in message.get("entities") or [] if e.get("entity") == "topic"), None)
        return topic_answer(topic)
    if intent == FALLBACK and looks_like_question(message.get("text") or ""):
        # A question whose answer the assistant is not sure of: the likeliest answers to choose
        # from, as outside a guide, never a confident wrong one (a button brings the answer here).
        offers = judge(message).offers
        return [did_you_mean(offers)] if offers else None
    if intent != "faq":
        return None
    selected = ((message.get("response_selector") or {}).get("faq") or {}).get("response") or {}
    response = selected.get("utter_action")
    return [Reply(response=response)] if response else None
