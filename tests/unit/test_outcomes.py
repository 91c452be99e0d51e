"""The outcomes coach's conversation: steps, answers, changes, limits and bad input."""

import pytest

from bot.answers import DONT_KNOW, Reading
from bot.outcomes import content, finished_outcomes, next_question, replay, understand
from bot.outcomes_replies import ask, feedback, not_understood, result_replies

PLANNED = {"1:matters": "my family", "2:working": "I can get about but I'm lonely", "3:different": "see people more"}
CLEAR = "By June I will swim once a week so that my back hurts less."


def play(*texts, answers=None):
    """Answer each step in turn, as the form would; returns the answers log."""
    answers = dict(answers or {})
    for text in texts:
        step = next_question(answers)
        reading = understand(step, text, answers, False)
        assert reading.is_answer, (step, text, reading)
        answers[step] = reading.value
    return answers


def text_of(replies):
    return "\n".join(r.text for r in replies)


def test_the_planning_steps_come_first_then_one_outcome_at_a_time():
    answers = {}
    for kind in ("matters", "working", "different", "draft"):
        assert next_question(answers).endswith(":" + kind)
        answers = play("something that matters", answers=answers) if kind != "draft" else answers
    assert "don't include other people's names" in text_of(ask(next_question(answers), answers))


def test_planning_questions_can_be_skipped():
    assert [b["title"] for b in ask("1:matters", {})[0].buttons] == ["Not sure"]
    answers = play("Not sure", "no idea", "I don't know")
    assert replay(answers).planning == {"matters": "", "working": "", "different": ""}
    assert answers["1:matters"] == DONT_KNOW


def test_a_full_session_with_three_outcomes():
    answers = play(
        "I want to go swimming",
        "Keep my words",
        "Add another",
        "I'll walk to the shop every day, cook my tea and see my friends so that I stay independent",
        "Use the suggestion",
        "Add another",
        "4 hours of care a week",
        "Change it",
        "By March I will go to the lunch club every Tuesday so that I see people",
        "Keep it",
        "Finish",
        answers=PLANNED,
    )
    assert next_question(answers) is None
    assert finished_outcomes(answers) == [
        "I want to go swimming",  # their words win
        "I will walk to the shop, cook my tea and see my friends every day so that I stay independent.",
        "By March I will go to the lunch club every Tuesday so that I see people",
    ]
    summary = text_of(result_replies(answers))
    assert "1. I want to go swimming" in summary and "3. By March" in summary
    assert "agree your outcomes with your NHS team" in summary


def test_change_and_remove_by_number():
    answers = play(
        CLEAR,
        "Keep it",
        "Add another",
        "I want to see my friends every week so I feel less alone",
        "Keep it",
        "Change one",
        "the first one",
        "By July I will swim twice a week so that I keep fit",
        "Keep it",
        "Remove one",
        "2",
        answers=PLANNED,
    )
    assert replay(answers).outcomes == ["By July I will swim twice a week so that I keep fit"]


def test_going_back_forgets_only_the_last_step():
    answers = play(CLEAR, "Keep it", answers=PLANNED)
    answers.popitem()  # "go back" from the list: the draft is reviewed again
    assert next_question(answers).endswith(":review")
    assert replay(answers).outcomes == []


def test_no_more_than_ten_outcomes():
    answers = dict(PLANNED)
    for i in range(10):
        answers = play(
            f"By June I will swim {i + 1} times a week so that I keep fit",
            "Keep it",
            *(["Add another"] if i < 9 else []),
            answers=answers,
        )
    labels = [b["title"] for b in ask(next_question(answers), answers)[-1].buttons]
    assert "Add another" not in labels and "Finish" in labels
    assert "10 outcomes" in text_of(ask(next_question(answers), answers))


def test_a_handful_is_suggested_until_there_are_three():
    # The source (shared/domain/phb-facts.md, "Writing good outcomes"): roughly 3 to 10.
    answers = play(CLEAR, "Keep it", answers=PLANNED)
    assert "between 3 and 10" in text_of(ask(next_question(answers), answers))


def test_a_suggestion_with_gaps_is_not_offered_as_it_is():
    answers = play("I want to go swimming", answers=PLANNED)
    replies = ask(next_question(answers), answers)
    assert [b["title"] for b in replies[-1].buttons] == ["Change it", "Keep my words"]
    assert "[when]" in text_of(replies) and "Fill in the parts" in text_of(replies)


def test_feedback_is_specific_and_kind():
    text = text_of(feedback("I'd like a PA three mornings a week so that I can go to the shops"))
    assert 'What would "PA" help you do?' in text or 'What would "a PA" help you do?' in text
    assert "It's your plan" in text
    assert "clear outcome" in text_of(feedback(CLEAR))


@pytest.mark.parametrize(
    "text, reason",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("swim", "one_word"),
        ("😀👍", "no_words"),
        ("x" * 501, "too_long"),
        ("Quiero caminar cada día con mi perro", "other_language"),
        ("Ich möchte jeden Tag schwimmen gehen", "other_language"),
        ("I don't know", "help"),
        ("12345", "no_words"),
    ],
)
def test_bad_input_gets_a_clear_reply_and_nothing_is_lost(text, reason):
    answers = play(CLEAR, "Keep it", "Add another", answers=PLANNED)
    step = next_question(answers)
    assert understand(step, text, answers, False) == Reading.unclear(reason)
    message = not_understood(1, reason, answers).text
    assert message and "{" not in message
    assert replay(answers).outcomes == [CLEAR]  # what was drafted is kept
    assert next_question(answers) == step  # and the same step is asked again


def test_exactly_500_characters_is_allowed():
    answers = dict(PLANNED)
    text = ("I will walk to the park every day so that I keep fit " * 20)[:500]
    assert understand(next_question(answers), text, answers, False).is_answer


def test_a_question_while_drafting_is_answered_first():
    answers = dict(PLANNED)
    assert understand(next_question(answers), "what is a care plan?", answers, True) == Reading.question()
    # A draft the NLU took for a question is still a draft.
    assert understand(next_question(answers), "I want to go swimming", answers, True).is_answer


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2", "2"),
        ("number 2", "2"),
        ("the second one", "2"),
        ("last", "2"),
        ("one 2", "2"),
        ("1 or 2", None),
        ("one", "1"),
        ("7", None),
        ("banana", None),
    ],
)
def test_picking_a_number(text, expected):
    answers = play(CLEAR, "Keep it", "Add another", CLEAR, "Keep it", "Remove one", answers=PLANNED)
    reading = understand(next_question(answers), text, answers, False)
    assert (reading.value if reading.is_answer else None) == expected


def test_summary_with_no_outcomes():
    answers = play(CLEAR, "Keep it", "Remove one", "1", "Finish", answers=PLANNED)
    assert "haven't written any outcomes" in text_of(result_replies(answers))
    assert finished_outcomes(answers) == []


def test_the_limits_are_in_the_content():
    assert content()["max_outcomes"] == 10 and content()["max_chars"] == 500


def test_a_late_button_press_is_not_taken_for_a_draft():
    answers = dict(PLANNED)
    assert understand(next_question(answers), "Change it", answers, False) == Reading.unclear("button")
    assert "own words" in not_understood(1, "button", answers).text


def test_a_new_version_typed_instead_of_pressing_change_is_reviewed():
    answers = play(
        "I want to go swimming", "By June I will swim once a week so that my back hurts less", answers=PLANNED
    )
    assert list(answers.values())[-1].startswith("new:")
    assert next_question(answers).endswith(":review")
    assert "clear outcome" in text_of(ask(next_question(answers), answers))
    answers = play("Keep it", answers=answers)
    assert replay(answers).outcomes == ["By June I will swim once a week so that my back hurts less"]


def test_a_new_outcome_typed_instead_of_pressing_add_is_reviewed():
    answers = play(
        CLEAR, "Keep it", "I will see my friends every Saturday so that I feel less alone", "Keep it", answers=PLANNED
    )
    assert replay(answers).outcomes == [CLEAR, "I will see my friends every Saturday so that I feel less alone"]
