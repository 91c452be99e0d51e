"""Every answer button, and every answer in the NLU test set, reaches the guide's form.

In a guide, messages with some intents (stop, talk to a person, the local offer…)
are requests that rules handle instead of the form (`not_intent` of the
`guide_answer` slot in domain.yml). If the trained model gave an answer one of
those intents, the answer would be lost. This checks the trained model itself.
"""
import asyncio

import pytest
import yaml

from bot import eligibility, money_options
from bot.areas import areas_for_choice
from tests.e2e.conftest import MODEL, ROOT


def requests_not_answers():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text())
    (mapping,) = domain["slots"]["guide_answer"]["mappings"]
    return set(mapping["not_intent"])


def answer_texts():
    texts = {a.choice_label for a in areas_for_choice()}
    for module in (eligibility, money_options):
        content = module.content()
        texts.add(content["dont_know_label"])
        for question in content["questions"].values():
            texts.update(o["label"] for o in question.get("options", []))
    test_set = yaml.safe_load((ROOT / "tests" / "nlu" / "test_nlu.yml").read_text())
    for block in test_set["nlu"]:
        if block.get("intent") in ("answer", "affirm", "deny", "dont_know"):
            texts.update(line[2:].strip() for line in block["examples"].splitlines() if line.strip())
    return sorted(texts)


@pytest.fixture(scope="module")
def parse():
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make test`, which trains it first")
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    return lambda text: asyncio.run(agent.parse_message(text))["intent"]["name"]


def test_no_answer_is_taken_for_a_request(parse):
    excluded = requests_not_answers()
    texts = answer_texts()
    assert len(texts) > 60  # every button label and test-set answer was gathered
    lost = {text: intent for text in texts if (intent := parse(text)) in excluded}
    assert lost == {}, f"these answers would not reach the form: {lost}"
