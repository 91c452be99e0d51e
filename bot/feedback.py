"""Asking how it went, once, when someone says goodbye: "Did I help you today?" then an optional comment.

The words are in content/feedback.yml. The comment is masked (bot/privacy.py)
before it leaves the conversation's slots for the insight table.
"""

from __future__ import annotations


from bot import wording
from bot.answers import MAX_ANSWER_CHARS, Reading, choose, is_question_not_answer, norm
from bot.privacy import mask
from bot.replies import Reply

DECLINED = "declined"
NO_COMMENT = "none"


def content() -> dict:
    return wording.content("feedback")


def next_question(answers: dict) -> str | None:
    if "helped" not in answers:
        return "helped"
    if answers["helped"] != DECLINED and "comment" not in answers:
        return "comment"
    return None


def _only(clean: str, *lists: list) -> bool:
    """The whole message is one of these phrases (give or take "thanks" and "please")."""
    core = norm(clean.replace(" please ", " ").replace(" thanks ", " ")).strip() or clean.strip()
    return any(clean.strip() == norm(w).strip() or core == norm(w).strip() for words in lists for w in words)


def _made_of(clean: str, *lists: list) -> bool:
    """The whole message is a run of these phrases and polite words, in any order, with at least one
    of these phrases: "no thanks, stop", "nope, nothing, bye". Polite words alone ("thanks") are not
    a "no", and any other word makes it something else (a comment, or a score)."""
    listed = {tuple(norm(w).split()) for words in lists for w in words} - {()}
    polite = {tuple(norm(w).split()) for w in content()["polite_words"]} - {()}
    words = clean.split()
    # Word positions a run can reach: True once the run has used a listed phrase.
    reached: dict[int, bool] = {0: False}
    for start in range(len(words)):
        if start not in reached:
            continue
        for phrases, listed_one in ((listed, True), (polite, False)):
            for phrase in phrases:
                if tuple(words[start : start + len(phrase)]) == phrase:
                    end = start + len(phrase)
                    reached[end] = reached.get(end, False) or reached[start] or listed_one
    return bool(words) and reached.get(len(words), False)


def is_command(text: str, intent: str | None) -> bool:
    """At the comment: the whole message is "go back" or "start again" (content/feedback.yml), which
    the NLU also read it as. "Stop" is "no comment" there, so the score given is kept."""
    return _only(norm(text), content()["commands"].get(intent or "", []))


def understand(question: str, text: str, nlu_says_question: bool) -> Reading:
    """An answer, a question to answer first, or unclear (asked again)."""
    clean = norm(text)
    c = content()
    if question == "helped":
        if _made_of(clean, [c["no_thanks_label"]], c["decline_words"]):
            return Reading.answer(DECLINED)
        value = choose(clean, options()) if len(text) <= MAX_ANSWER_CHARS else None
        if is_question_not_answer(value, text, nlu_says_question):
            return Reading.question()
        return Reading.answer(value) if value else Reading.unclear()
    # At the comment, "thanks, bye" alone says nothing to keep: polite words count as a "no" here.
    saying_no = ([c["no_thanks_label"]], c["decline_words"], c["no_comment_words"], c["polite_words"])
    if not clean.strip() or _made_of(clean, *saying_no):
        return Reading.answer(NO_COMMENT)
    if nlu_says_question and text.strip().endswith("?"):
        return Reading.question()
    return Reading.answer(mask(text))


def options() -> list[dict]:
    return content()["questions"]["helped"]["options"]


def ask(question: str) -> list[Reply]:
    spec = content()["questions"][question]
    buttons = wording.option_buttons(spec.get("options", []), content()["no_thanks_label"])
    return [Reply(text=wording.plain(spec["text"]), buttons=buttons)]


def say(key: str) -> Reply:
    return wording.say(content(), key)


def not_understood(tries: int) -> Reply:
    return say("not_understood")


def result(answers: dict) -> tuple[list[Reply], dict]:
    """What to say, and the slots for the insight table: a score code and a masked comment (or none)."""
    score = answers.get("helped")
    if score in (None, DECLINED):
        return [say("goodbye")], {"feedback_status": DECLINED}
    # The comment was masked when it was understood (the broker masks again before storing).
    comment = answers.get("comment")
    slots = {
        "feedback_status": "given",
        "feedback_score": score,
        "feedback_comment": comment if comment and comment != NO_COMMENT else None,
    }
    return [say("thanks_for_feedback"), say("goodbye")], slots
