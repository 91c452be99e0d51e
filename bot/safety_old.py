"""Spot messages that need urgent help, whatever else is going on.

The NLU model also has a `crisis` intent; these patterns are the safety net
that makes sure a crisis message is never answered as something else. They
are deliberately broad: a false alarm costs one extra message with helpline
numbers, a miss could cost a life. Phrases about long-term conditions (for
example "after his stroke") are left to the model, so that ordinary
questions are not interrupted.
"""
from __future__ import annotations

import re
import unicodedata

_SELF_HARM = [
    r"suicid\w*",
    r"(kill|killing|hurt|hurting|harm|harming|cut|cutting|burn|burning)\s+(my\s*self|myself|meself)",
    r"self[\s-]*harm\w*",
    r"end(ing)?\s+(it\s+all|my\s+(own\s+)?life|things|it\s+now)",
    r"take\s+my\s+(own\s+)?life",
    r"(want|wanna|going|ready)\s+to\s+die",
    r"wish\s+i\s+(was|were)\s+dead",
    r"better\s+off\s+dead",
    r"no\s+(reason|point)\s+(to\s+live|in\s+living|living)",
    r"don'?t\s+want\s+to\s+(live|be\s+alive|be\s+here\s+any\s*more)",
    r"can'?t\s+go\s+on(\s+any\s*more)?$",
    r"over\s*dos\w*",
    r"(took|taken|swallowed)\s+(too\s+many|all\s+(of\s+)?(my|his|her|their|the))\s+(pills|tablets|meds|medication)",
]
_EMERGENCY = [
    r"can'?t\s+breathe?",
    r"(is\s+)?not\s+breathing",
    r"chest\s+pains?",
    r"(is\s+|has\s+)?(unconscious|collapsed|unresponsive)",
    r"bleeding\s+(a\s+lot|heavily|badly|everywhere)",
    r"(need|call|get)\s+(me\s+)?an?\s+ambulance",
    r"(this\s+is\s+an?|medical)\s+emergency",
    r"having\s+a\s+(heart\s+attack|stroke|seizure|fit)",
]
_DANGER = [
    r"(someone|somebody|he|she|they)\s+(is|are|keeps?)\s+(hurting|hitting|abusing|threatening)\s+me",
    r"i('?m|\s+am)\s+(not\s+safe|in\s+danger|being\s+abused)",
    r"(going|want)\s+to\s+(hurt|kill)\s+(someone|somebody|him|her|them)",
]

_CATEGORIES = {
    "self_harm": re.compile(r"\b(" + "|".join(_SELF_HARM) + r")", re.IGNORECASE),
    "medical_emergency": re.compile(r"\b(" + "|".join(_EMERGENCY) + r")", re.IGNORECASE),
    "danger": re.compile(r"\b(" + "|".join(_DANGER) + r")", re.IGNORECASE),
}


def normalise(text: str) -> str:
    """Fold curly quotes and odd spacing so patterns see plain text."""
    text = unicodedata.normalize("NFKC", text or "")
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip()


def crisis_category(text: str) -> str | None:
    """Return 'self_harm', 'medical_emergency' or 'danger' for an urgent message, else None."""
    clean = normalise(text)
    for name, pattern in _CATEGORIES.items():
        if pattern.search(clean):
            return name
    return None
