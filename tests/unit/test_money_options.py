"""The ways-to-manage-the-money check: questions, answers, and what it suggests."""

import pytest

from bot.answers import DONT_KNOW, Reading
from bot.money_options import (
    WAYS,
    WHEELCHAIR_WAYS,
    chosen,
    content,
    next_question,
    options,
    parse_answer,
    progress,
    questions,
    show_wheelchair_first,
    suggest,
    understand,
)
from bot.money_options_replies import (
    ask,
    comparison,
    direct_payment_guide,
    not_understood,
    result_replies,
    suggestion_replies,
    wheelchair_options,
)

CARE = {"budget_for": "care"}
WHEELCHAIR = {"budget_for": "wheelchair"}


def text_of(replies):
    return "\n".join(r.text for r in replies)


# ------------------------------------------------------------------ the questions


def test_questions_for_care_ask_about_records_only_when_a_direct_payment_may_suit():
    assert questions({}) == ["budget_for", "arrange_self", "employ_pa", "nhs_arrange", "trusted_holder", "preferred"]
    nhs_only = {**CARE, "arrange_self": "no", "employ_pa": "no", "nhs_arrange": "yes", "trusted_holder": "nobody"}
    assert "records" not in questions(nhs_only)
    assert "records" in questions({**CARE, "arrange_self": "no", "employ_pa": DONT_KNOW})
    assert "records" in questions({**CARE, "arrange_self": "no", "employ_pa": "no", "trusted_holder": "person"})


def test_someone_who_wants_to_arrange_care_is_not_asked_if_the_nhs_should():
    assert "nhs_arrange" not in questions({**CARE, "arrange_self": "yes"})
    assert "nhs_arrange" in questions({**CARE, "arrange_self": DONT_KNOW})


def test_wheelchair_questions_replace_the_care_questions():
    assert questions(WHEELCHAIR) == ["budget_for", "wc_nhs_range", "wc_top_up", "wc_own_repairs", "wc_preferred"]
    assert "wc_top_up" not in questions({**WHEELCHAIR, "wc_nhs_range": "yes"})


def test_not_sure_what_the_budget_is_for_gets_the_care_questions():
    assert next_question({"budget_for": DONT_KNOW}) == "arrange_self"


def test_about_four_questions_before_the_choice():
    """The issue asks for a short check: at most five questions before the choice, on any path."""
    for answers in all_complete_answers():
        assert len(questions(answers)) - 1 <= 6  # budget_for + at most five, then the choice
        assert len([q for q in questions(answers) if q not in ("budget_for", "preferred", "wc_preferred")]) <= 5


def test_progress_counts_the_current_path():
    assert progress({}) == (1, 6)
    assert progress({**CARE, "arrange_self": "yes"}) == (3, 6)  # nhs_arrange dropped, records added
    assert progress(WHEELCHAIR) == (2, 5)
    assert ask(next_question(WHEELCHAIR), WHEELCHAIR)[-1].progress == (2, 5)  # for the widget's bar


@pytest.mark.parametrize(
    "question, text, expected",
    [
        ("budget_for", "A wheelchair or buggy", "wheelchair"),
        ("budget_for", "it's for a new wheelchair", "wheelchair"),
        ("budget_for", "help at home", "care"),
        ("budget_for", "not sure", DONT_KNOW),
        ("arrange_self", "Yes", "yes"),
        ("arrange_self", "yes please", "yes"),
        ("arrange_self", "I'd rather not", "no"),
        ("arrange_self", "no, too much for me", "no"),
        ("arrange_self", "maybe", DONT_KNOW),
        ("employ_pa", "I already have one", "yes"),
        ("employ_pa", "no thanks", "no"),
        ("nhs_arrange", "yes let them do it", "yes"),
        ("nhs_arrange", "no i want to choose", "no"),
        ("trusted_holder", "An organisation", "organisation"),
        ("trusted_holder", "a local charity", "organisation"),
        ("trusted_holder", "my daughter could", "person"),
        ("trusted_holder", "A person I know", "person"),
        ("trusted_holder", "no one", "nobody"),
        ("trusted_holder", "No", "nobody"),
        ("records", "I'm fine with that", "fine"),
        ("records", "no problem", "fine"),
        ("records", "I'd rather not", "rather_not"),
        ("records", "i'm not good at paperwork", "rather_not"),
        ("records", "it depends", DONT_KNOW),
        ("wc_nhs_range", "yes that would do", "yes"),
        ("wc_top_up", "a charity could pay extra", "yes"),
        ("wc_top_up", "we can't afford it", "no"),
        ("wc_own_repairs", "I'd like to own it", "yes"),
        ("preferred", "Direct payment", "direct_payment"),
        ("preferred", "a mix of both", "mix"),
        ("preferred", "third party please", "third_party"),
        ("preferred", "Not decided yet", "undecided"),
        ("preferred", "not sure", "undecided"),
        ("preferred", "the nhs can arrange it", "notional"),
        ("wc_preferred", "NHS chair with a top-up", "wc_top_up"),
        ("wc_preferred", "NHS chair", "wc_notional"),
        ("wc_preferred", "not sure yet", "undecided"),
        ("arrange_self", "banana", None),
        ("trusted_holder", "", None),
    ],
)
def test_parse_answer(question, text, expected):
    assert parse_answer(question, text) == expected


@pytest.mark.parametrize("question", list(content()["questions"]))
def test_every_button_is_understood(question):
    for option in options(question):
        assert parse_answer(question, option["label"]) == option["value"], option["label"]
    assert parse_answer(question, content()["dont_know_label"]) in (DONT_KNOW, "undecided")


def test_understand_answers_a_question_and_re_asks_a_story():
    assert understand("arrange_self", "what is a direct payment?", True) == Reading.question()
    assert understand("arrange_self", "yes", True) == Reading.answer("yes")
    assert understand("arrange_self", "yes " + "and a long story " * 30, False) == Reading.unclear()


# ------------------------------------------------------------------ the suggestion


def care(**answers):
    return {**CARE, **answers}


@pytest.mark.parametrize(
    "answers, ways, reasons",
    [
        (
            care(arrange_self="no", employ_pa="no", nhs_arrange="yes", trusted_holder="nobody"),
            ("notional",),
            {"nhs_arrange", "not_arrange_self"},
        ),
        (
            care(arrange_self="no", employ_pa="no", nhs_arrange="no", trusted_holder="organisation"),
            ("notional", "third_party"),
            {"not_arrange_self", "organisation"},
        ),
        (
            care(arrange_self="no", employ_pa="yes", nhs_arrange="no", trusted_holder="nobody", records="rather_not"),
            ("third_party",),
            {"pa_without_paperwork"},
        ),
        (
            care(arrange_self="yes", employ_pa="yes", trusted_holder="nobody", records="fine"),
            ("direct_payment",),
            {"arrange_self", "employ_pa", "records_fine"},
        ),
        (
            care(arrange_self="yes", employ_pa="no", trusted_holder="nobody", records="rather_not"),
            ("third_party",),
            {"records_rather_not"},
        ),
        (
            care(arrange_self="no", employ_pa="no", nhs_arrange="no", trusted_holder="person", records="fine"),
            ("notional", "direct_payment"),
            {"not_arrange_self", "person", "records_fine"},
        ),
        (
            care(
                arrange_self=DONT_KNOW,
                employ_pa=DONT_KNOW,
                nhs_arrange=DONT_KNOW,
                trusted_holder=DONT_KNOW,
                records=DONT_KNOW,
            ),
            (),
            set(),
        ),
        (
            care(arrange_self="yes", employ_pa=DONT_KNOW, trusted_holder="organisation", records="fine"),
            ("third_party", "direct_payment"),
            {"organisation", "arrange_self", "records_fine"},
        ),
        ({**WHEELCHAIR, "wc_nhs_range": "yes", "wc_own_repairs": "no"}, ("wc_notional",), {"wc_nhs_range"}),
        (
            {**WHEELCHAIR, "wc_nhs_range": "no", "wc_top_up": "yes", "wc_own_repairs": "yes"},
            ("wc_top_up", "wc_third_party"),
            {"wc_top_up", "wc_own_repairs"},
        ),
        ({**WHEELCHAIR, "wc_nhs_range": DONT_KNOW, "wc_top_up": DONT_KNOW, "wc_own_repairs": DONT_KNOW}, (), set()),
    ],
)
def test_suggestions(answers, ways, reasons):
    s = suggest(answers)
    assert s.ways == ways
    assert {code for _, code in s.reasons} == reasons


def all_complete_answers():
    """Every path through the check, with every possible answer to each question on it."""
    values = {q: [o["value"] for o in options(q)] + [DONT_KNOW] for q in content()["questions"]}
    finished = []
    frontier = [{}]
    while frontier:
        answers = frontier.pop()
        question = next_question(answers)
        if question in (None, "preferred", "wc_preferred"):
            finished.append(answers)
            continue
        frontier += [{**answers, question: v} for v in values[question]]
    return finished


ALL = all_complete_answers()


def test_every_path_is_covered():
    assert len(ALL) > 300  # care and wheelchair paths, every answer to every question on them
    assert {a["budget_for"] for a in ALL} == {"care", "wheelchair", DONT_KNOW}


@pytest.mark.parametrize("answers", ALL, ids=lambda a: "-".join(str(v) for v in a.values()))
def test_every_combination_of_answers(answers):
    s = suggest(answers)
    wheelchair = answers["budget_for"] == "wheelchair"
    assert s.wheelchair is wheelchair
    assert set(s.ways) <= set(WHEELCHAIR_WAYS if wheelchair else WAYS)
    # Every way suggested has a reason, and every reason is for a way suggested.
    assert set(s.ways) == {way for way, _ in s.reasons}
    assert s.mix is (not wheelchair and len(s.ways) > 1)
    a = answers.get
    if not wheelchair:
        if a("nhs_arrange") == "yes":
            assert "notional" in s.ways
        if a("trusted_holder") == "organisation":
            assert "third_party" in s.ways
        if a("trusted_holder") == "person":
            assert "direct_payment" in s.ways  # a nominee or representative gets it for them
        if a("arrange_self") == "yes" and a("records") != "rather_not":
            assert "direct_payment" in s.ways
        if a("records") == "rather_not" and a("trusted_holder") != "person":
            assert "direct_payment" not in s.ways
        if a("arrange_self") == "yes" and a("records") == "rather_not":
            assert "third_party" in s.ways  # the organisation keeps the records
        if a("arrange_self") == "no" and a("employ_pa") != "yes":
            assert "notional" in s.ways
        if all(v == DONT_KNOW for k, v in answers.items() if k != "budget_for"):
            assert s.ways == ()
    else:
        for way, question in zip(WHEELCHAIR_WAYS, ("wc_nhs_range", "wc_top_up", "wc_own_repairs")):
            assert (way in s.ways) is (a(question) == "yes")
    # What is said always ends by saying the NHS team agrees the choice, and it can change.
    said = text_of(suggestion_replies(answers) + result_replies({**answers, "preferred": "undecided"}))
    assert "NHS team" in said and "change it later" in said
    assert "not eligible" not in said.lower()


# ------------------------------------------------------------------ what is said


def test_comparison_covers_each_way_side_by_side_and_mixing():
    replies = comparison()
    text = text_of(replies)
    for way in WAYS:
        assert content()["ways"][way]["name"] in text
    cards = [r.text for r in replies if r.text.startswith(tuple(w["name"] for w in content()["ways"].values()))]
    assert len(cards) == 3
    for card in cards:  # each way answers the same five things
        assert all(f"- {label}: " in card for label in content()["way_labels"].values())
    assert "mix" in text.lower()
    assert [b["title"] for b in replies[-1].buttons] == content()["compare_buttons"]
    assert comparison(with_next=False)[-1].buttons == ()  # in the middle of a guide, its question comes next


def test_wheelchair_options_say_who_owns_and_repairs_the_chair():
    text = text_of(wheelchair_options())
    for name in ("NHS chair", "NHS chair with a top-up", "Third party"):
        assert name in text
    assert text.count("Who owns the chair") == 3 and text.count("Who repairs it") == 3


def test_direct_payment_guide_has_the_checklist_and_the_rules():
    text = text_of(direct_payment_guide())
    for must in (
        "bank account used only for this",
        "records",
        "payroll",
        "pension",
        "employer's liability insurance",
        "ill or on holiday",
        "representative",
        "nominee",
        "money back",
        "stop",
    ):
        assert must in text, must


def test_the_choice_comes_after_the_suggestion():
    answers = care(arrange_self="yes", employ_pa="yes", trusted_holder="nobody", records="fine")
    replies = ask("preferred", answers)
    assert "Direct payment" in replies[0].text and "personal assistant" in replies[0].text
    assert replies[-1].text.startswith("Question 6 of 6.")
    assert [b["title"] for b in replies[-1].buttons] == [o["label"] for o in options("preferred")]


def test_questions_offer_not_sure():
    reply = ask("arrange_self", CARE)[0]
    assert reply.text.startswith("Question 2 of 6.")
    assert reply.buttons[-1]["title"] == "Not sure"


def test_nothing_standing_out_is_said_kindly():
    answers = care(
        arrange_self=DONT_KNOW, employ_pa=DONT_KNOW, nhs_arrange=DONT_KNOW, trusted_holder=DONT_KNOW, records=DONT_KNOW
    )
    assert "don't point to one way yet" in text_of(suggestion_replies(answers))


@pytest.mark.parametrize(
    "preferred, said",
    [("direct_payment", "your choice: Direct payment"), ("mix", "a mix of ways"), ("undecided", "haven't decided")],
)
def test_result_notes_the_choice(preferred, said):
    answers = care(arrange_self="yes", employ_pa="yes", trusted_holder="nobody", records="fine", preferred=preferred)
    assert chosen(answers) == preferred
    assert said in text_of(result_replies(answers))


def test_re_ask_gives_more_help_after_two_tries():
    assert "Not sure" in not_understood(1).text or "not sure" in not_understood(1).text
    assert "stop" in not_understood(2).text


@pytest.mark.parametrize(
    "reasons, shown, first",
    [
        (["wheelchair"], False, True),
        (["wheelchair"], True, False),
        (["chc", "wheelchair"], False, False),
        ([], False, False),
        (["local:ltc_high_use"], False, False),
    ],
)
def test_wheelchair_options_come_first_only_for_a_wheelchair_need(reasons, shown, first):
    assert show_wheelchair_first(reasons, shown) is first
