"""Rasa parse results built by hand, for tests of how sure the assistant is (bot/understanding.py,
nlu_components/unsure_topic.py)."""


def parse(intents, answers=None):
    """A parse result as Rasa gives it: intents [(name, confidence)], FAQ answers [(key, confidence)]."""
    data = {
        "intent": {"name": intents[0][0], "confidence": intents[0][1]},
        "intent_ranking": [{"name": n, "confidence": c} for n, c in intents],
    }
    if answers:
        data["response_selector"] = {
            "faq": {
                "response": {"intent_response_key": answers[0][0], "confidence": answers[0][1]},
                "ranking": [{"intent_response_key": k, "confidence": c} for k, c in answers],
            }
        }
    return data
