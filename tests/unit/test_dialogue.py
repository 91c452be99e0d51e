import pytest

from bot.dialogue import misunderstandings_in_a_row, should_escalate, should_switch_guide


@pytest.mark.parametrize(
    "intents, count, escalate",
    [
        ([], 0, False),
        (["greet"], 0, False),
        (["nlu_fallback"], 1, False),
        (["greet", "nlu_fallback", "nlu_fallback"], 2, True),
        (["out_of_scope", "nlu_fallback"], 2, True),
        (["nlu_fallback", "faq", "nlu_fallback"], 1, False),
        (["nlu_fallback", "nlu_fallback", "faq"], 0, False),
        (["out_of_scope"] * 3, 3, False),  # just had the menu and contacts
        (["out_of_scope"] * 4, 4, True),
    ],
)
def test_misunderstanding_run(intents, count, escalate):
    assert misunderstandings_in_a_row(intents) == count
    assert should_escalate(intents) is escalate


def test_switching_guides_needs_a_sure_nlu():
    assert should_switch_guide(0.999)
    assert not should_switch_guide(0.68)  # "yes I think so" taken for the eligibility check
    assert not should_switch_guide(None)
