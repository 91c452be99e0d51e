import copy
import datetime as dt

import pytest
import yaml

from bot.areas import AREAS_DIR, get_area, parse_area
from bot.answers import Reading
from bot.eligibility import (
    DONT_KNOW,
    LOCAL_OFFER,
    NOT_IN_KNOWN_GROUPS,
    RIGHT_TO_HAVE,
    assess,
    next_question,
    parse_answer,
    progress,
    questions,
    understand,
)
from bot.eligibility_replies import ask, for_someone_else, not_understood, result_replies

KENT = get_area("kent-and-medway")
CORNWALL = get_area("cornwall-and-isles-of-scilly")
DEFAULT = get_area("default")
AREAS = [KENT, CORNWALL, DEFAULT]
ADULT = {"who_for": "self", "age_group": "adult"}
CHILD = {"who_for": "carer", "age_group": "child"}
NO_MHA = {"mha_detained": "no"}
NO_WHEELCHAIR = {"wheelchair_service": "no"}


def run(answers_in_order, area):
    """Answer questions in the order asked; return the answers and the questions asked."""
    answers, asked = {}, []
    for value in answers_in_order:
        q = next_question(answers, area)
        if q is None:
            break
        asked.append(q)
        answers[q] = value(q) if callable(value) else value
    return answers, asked


# --- which questions are asked -------------------------------------------------------------


def test_questions_for_an_adult_in_kent():
    assert questions(ADULT, KENT) == [
        "who_for",
        "age_group",
        "continuing_care",
        "mha_detained",
        "wheelchair_service",
        "local:joint_funded_home_care",
    ]


def test_cornwalls_earlier_cohort_is_told_as_history_never_asked_as_a_current_offer():
    assert not any(q.startswith("local:") for q in questions(ADULT, CORNWALL))
    assert "not an offer open now" in " ".join(g.label for g in CORNWALL.local_offer_groups)


def test_default_area_asks_no_local_questions():
    assert not any(q.startswith("local:") for q in questions(ADULT, DEFAULT))


def test_unknown_area_is_asked_first():
    assert questions({}, None)[0] == "area"
    assert next_question({}, None) == "area"
    assert "local:joint_funded_home_care" in questions({"area": "kent-and-medway"}, KENT)


@pytest.mark.parametrize(
    "answers, follow_up, present",
    [
        ({"mha_detained": "yes"}, "mha_section", True),
        ({"mha_detained": "no"}, "mha_section", False),
        ({"mha_detained": DONT_KNOW}, "cto", True),
        ({"mha_detained": "yes", "mha_section": DONT_KNOW}, "cto", True),
        ({"mha_detained": "yes", "mha_section": "s2"}, "cto", False),
        ({"wheelchair_service": "yes"}, "wheelchair_new", True),
        ({"wheelchair_service": DONT_KNOW}, "wheelchair_new", False),
    ],
)
def test_follow_up_questions(answers, follow_up, present):
    assert (follow_up in questions(dict(ADULT, **answers), KENT)) is present


def test_local_group_for_adults_only_is_not_asked_for_a_child():
    raw = yaml.safe_load((AREAS_DIR / "kent-and-medway.yml").read_text())
    raw["local_offer"]["groups"][-1]["applies_to"] = "adult"
    area = parse_area(raw, "test")
    assert "local:joint_funded_home_care" in questions(ADULT, area)
    assert "local:joint_funded_home_care" not in questions(CHILD, area)


def test_the_check_stops_as_soon_as_a_right_is_clear():
    answers = dict(ADULT, continuing_care="eligible")
    assert next_question(answers, KENT) is None


def test_progress_counts_the_current_path():
    assert progress({}, KENT) == (1, 6)
    assert progress(dict(ADULT), KENT) == (3, 6)
    assert progress(dict(ADULT, continuing_care="no", mha_detained="yes"), KENT) == (5, 7)


# --- results for every route -----------------------------------------------------------------

RESULTS = [
    # (answers, area, outcome, reasons, to_settle)
    (dict(ADULT, continuing_care="eligible"), KENT, RIGHT_TO_HAVE, ("chc",), ()),
    (dict(CHILD, continuing_care="eligible"), CORNWALL, RIGHT_TO_HAVE, ("ccc",), ()),
    (
        dict(ADULT, continuing_care="not_eligible", mha_detained="yes", mha_section="s3", s117_current="yes"),
        KENT,
        RIGHT_TO_HAVE,
        ("s117",),
        (),
    ),
    (
        dict(ADULT, continuing_care="not_eligible", mha_detained="yes", mha_section="s37", s117_current="yes"),
        DEFAULT,
        RIGHT_TO_HAVE,
        ("s117",),
        (),
    ),
    (
        dict(ADULT, continuing_care="not_eligible", mha_detained="yes", mha_section="s45a_47_48", s117_current="yes"),
        KENT,
        RIGHT_TO_HAVE,
        ("s117",),
        (),
    ),
    (
        dict(ADULT, continuing_care="not_eligible", mha_detained=DONT_KNOW, cto="yes", s117_current="yes"),
        KENT,
        RIGHT_TO_HAVE,
        ("s117_cto",),
        (),
    ),
    (
        dict(
            ADULT,
            continuing_care="not_eligible",
            mha_detained="yes",
            mha_section=DONT_KNOW,
            cto="yes",
            s117_current="yes",
        ),
        KENT,
        RIGHT_TO_HAVE,
        ("s117_cto",),
        (),
    ),
    (
        dict(CHILD, continuing_care="not_eligible", **NO_MHA, wheelchair_service="yes", wheelchair_new="yes"),
        KENT,
        RIGHT_TO_HAVE,
        ("wheelchair",),
        (),
    ),
    # Kent's local offer: care at home paid for by both the council and the NHS
    (
        dict(
            ADULT, continuing_care="not_eligible", **NO_MHA, **NO_WHEELCHAIR, **{"local:joint_funded_home_care": "yes"}
        ),
        KENT,
        LOCAL_OFFER,
        ("local:joint_funded_home_care",),
        (),
    ),
    # Section 3 in the past, after-care over: the right has ended, and it says so
    (
        dict(
            ADULT,
            continuing_care="not_eligible",
            mha_detained="yes",
            mha_section="s3",
            s117_current="no",
            **NO_WHEELCHAIR,
        ),
        DEFAULT,
        NOT_IN_KNOWN_GROUPS,
        ("s117_ended",),
        (),
    ),
    (
        dict(
            ADULT,
            continuing_care="not_eligible",
            mha_detained="yes",
            mha_section="s3",
            s117_current=DONT_KNOW,
            **NO_WHEELCHAIR,
        ),
        DEFAULT,
        NOT_IN_KNOWN_GROUPS,
        (),
        ("mha_dont_know",),
    ),
    # Section 2 alone does not lead to Section 117: said, and never "not eligible"
    (
        dict(ADULT, continuing_care="not_eligible", mha_detained="yes", mha_section="s2", **NO_WHEELCHAIR),
        DEFAULT,
        NOT_IN_KNOWN_GROUPS,
        ("s2_s4_only",),
        (),
    ),
    (
        dict(ADULT, continuing_care="not_eligible", mha_detained="yes", mha_section="s4_5_2", **NO_WHEELCHAIR),
        DEFAULT,
        NOT_IN_KNOWN_GROUPS,
        ("s2_s4_only",),
        (),
    ),
    # "Don't know" answers say what would settle them
    (
        dict(ADULT, continuing_care=DONT_KNOW, **NO_MHA, **NO_WHEELCHAIR),
        DEFAULT,
        NOT_IN_KNOWN_GROUPS,
        (),
        ("cc_dont_know",),
    ),
    (
        dict(CHILD, continuing_care=DONT_KNOW, **NO_MHA, **NO_WHEELCHAIR),
        DEFAULT,
        NOT_IN_KNOWN_GROUPS,
        (),
        ("cc_dont_know_child",),
    ),
    (
        dict(ADULT, continuing_care="being_assessed", **NO_MHA, **NO_WHEELCHAIR),
        DEFAULT,
        NOT_IN_KNOWN_GROUPS,
        (),
        ("cc_being_assessed",),
    ),
    (
        dict(ADULT, continuing_care="not_assessed", **NO_MHA, **NO_WHEELCHAIR),
        DEFAULT,
        NOT_IN_KNOWN_GROUPS,
        (),
        ("cc_not_assessed",),
    ),
    (
        dict(ADULT, continuing_care="not_eligible", mha_detained=DONT_KNOW, cto=DONT_KNOW, **NO_WHEELCHAIR),
        DEFAULT,
        NOT_IN_KNOWN_GROUPS,
        (),
        ("mha_dont_know",),
    ),
    (
        dict(ADULT, continuing_care="not_eligible", mha_detained=DONT_KNOW, cto="no", **NO_WHEELCHAIR),
        DEFAULT,
        NOT_IN_KNOWN_GROUPS,
        (),
        (),
    ),
    (
        dict(ADULT, continuing_care="not_eligible", **NO_MHA, wheelchair_service=DONT_KNOW),
        DEFAULT,
        NOT_IN_KNOWN_GROUPS,
        (),
        ("wheelchair_dont_know",),
    ),
    (
        dict(ADULT, continuing_care="not_eligible", **NO_MHA, wheelchair_service="yes", wheelchair_new=DONT_KNOW),
        DEFAULT,
        NOT_IN_KNOWN_GROUPS,
        (),
        ("wheelchair_dont_know",),
    ),
    (
        dict(
            ADULT,
            continuing_care="not_eligible",
            **NO_MHA,
            **NO_WHEELCHAIR,
            **{"local:joint_funded_home_care": DONT_KNOW},
        ),
        KENT,
        NOT_IN_KNOWN_GROUPS,
        (),
        ("local_dont_know",),
    ),
    # Everything "don't know": every route that could settle it is named
    (
        {
            "who_for": DONT_KNOW,
            "age_group": DONT_KNOW,
            "continuing_care": DONT_KNOW,
            "mha_detained": DONT_KNOW,
            "cto": DONT_KNOW,
            "wheelchair_service": DONT_KNOW,
            "local:joint_funded_home_care": DONT_KNOW,
        },
        KENT,
        NOT_IN_KNOWN_GROUPS,
        (),
        ("cc_dont_know", "mha_dont_know", "wheelchair_dont_know", "local_dont_know"),
    ),
    # Nothing applies
    (
        dict(
            ADULT, continuing_care="not_eligible", **NO_MHA, **NO_WHEELCHAIR, **{"local:joint_funded_home_care": "no"}
        ),
        KENT,
        NOT_IN_KNOWN_GROUPS,
        (),
        (),
    ),
    (dict(ADULT, continuing_care="not_eligible", **NO_MHA, **NO_WHEELCHAIR), CORNWALL, NOT_IN_KNOWN_GROUPS, (), ()),
]


@pytest.mark.parametrize("answers, area, outcome, reasons, settle", RESULTS)
def test_results(answers, area, outcome, reasons, settle):
    result = assess(answers, area)
    assert (result.outcome, result.reasons, result.to_settle) == (outcome, reasons, settle)


@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.id)
def test_every_combination_of_answers_gives_a_result_and_never_says_not_eligible(area):
    """Walk every path through the questions with every possible answer."""
    values = {
        "who_for": ["self", "carer", "professional", DONT_KNOW],
        "age_group": ["adult", "child", DONT_KNOW],
        "continuing_care": ["eligible", "being_assessed", "not_assessed", "not_eligible", DONT_KNOW],
        "mha_detained": ["yes", "no", DONT_KNOW],
        "mha_section": ["s3", "s37", "s45a_47_48", "s2", "s4_5_2", DONT_KNOW],
        "cto": ["yes", "no", DONT_KNOW],
        "wheelchair_service": ["yes", "no", DONT_KNOW],
        "wheelchair_new": ["yes", "no", DONT_KNOW],
    }
    now = dt.datetime(2026, 11, 25, 12, tzinfo=dt.timezone.utc)
    finished, stack = 0, [{}]
    while stack:
        answers = stack.pop()
        q = next_question(answers, area)
        if q is None:
            finished += 1
            result = assess(answers, area)
            assert result.outcome in (RIGHT_TO_HAVE, LOCAL_OFFER, NOT_IN_KNOWN_GROUPS)
            said = " ".join(r.text or "" for r in result_replies(answers, area, now)).lower()
            assert "not eligible" not in said and "can't have" not in said
            assert "only the nhs team can decide" in said
            continue
        options = values.get(q, ["yes", "no", DONT_KNOW])
        stack.extend(dict(answers, **{q: v}) for v in options)
    assert finished > 500


def test_adding_an_area_with_new_local_groups_needs_no_code():
    raw = yaml.safe_load((AREAS_DIR / "kent-and-medway.yml").read_text())
    raw = copy.deepcopy(raw)
    raw.update(id="example-icb", name="Example ICB")
    raw["local_offer"]["groups"] = [
        {
            "id": "learning_disability_autism",
            "label": "People with a learning disability or autism",
            "question": "Do {you} have a learning disability, or autism?",
        },
        {
            "id": "end_of_life",
            "label": "People near the end of life",
            "question": "Are {you} near the end of {your} life?",
            "applies_to": "adult",
        },
    ]
    area = parse_area(raw, "example-icb.yml")
    answers = dict(ADULT, continuing_care="not_eligible", **NO_MHA, **NO_WHEELCHAIR)
    assert next_question(answers, area) == "local:learning_disability_autism"
    answers["local:learning_disability_autism"] = "no"
    assert next_question(answers, area) == "local:end_of_life"
    answers["local:end_of_life"] = "yes"
    assert assess(answers, area).local_groups == ("end_of_life",)
    assert ask("local:end_of_life", dict(answers, who_for="carer"), area).text.endswith(
        "Are they near the end of their life?"
    )


# --- understanding answers ----------------------------------------------------------------------

PARSE = [
    ("who_for", "For me", "self"),
    ("who_for", "its for my mum", "carer"),
    ("who_for", "my husband", "carer"),
    ("who_for", "I'm a social worker", "professional"),
    ("who_for", "asking for a patient", "professional"),
    ("who_for", "banana", None),
    ("who_for", "", None),
    ("age_group", "Yes, 18 or over", "adult"),
    ("age_group", "she is 84", "adult"),
    ("age_group", "he's 12", "child"),
    ("age_group", "17", "child"),
    ("age_group", "18", "adult"),
    ("age_group", "under 18", "child"),
    ("age_group", "No, 17 or under", "child"),
    ("age_group", "a teenager", "child"),
    ("age_group", "not sure", DONT_KNOW),
    ("continuing_care", "Yes", "eligible"),
    ("continuing_care", "yes she gets it", "eligible"),
    ("continuing_care", "Being assessed now", "being_assessed"),
    ("continuing_care", "we're waiting", "being_assessed"),
    ("continuing_care", "Not been assessed", "not_assessed"),
    ("continuing_care", "never been assessed", "not_assessed"),
    ("continuing_care", "Told no", "not_eligible"),
    ("continuing_care", "no they turned her down", "not_eligible"),
    ("continuing_care", "I don't know", DONT_KNOW),
    ("continuing_care", "what's that?", None),
    ("continuing_care", "they're assessing him at the moment", "being_assessed"),
    ("continuing_care", "no assessment yet", "not_assessed"),
    ("continuing_care", "had an assessment, they said no", "not_eligible"),
    ("mha_detained", "yes he was sectioned", "yes"),
    ("mha_detained", "no never", "no"),
    ("mha_detained", "dunno", DONT_KNOW),
    ("mha_section", "Section 3", "s3"),
    ("mha_section", "it was a 37", "s37"),
    ("mha_section", "47", "s45a_47_48"),
    ("mha_section", "section 45A", "s45a_47_48"),
    ("mha_section", "section 2", "s2"),
    ("mha_section", "a section 5(2)", "s4_5_2"),
    ("mha_section", "can't remember", DONT_KNOW),
    ("mha_section", "section 300", None),
    ("cto", "yes", "yes"),
    ("cto", "no", "no"),
    # A plain "yes" to "Are you 18 or over?" (it was read as YAML true and never matched).
    ("age_group", "yes", "adult"),
    ("age_group", "yes I am", "adult"),
    ("continuing_care", "yes", "eligible"),
    ("wheelchair_service", "yes we're on the list", "yes"),
    ("wheelchair_service", "no", "no"),
    ("wheelchair_new", "yes it's worn out", "yes"),
    ("wheelchair_new", "no it's fine", "no"),
    ("local:joint_funded_home_care", "yes", "yes"),
    ("local:joint_funded_home_care", "I'm not sure", DONT_KNOW),
    ("local:joint_funded_home_care", "nope", "no"),
    ("s117_current", "yes still getting it", "yes"),
    ("s117_current", "no it ended", "no"),
    ("s117_current", "not sure", DONT_KNOW),
    ("area", "we live in cornwall", "cornwall-and-isles-of-scilly"),
    ("area", "Kent and Medway", "kent-and-medway"),
    ("area", "Somewhere else", "default"),
    ("area", "none of those", "default"),
    ("area", "not sure", "default"),
    ("area", "leeds", None),
    ("area", "my mother lives in medway", "kent-and-medway"),
    # Emoji, control characters and very long text are not answers, and do not crash.
    ("continuing_care", "👍", None),
    ("who_for", "\x00\x07", None),
    ("mha_detained", "blah " * 2000, None),
]


@pytest.mark.parametrize("question, text, expected", PARSE)
def test_parse_answer(question, text, expected):
    assert parse_answer(question, text) == expected


@pytest.mark.parametrize(
    "question",
    [
        "who_for",
        "age_group",
        "continuing_care",
        "mha_detained",
        "mha_section",
        "cto",
        "s117_current",
        "wheelchair_service",
        "wheelchair_new",
        "local:joint_funded_home_care",
    ],
)
def test_every_button_is_understood(question):
    reply = ask(question, dict(ADULT), KENT)
    for button in reply.buttons:
        assert parse_answer(question, button["payload"], KENT) is not None, button


# --- wording ---------------------------------------------------------------------------------------


def test_wording_adapts_to_who_it_is_for():
    assert for_someone_else({"who_for": "carer"}) and for_someone_else({"who_for": "professional"})
    assert not for_someone_else({"who_for": "self"}) and not for_someone_else({})
    assert "Are you 18 or over?" in ask("age_group", {"who_for": "self"}, KENT).text
    assert "Are they 18 or over?" in ask("age_group", {"who_for": "professional"}, KENT).text
    assert "continuing care?" in ask("continuing_care", CHILD, KENT).text


def test_questions_show_progress_and_offer_dont_know():
    reply = ask("age_group", {"who_for": "self"}, KENT)
    assert reply.text.startswith("Question 2 of 6.")
    assert reply.progress == (2, 6)
    assert reply.buttons[-1]["title"] == "I don't know"


def test_re_ask_gives_more_help_after_two_tries():
    assert "didn't catch that" in not_understood(1).text
    assert "stop" in not_understood(2).text and "saved" in not_understood(2).text


def test_result_names_the_right_and_the_team():
    now = dt.datetime(2026, 11, 25, 12, tzinfo=dt.timezone.utc)
    replies = result_replies(dict(CHILD, continuing_care="eligible"), CORNWALL, now)
    text = "\n".join(r.text for r in replies)
    assert "they are likely to have a legal right" in text
    assert "Children and young people who get continuing care" in text
    assert "01726 627659" in text
    assert [b["title"] for b in replies[-1].buttons] == [
        "Leave my details for the team",
        "Ways to manage the money",
        "Help with my outcomes",
        "How do I start?",
        "Talk to a person",
    ]


def test_result_for_a_local_offer_names_the_group():
    now = dt.datetime(2026, 11, 25, 12, tzinfo=dt.timezone.utc)
    answers = dict(
        ADULT, continuing_care="not_eligible", **NO_MHA, **NO_WHEELCHAIR, **{"local:joint_funded_home_care": "yes"}
    )
    text = "\n".join(r.text for r in result_replies(answers, KENT, now))
    assert "Kent and Medway's local offer" in text and "council and the NHS" in text


@pytest.mark.parametrize(
    "text, faq, expected",
    [
        ("they're assessing him at the moment", True, Reading.answer("being_assessed")),
        ("what is a notional budget?", True, Reading.question()),
        ("banana", False, Reading.unclear()),
        ("x" * 10000, True, Reading.unclear()),  # a wall of text is not taken for an FAQ
        ("yes " + "and my mum has lots of needs " * 12, False, Reading.unclear()),
    ],  # a long story: re-ask
)
def test_understand(text, faq, expected):
    assert understand("continuing_care", text, KENT, faq) == expected
