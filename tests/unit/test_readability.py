"""Every message a person can see is written in plain English.

Measures: Flesch-Kincaid grade (textstat 0.7.3, syllables from pyphen) and
sentence length. Reading age 9 to 11 is about US grade 4 to 6, so:
  - the average grade over all messages is at most 6;
  - no single message is above grade 8 (short texts make the formula noisy);
  - no sentence or list item is longer than 25 words;
  - the average Flesch reading ease is at least 70 ("fairly easy" or easier).
Names that people must learn (for example "NHS Continuing Healthcare") are
counted as one short word: each is explained in the text where it is used,
and spelling them out is kinder than avoiding them.
"""

import pathlib
import re
import statistics

import pytest
import textstat
import yaml

from bot.areas import all_areas
from bot.eligibility import content as eligibility_content
from bot.feedback import content as feedback_content
from bot.messages import all_messages
from bot.money_options import content as money_content
from bot.money_options_replies import comparison, direct_payment_guide, wheelchair_options
from bot.intake.questions import content as intake_content
from bot.outcomes import content as outcomes_content
from bot.outcomes_replies import feedback
from tests.yaml_leaves import leaves

ROOT = pathlib.Path(__file__).resolve().parents[2]
MAX_AVERAGE_GRADE = 6.0
MAX_GRADE = 8.0
MAX_SENTENCE_WORDS = 25
MIN_AVERAGE_EASE = 70.0

GLOSSARY = [
    "personal health budgets",
    "personal health budget",
    "personal wheelchair budget",
    "integrated personal budgets",
    "integrated personal budget",
    "personalised care and support planning",
    "personalised care",
    "NHS Continuing Healthcare",
    "Continuing Healthcare",
    "continuing care",
    "Integrated Care Board",
    "Section 117 after-care",
    "Section 117",
    "Mental Health Act",
    "community treatment order",
    "social prescribing",
    "notional budget",
    "third party budget",
    "direct payments",
    "direct payment",
    "personal assistants",
    "personal assistant",
    "employer's liability insurance",
    "National Insurance",
    "Health Service Ombudsman",
    "representatives",
    "representative",
    "nominees",
    "nominee",
    "Healthwatch",
    "Samaritans",
    "education, health and care plan",
    "Cornwall and the Isles of Scilly",
    "Isles of Scilly",
    "NHS Cornwall and Isles of Scilly",
]


def visible_messages():
    """(where, text) for every response, composed message and area text a person can see."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    for name, variants in domain["responses"].items():
        for i, variant in enumerate(variants):
            yield f"domain:{name}[{i}]", variant["text"]
            for button in variant.get("buttons", []):
                yield f"domain:{name}[{i}] button", button["title"]
    for key, value in all_messages().items():
        if isinstance(value, str) and len(value.split()) > 3:
            yield f"messages:{key}", re.sub(r"\{\w+\}", "it", value)
    for where, text in _strings(eligibility_content(), "eligibility"):
        if len(text.split()) > 3 and not where.endswith("_words") and ".words" not in where:
            yield where, re.sub(r"\{\w+\}", "it", text)
    for where, text in _strings(money_content(), "money"):
        if len(text.split()) > 3 and not where.endswith("_words") and ".words" not in where:
            yield where, re.sub(r"\{\w+\}", "it", text)
    for where, text in _strings(outcomes_content(), "outcomes"):
        if len(text.split()) > 3 and not where.endswith("_words") and ".words" not in where:
            yield where, re.sub(r"\{\w+\}", "it", text)
    for where, text in _strings(intake_content(), "intake"):
        if len(text.split()) > 3 and "_words" not in where and ".words" not in where:
            yield where, re.sub(r"\{\w+\}", "it", text)
    for where, text in _strings(feedback_content(), "feedback"):
        if len(text.split()) > 3 and "_words" not in where and ".words" not in where:
            yield where, text
    # Feedback on a draft with every finding, as the coach says it.
    long_draft = "My carer will take me out " + "and then we will go somewhere nice " * 6
    for i, draft in enumerate(
        ["4 hours of care a week", "I want to be better", long_draft, "By June I will cook, swim and garden every week"]
    ):
        for j, reply in enumerate(feedback(draft)):
            yield f"outcomes:feedback[{i}][{j}]", reply.text
    # The side-by-side cards as a person sees them, labels and all.
    for i, reply in enumerate(comparison() + wheelchair_options() + direct_payment_guide()):
        yield f"money:composed[{i}]", reply.text
    for area in all_areas().values():
        for field in ("first_contact", "local_offer_summary", "armed_forces"):
            yield f"area:{area.id}:{field}", getattr(area, field)
        for group in area.local_offer_groups:
            yield f"area:{area.id}:group:{group.id}", group.label
            if group.question:
                yield f"area:{area.id}:group:{group.id}:question", re.sub(r"\{\w+\}", "it", group.question)


def _strings(node, where):
    """Every string in a nested YAML structure, with where it is."""
    return ((w, v) for w, v in leaves(node, where) if isinstance(v, str))


def prepare(text):
    """Count names as one word, and end every line (list items too) as a sentence."""
    for term in sorted(GLOSSARY, key=len, reverse=True):
        text = re.sub(re.escape(term), "it", text, flags=re.IGNORECASE)
    lines = [re.sub(r"^\s*(-|\d+\.)\s*", "", line).strip() for line in text.splitlines()]
    return " ".join(line if line[-1:] in ".?!:" else line + "." for line in lines if line)


def sentences(text):
    return [s for s in re.split(r"(?<=[.?!:])\s+", text) if s.strip()]


MESSAGES = list(visible_messages())


def test_there_are_messages_to_check():
    assert len(MESSAGES) > 40


@pytest.mark.parametrize("where, text", MESSAGES, ids=[w for w, _ in MESSAGES])
def test_sentences_are_short(where, text):
    for sentence in sentences(prepare(text)):
        assert len(sentence.split()) <= MAX_SENTENCE_WORDS, f"{where}: {sentence!r}"


@pytest.mark.parametrize("where, text", MESSAGES, ids=[w for w, _ in MESSAGES])
def test_each_message_is_plain(where, text):
    prepared = prepare(text)
    if len(prepared.split()) < 10:
        return  # too short for a grade to mean anything; sentence length still applies
    grade = textstat.flesch_kincaid_grade(prepared)
    assert grade <= MAX_GRADE, f"{where}: grade {grade}: {text!r}"


def test_messages_are_plain_on_average():
    long_enough = [prepare(t) for _, t in MESSAGES if len(prepare(t).split()) >= 10]
    grade = statistics.mean(textstat.flesch_kincaid_grade(t) for t in long_enough)
    ease = statistics.mean(textstat.flesch_reading_ease(t) for t in long_enough)
    print(f"readability over {len(long_enough)} messages: grade {grade:.2f}, reading ease {ease:.1f}")
    assert grade <= MAX_AVERAGE_GRADE
    assert ease >= MIN_AVERAGE_EASE


# Hazard H2 (docs/safety/hazard-log.md): only the NHS team decides. Nothing the assistant says may
# tell someone they cannot have a budget; results say "likely" and name who decides.
NOT_ELIGIBLE = re.compile(
    r"\b(not eligible|ineligible|not entitled|(don't|do not|doesn't|does not|won't|will not) "
    r"qualify|(you|they|he|she) (can't|cannot|can not|won't|will not) (have|get) (a|one|it)\b)",
    re.IGNORECASE,
)


@pytest.mark.parametrize("where, text", MESSAGES, ids=[w for w, _ in MESSAGES])
def test_nothing_said_tells_someone_they_cannot_have_a_budget(where, text):
    assert not NOT_ELIGIBLE.search(text), f"{where}: {NOT_ELIGIBLE.search(text).group(0)!r}"
