"""Words that name a topic (bot/topic_terms.py, content/topic_terms.yml) and the "did you mean"
buttons they add (bot/understanding.py), without Rasa."""

import collections

import yaml

from bot.replies import topic_titles
from bot.topic_terms import TERMS, named_topics, normalise
from bot.understanding import Thresholds, is_offerable, judge, unsure_outside_guides
from tests.unit.parse_results import parse

TERM_LISTS = yaml.safe_load(TERMS.read_text(encoding="utf-8"))["terms"]


def test_every_label_with_terms_can_be_offered_and_has_a_button_title():
    titles = topic_titles()["titles"]
    for label in TERM_LISTS:
        assert is_offerable(label), label
        assert label in titles, label


def test_no_term_names_two_topics():
    owners = collections.defaultdict(set)
    for label, terms in TERM_LISTS.items():
        for term in terms:
            owners[normalise(term)].add(label)
    assert {term: labels for term, labels in owners.items() if len(labels) > 1} == {}


def test_terms_are_written_as_they_are_matched():
    for terms in TERM_LISTS.values():
        for term in terms:
            assert term == term.lower().strip() and "  " not in term, term


def test_a_term_is_found_inside_a_long_story():
    story = (
        "My mum has been in a nursing home for two years. Last week they told us the money is being "
        "looked at again and we don't know what to do."
    )
    assert named_topics(story) == ["faq/care_homes"]


def test_topics_come_in_the_order_the_message_names_them():
    text = "After the reablement ends, can we appeal the checklist?"
    assert named_topics(text) == ["faq/leaving_hospital", "faq/challenge_chc", "faq/continuing_healthcare"]


def test_hyphens_plurals_curly_quotes_and_words_run_together_match():
    assert named_topics("What about re-ablement?") == ["faq/leaving_hospital"]
    assert named_topics("can I top-up") == named_topics("can i topup") == ["faq/top_up"]
    assert named_topics("do I keep the receipts") == ["faq/records_audit"]
    assert named_topics("my mum\u2019s carer\u2019s allowance") == ["faq/benefits"]
    assert named_topics("is A&E covered") == ["faq/outside_budget"]
    assert named_topics("she is due a 'checklist' next week") == ["faq/continuing_healthcare"]
    assert named_topics("can I pay my relative's wife") == ["faq/pay_family"]


def test_only_whole_words_and_their_english_plurals_match():
    # "pip" (a benefit) is inside "pipe", "pipes" and "shipping"; "raf" inside "crafts".
    assert named_topics("the pipes burst and the shipping crafts") == []
    assert named_topics("the carpet") == []
    assert named_topics("more receipts") == ["faq/records_audit"] and named_topics("two hospices") == [
        "faq/end_of_life"
    ]


def test_everyday_words_that_name_no_topic_are_not_terms():
    # Found by a review: each put a wrong first button.
    for text in (
        "can I pay one of my pals",
        "what are the benefits of a personal health budget",
        "my occupational therapist said to ask",
        "caring is a challenge",
        "does it apply to children",
        "my relative has dementia",
    ):
        assert named_topics(text) in ([], ["faq/pay_family"] if "pay" in text else []), text


def test_words_about_a_person_s_life_name_no_topic_unless_they_name_the_budget():
    # Should the safety net miss one of these (two reviews found wordings it missed), no budget
    # button leads: "Giving up a budget" first under "I no longer want my life" would be harmful.
    for text in (
        "I no longer want to be here",
        "I just want to give up",
        "I just want to give it up",
        "running out of strength",
        "I want to opt out",
        "I want to opt out of my life",
        "I no longer want my life",
        "I'm not worth it",
        "I want to cancel my life",
        "my will to live was taken away",
        "I've become withdrawn",
        "I don't want it any more",
        "I want to hand it all back",
    ):
        assert named_topics(text) == [], text
    assert named_topics("can I give up my personal health budget") == ["faq/give_up"]
    assert named_topics("what if we run out of money") == ["faq/money_running_out"]


def test_the_longest_term_starting_at_a_word_counts():
    assert named_topics("can I employ a family member") == ["faq/pay_family"]
    assert named_topics("can I employ someone") == ["faq/employ_pa"]


def test_a_message_with_no_terms_names_nothing():
    assert named_topics("") == [] and named_topics("?") == [] and named_topics("hello there") == []


def _unsure():
    return parse([("faq", 0.99)], [("faq/what_is_phb", 0.45), ("faq/who_can_have", 0.40), ("faq/cost", 0.1)])


def test_a_named_topic_leads_the_buttons_of_an_unsure_answer():
    p = _unsure()
    p["text"] = "My dad is coming home from hospital next week and needs reablement, what happens?"
    j = judge(p)
    assert not j.sure
    assert j.offers == ("faq/leaving_hospital", "faq/what_is_phb", "faq/who_can_have")


def test_a_named_topic_never_makes_an_answer_sure_or_changes_a_sure_one():
    p = _unsure()
    p["text"] = "is it the same in a nursing home"
    assert not judge(p).sure and judge(p).best == "faq/what_is_phb"
    sure = parse([("faq", 0.99)], [("faq/benefits", 0.95), ("faq/cost", 0.01)])
    sure["text"] = "will it change my pip, and what about a nursing home"
    j = judge(sure, Thresholds())
    assert j.sure and j.best == "faq/benefits"


def test_a_named_topic_already_offered_keeps_its_place_and_only_one_is_added():
    p = _unsure()
    p["text"] = "who can have one in a care home, and can I appeal"
    assert judge(p).offers == ("faq/care_homes", "faq/what_is_phb", "faq/who_can_have")
    p["text"] = "is it free"  # faq/cost, offered third already
    assert named_topics(p["text"]) == ["faq/cost"]
    assert judge(p).offers == ("faq/what_is_phb", "faq/who_can_have", "faq/cost")


def test_outside_guides_a_question_read_as_a_guide_answer_is_unsure_and_other_readings_are_not():
    def reading(intent, text):
        return {"intent": {"name": intent, "confidence": 0.9}, "text": text}

    assert unsure_outside_guides(reading("nlu_fallback", "blorp"))
    assert unsure_outside_guides(reading("answer", "How will I be assessed for help at home?"))
    assert unsure_outside_guides(reading("dont_know", "what happens after the checklist"))
    assert not unsure_outside_guides(reading("affirm", "yes please"))
    assert not unsure_outside_guides(reading("faq", "what is a nominee?"))
    assert not unsure_outside_guides(reading("out_of_scope", "what's the weather?"))


def test_a_named_place_offers_the_local_offer_after_any_topic():
    assert named_topics("Who can currently have a personal health budget in Sutton?") == ["ask_local_offer"]
    assert named_topics("In Surrey, who can have one?") == ["ask_local_offer"]
    # Only when no word names a topic: a long story often says where someone lives in passing.
    assert named_topics("They live in Devon and have savings") == ["faq/means_tested"]


def test_nations_months_and_our_own_words_are_not_places():
    for text in (
        "who can have one in England",
        "in the UK",
        "my review is in June",
        "in Continuing Healthcare",
        "In The Past I had one",
        "what happens at Christmas",
    ):
        assert "ask_local_offer" not in named_topics(text), text


def test_a_clinical_word_offers_where_to_ask_after_any_topic_named():
    assert named_topics("If I take morphine, will I get addicted to it?") == ["medical_question"]
    assert named_topics("her symptoms are worse, can she get CHC?") == ["faq/continuing_healthcare", "medical_question"]


def test_the_guide_answers_are_the_intents_whose_rules_say_not_understood_outside_a_guide():
    import pathlib

    from bot.understanding import GUIDE_ANSWERS

    rules = yaml.safe_load((pathlib.Path(TERMS).parents[1] / "data" / "rules" / "guides.yml").read_text())["rules"]
    out_of_context = {
        rule["steps"][0]["intent"]
        for rule in rules
        if rule.get("condition") == [{"active_loop": None}]
        and rule["steps"][1:] == [{"action": "action_handle_misunderstanding"}]
    }
    assert out_of_context == GUIDE_ANSWERS


def test_inside_a_guide_a_question_read_as_a_guide_answer_is_the_guide_s():
    reading = {"intent": {"name": "answer", "confidence": 0.9}, "text": "How will I be assessed?"}
    assert unsure_outside_guides(reading) and not unsure_outside_guides(reading, in_guide=True)
    assert unsure_outside_guides({"intent": {"name": "nlu_fallback"}, "text": "blorp"}, in_guide=True)
