"""The crisis safety net's parts (bot/safety/). How well it does on words nobody here wrote is
measured in tests/safety/test_crisis_corpus.py; these check each part does what it says."""

import pytest

from bot.safety import CATEGORIES, crisis_category, detector
from bot.safety.normalise import damerau, fold
from bot.safety.patterns import compile_pattern, read_terms

# Textbook phrasing, one or more of each kind (the corpus holds the real-world wording).
URGENT = [
    ("I want to kill myself", "self_harm"),
    ("i feel suicidal tonight", "self_harm"),
    ("Suicide", "self_harm"),
    ("ive been self-harming again", "self_harm"),
    ("i keep cutting myself", "self_harm"),
    ("I just want to end it all", "self_harm"),
    ("thinking of ending my life", "self_harm"),
    ("i dont want to be alive anymore", "self_harm"),
    ("I can\u2019t go on", "self_harm"),
    ("she took all her tablets", "medical_emergency"),  # an overdose: 999 first
    ("better off dead", "self_harm"),
    ("my dad can't breathe", "medical_emergency"),
    ("mum has collapsed", "medical_emergency"),
    ("he's not breathing", "medical_emergency"),
    ("I have crushing chest pain", "medical_emergency"),
    ("please call an ambulance", "medical_emergency"),
    ("the kitchen is on fire", "medical_emergency"),
    ("my husband hits me", "domestic_abuse"),
    ("I'm scared of my partner", "domestic_abuse"),
    ("someone is hurting my mum", "danger_to_others"),
    # "Not" said without the word, and giving up on life without "life" (a review, 4 December).
    ("I no longer want to be here", "self_harm"),
    ("i no longer want to live", "self_harm"),
    ("I want to opt out of life", "self_harm"),
    ("I just want to give up", "self_harm"),
    ("I feel like giving up", "self_harm"),
    ("I'm running out of strength to live", "self_harm"),
    # Their natural variants (a second review).
    ("I want to give up", "self_harm"),
    ("I'm ready to give up", "self_harm"),
    ("I've lost the will to live", "self_harm"),
    ("opt out of my life", "self_harm"),
    ("i no longer feel like living", "self_harm"),
    ("I don't really want to be here anymore", "self_harm"),
    ("I don't have the strength to live anymore", "self_harm"),
    ("I no longer want my life", "self_harm"),
]

# Each way of hiding a word that the normaliser undoes (issue 20: typos, text-speak, held letters).
HIDDEN = [
    ("I WANT TO KILL MYSELF", "self_harm"),  # case
    ("i wanna kill myslef", "self_harm"),  # text-speak and a swapped letter
    ("kms", "self_harm"),  # slang
    ("im gonna unalive", "self_harm"),  # slang
    ("feeling sucidal", "self_harm"),  # a letter missing
    ("su1c1dal thoughts again", "self_harm"),  # digits for letters
    ("i want to dieeeee", "self_harm"),  # held letters
    ("he's unconsious", "medical_emergency"),  # a letter missing from a long word
    ("cant breath", "medical_emergency"),  # the noun for the verb, no apostrophe
    ("she's chocking", "medical_emergency"),  # a misspelling that is also a real word
    ("dh hit me again", "domestic_abuse"),  # forum shorthand for a husband
]

ORDINARY = [
    # Questions about the money that the safety net once read as a crisis (issue 21).
    "roughly how much money will i get",
    "no answer from the chc team yet",
    "the money won't last till the end of the month",
    "what's roughly the amount in an indicative budget",
    "what is a personal health budget",
    "can i employ someone to help me with washing",
    "how do I end my direct payment",
    "i want to stop my direct payments",
    "my mum died last year and we still get letters about her budget",
    "dying to know when the review is",
    "I no longer want my direct payment",
    "What happens if I no longer want a PHB?",
    "can I give up my personal health budget",
    "we are running out of money for her care",
    # Giving up or opting out of something named (a second review: the first patterns caught these).
    "I feel like giving up the direct payment",
    "I feel like giving up work to care for mum",
    "I just want to give up the paperwork side, can a broker do it?",
    "I no longer want to be on direct payments",
    "I no longer want to keep my PA",
    "I no longer want to go ahead with the PHB",
    "we've run out of reasons to keep the agency",
    "opt out of life insurance",
    "I no longer want to be stuck at home all day",
    "I want to give up smoking",
    "I lost the will to live filling in the CHC forms",
    "",
    "   ",
]


@pytest.mark.parametrize("text, category", URGENT)
def test_urgent_messages(text, category):
    assert crisis_category(text) == category


@pytest.mark.parametrize("text, category", HIDDEN)
def test_hidden_words_are_found_after_normalising(text, category):
    assert crisis_category(text) == category


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_messages_are_not_crisis(text):
    assert crisis_category(text) is None


def test_none_is_safe():
    assert crisis_category(None) is None


@pytest.mark.parametrize(
    "text",
    [
        "😀😀",
        "?!?!",
        "...",
        "\u200b\u200b",
        "\x00\x01",
        "مرحبا",
        "🔥🔥🔥",
        "a" * 5000,
        "kill " * 400,
        "’’’",
        "#$%&*",
        "1 2 3 4 5 6 7 8 9",
    ],
)
def test_messages_without_words_or_of_any_shape_never_raise(text):
    """An emoji-only message once raised inside spaCy, and the person got "something went wrong"."""
    assert crisis_category(text) in (None, *CATEGORIES)


def test_every_kind_is_one_of_the_four_with_a_reply():
    assert set(CATEGORIES) == {"self_harm", "medical_emergency", "domestic_abuse", "danger_to_others"}


def test_fold_spells_out_short_forms_and_drops_case_accents_and_apostrophes():
    assert fold("I\u2019M Caf\u00e9 can't, he'll, mum's") == "i am cafe can not, he will, mums"
    assert fold("hell and shell") == "hell and shell"


def test_damerau_counts_a_swap_as_one_and_gives_up_past_the_limit():
    assert damerau("myslef", "myself", 1) == 1
    assert damerau("sucidal", "suicidal", 1) == 1
    assert damerau("budget", "suicide", 2) == 3


def test_real_words_are_never_corrected_to_a_keyword():
    words = detector().normaliser.words
    assert words("willing killing") == ["willing", "killing"]
    assert words("the bridge club") == ["the", "bridge", "club"]
    assert words("I would like a breather") == ["i", "would", "like", "a", "breather"]


def test_a_pattern_word_matches_every_form_of_it():
    lemma = detector().lemma
    assert compile_pattern("kill $self", {"self": ["myself"]}, lemma) == [
        {"LEMMA": {"IN": ["kill"]}},
        {"LEMMA": {"IN": ["myself"]}},
    ]
    assert compile_pattern("=me _?", {}, lemma) == [{"LOWER": {"IN": ["me"]}}, {"OP": "?"}]


@pytest.mark.parametrize(
    "bad, why",
    [
        ("kill $nobody", "unknown class"),
        ("_?", "can match nothing"),
    ],
)
def test_a_bad_pattern_is_refused_with_a_reason(bad, why):
    with pytest.raises(ValueError, match=why):
        compile_pattern(bad, {}, detector().lemma)


def test_terms_without_strong_patterns_are_refused():
    terms = {
        "replace": {},
        "keywords": [],
        "lemmas": {},
        "classes": {},
        "now": [],
        "not_now": [],
        "never": [],
        "categories": {"self_harm": {"weak": ["sad"]}},
    }
    with pytest.raises(ValueError, match="strong"):
        read_terms(terms)


def test_the_index_of_matchers_finds_exactly_what_one_matcher_finds():
    """The speed-up (a Matcher per rare word) must change nothing: every corpus message, both ways."""
    from tests.safety import measure

    net = detector()
    texts = [i["text"] for name in measure.SETS for i in measure.load(name)] + [u for u, _ in URGENT + HIDDEN]
    differ = [t for t in texts if net.matches(net.doc(t), indexed=True) != net.matches(net.doc(t), indexed=False)]
    assert not differ
    assert len(texts) > 1600
