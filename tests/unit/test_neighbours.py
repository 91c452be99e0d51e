"""The second opinion (bot/neighbours.py): labels by their nearest training examples, without Rasa."""

import pytest

from bot.neighbours import Example, ExampleIndex


def _ex(text, label):
    return Example(words=text.lower(), text=text.lower(), label=label)


INDEX = ExampleIndex(
    [
        _ex("can I pay my daughter to look after me", "faq/pay_family"),
        _ex("can a family member be paid from the budget", "faq/pay_family"),
        _ex("will it affect my universal credit", "faq/benefits"),
        _ex("does a personal health budget change my benefits", "faq/benefits"),
        _ex("is it means tested", "faq/means_tested"),
        _ex("do they look at my savings", "faq/means_tested"),
        _ex("yes", "affirm"),
    ]
)


def test_the_label_sharing_the_words_comes_first():
    ranked = INDEX.rank("would my benefits be affected", "would my benefits be affected")
    assert ranked[0][0] == "faq/benefits"
    assert ranked[0][1] > ranked[1][1] > 0


def test_letter_groups_carry_a_typo():
    ranked = INDEX.rank("is it meanstested", "is it meanstested")
    assert ranked[0][0] == "faq/means_tested"


def test_scores_are_similarities_and_at_most_top_labels():
    ranked = INDEX.rank("can i pay my son", "can i pay my son", top=2)
    assert len(ranked) == 2 and all(0 <= s <= 1 for _, s in ranked)
    assert ranked[0][0] == "faq/pay_family"


def test_a_label_scores_as_its_nearest_two_examples_not_one_stray_match():
    # One pay_family example matches word for word; the other not at all: the mean of the two.
    exact = INDEX.rank("can i pay my daughter to look after me", "can i pay my daughter to look after me")
    assert exact[0][0] == "faq/pay_family" and exact[0][1] < 1.0


def test_words_nobody_trained_on_give_no_opinion():
    # Not every label at 0 in alphabetical order: nothing, so nothing is offered or overruled.
    assert INDEX.rank("zzzz qqqq", "zzzz qqqq") == []


def test_an_empty_index_is_refused():
    with pytest.raises(ValueError):
        ExampleIndex([])
