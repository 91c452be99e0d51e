"""What the guides ask people to press or type, and the NLU test set's messages: shared by the
end-to-end tests that send them all (test_answers_reach_the_guide, test_parse_cache,
test_fast_model_load, test_state_history)."""

import yaml

from bot import eligibility, money_options, outcomes
from bot.areas import areas_for_choice
from bot.intake import questions as intake
from bot.intake.replies import change_label
from tests.e2e.conftest import ROOT


def button_texts():
    """What the guides ask people to press or type: every option, "I don't know" and "not sure"."""
    texts = {a.choice_label for a in areas_for_choice()}
    for module in (eligibility, money_options):
        content = module.content()
        texts.add(content["dont_know_label"])
        for question in content["questions"].values():
            texts.update(o["label"] for o in question.get("options", []))
    c = outcomes.content()
    texts.update(o["label"] for group in ("review_options", "next_options") for o in c[group].values())
    texts.update([c["keep_label_clear"], c["not_sure_label"], *c["skip_words"]])
    return sorted(texts)


def intake_button_texts():
    """Every button of "leave my details": options, "I don't know", "Why do you ask?", send and change."""
    c = intake.content()
    texts = {o["label"] for spec in c["questions"].values() for o in spec.get("options", [])}
    texts.update([c["dont_know_label"], c["why_label"], c["questions"]["review"]["confirm"]["label"]])
    texts.update(change_label(f["label"]) for f in c["fields"].values())
    return sorted(texts)


def every_text_to_send():
    """Every message of the NLU test set, then every button text of the guides."""
    test_set = yaml.safe_load((ROOT / "tests" / "nlu" / "test_nlu.yml").read_text())
    found = [
        line[2:].strip()
        for block in test_set["nlu"]
        if "examples" in block
        for line in block["examples"].splitlines()
        if line.strip()
    ]
    return found + button_texts()
