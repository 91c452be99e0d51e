"""Feedback on a draft outcome for a care and support plan, with rules over spaCy tokens.

The pipeline is the shipped nlp/en_phb_lookup (spacy.blank("en") with lookup
lemmas from spacy-lookups-data; nothing downloaded) plus a Matcher built from
content/outcomes_patterns.yml. Both are loaded once per process.

A draft is split at its reason ("so that…", "because…") into the main part and
the reason. Findings, each explained to the person in content/outcomes.yml:
  provision         support (hours, services, equipment) named as the goal
  no_time           neither a time frame nor how often
  no_reason         no reason that matters to the person
  not_first_person  not in the person's own voice ("I", "my", "we")
  others_act        someone else does the doing ("my carer will take me")
  vague             no activity: a wish with no shape ("be better")
  too_long          more than max_words words
  several           more than one outcome in one
"""

from __future__ import annotations

import functools
import pathlib
from dataclasses import dataclass

import spacy
import yaml
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span, Token

ROOT = pathlib.Path(__file__).resolve().parent.parent
PIPELINE = ROOT / "nlp" / "en_phb_lookup"
PATTERNS_FILE = ROOT / "content" / "outcomes_patterns.yml"

FINDINGS = ("provision", "no_time", "no_reason", "not_first_person", "others_act", "vague", "too_long", "several")


@functools.lru_cache(maxsize=1)
def patterns() -> dict:
    with PATTERNS_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@functools.lru_cache(maxsize=1)
def nlp() -> spacy.Language:
    """The tokenizer and lemmatizer, loaded once per process."""
    # Lookup lemmas keep a capital ("Go" -> "Go"): match on a lower-case lemma instead.
    if not Token.has_extension("lemma_lower"):
        Token.set_extension("lemma_lower", getter=lambda t: t.lemma_.lower())
    return spacy.load(PIPELINE)


def _phrases(matcher: PhraseMatcher, label: str, phrases) -> None:
    matcher.add(label, [nlp().make_doc(str(p)) for p in phrases])


@functools.lru_cache(maxsize=1)
def matchers() -> tuple[Matcher, PhraseMatcher]:
    p = patterns()
    vocab = nlp().vocab
    rules = Matcher(vocab)
    activity = [a for a in p["activity_lemmas"] if a not in p["not_activity_alone"]]
    rules.add("ACTIVITY", [[{"_": {"lemma_lower": {"IN": activity}}}]])
    rules.add("ACTIVITY", [[{"_": {"lemma_lower": "get"}}, {"LOWER": {"IN": p["get_particles"]}}]])
    # "keep fit", "look after", "take care": verbs that need a partner word.
    rules.add(
        "ACTIVITY",
        [
            [{"_": {"lemma_lower": "keep"}}, {"LOWER": {"IN": ["fit", "active", "in"]}}],
            [{"_": {"lemma_lower": "look"}}, {"LOWER": {"IN": ["after", "at", "for"]}}],
            [{"_": {"lemma_lower": "care"}}, {"LOWER": "for"}],
        ],
    )
    when_words = p["months"] + [s for s in p["seasons"] if " " not in s]
    rules.add(
        "TIME",
        [
            [
                {"LOWER": {"IN": ["by", "before", "until", "from"]}},
                {"LOWER": {"IN": ["the", "next", "this", "my"]}, "OP": "?"},
                {"LOWER": {"IN": ["end", "start", "middle"]}, "OP": "?"},
                {"LOWER": "of", "OP": "?"},
                {"LOWER": {"IN": ["the", "next", "this"]}, "OP": "?"},
                {"LOWER": {"IN": when_words + p["time_units"] + ["new", "school", "term", "holidays"]}},
            ],
            [{"LOWER": {"IN": ["by", "before"]}}, {"LIKE_NUM": True}],
            [
                {"LOWER": {"IN": ["within", "in"]}},
                {"LIKE_NUM": True, "OP": "?"},
                {"LOWER": {"IN": ["a", "one", "two", "three", "six", "twelve", "the", "next"]}, "OP": "?"},
                {"LOWER": {"IN": ["few", "next"]}, "OP": "?"},
                {"LOWER": {"IN": p["time_units"]}},
            ],
            [{"LOWER": {"IN": ["this", "next"]}}, {"LOWER": {"IN": when_words + p["time_units"] + ["term"]}}],
            [{"LOWER": {"IN": ["by", "in"]}}, {"LOWER": {"IN": when_words}}],
            [{"LOWER": {"IN": p["months"]}}, {"LIKE_NUM": True}],
        ],
    )
    rules.add(
        "FREQUENCY",
        [
            [
                {"LIKE_NUM": True},
                {"LOWER": {"IN": ["times", "days", "mornings", "evenings", "afternoons", "nights", "hours"]}},
                {"LOWER": {"IN": ["a", "per", "each", "every"]}},
            ],
            [
                {"LOWER": {"IN": ["one", "two", "three", "four", "five", "six", "seven"]}},
                {"LOWER": {"IN": ["times", "days", "mornings", "evenings", "afternoons", "nights"]}},
                {"LOWER": {"IN": ["a", "per", "each", "every"]}},
            ],
        ],
    )
    rules.add(
        "FREQUENCY",
        [
            [{"LOWER": {"IN": ["every", "each"]}}, {"LOWER": "other", "OP": "?"}, {"IS_ALPHA": True}],
            [
                {"LOWER": "on"},
                {
                    "LOWER": {
                        "IN": [
                            "mondays",
                            "tuesdays",
                            "wednesdays",
                            "thursdays",
                            "fridays",
                            "saturdays",
                            "sundays",
                            "weekdays",
                            "weekends",
                        ]
                    }
                },
            ],
        ],
    )
    rules.add(
        "HOURS", [[{"LIKE_NUM": True}, {"LOWER": {"IN": ["hour", "hours", "hrs", "visits", "sessions", "days"]}}]]
    )
    first_person_modal = [
        {"LOWER": {"IN": ["i", "we"]}},
        {
            "LOWER": {
                "IN": [
                    "will",
                    "'ll",
                    "can",
                    "want",
                    "would",
                    "'d",
                    "am",
                    "'m",
                    "could",
                    "shall",
                    "should",
                    "plan",
                    "hope",
                    "need",
                    "like",
                ]
            }
        },
    ]
    rules.add("I_WILL", [first_person_modal])
    # Someone else as the one who acts: "my carer will…", "someone to…", "support worker can…".
    others = [o for o in p["other_subjects"] if " " not in o]
    rules.add("OTHER_ACTS", [[{"LOWER": {"IN": others}}, {"LOWER": {"IN": p["modals"]}}]])
    rules.add(
        "OTHER_ACTS",
        [
            [*({"LOWER": w} for w in phrase.split()), {"LOWER": {"IN": p["modals"]}}]
            for phrase in p["other_subjects"]
            if " " in phrase
        ],
    )
    phrases = PhraseMatcher(vocab, attr="LOWER")
    _phrases(phrases, "PROVISION", [w for w in p["provision_words"]] + p["provision_phrases"])
    _phrases(phrases, "FREQUENCY", p["frequency_phrases"])
    _phrases(phrases, "REASON", p["reason_markers"])
    _phrases(phrases, "VAGUE", p["vague_words"])
    return rules, phrases


@dataclass(frozen=True)
class Analysis:
    findings: tuple[str, ...]
    reason: str  # the reason as written, from its marker ("so I can…"; "" if none)
    time: str  # the time frame found ("" if none)
    frequency: str  # how often ("" if none)
    activity: str  # what the person will do, from the main part or the reason ("" if none)
    provision: str  # the support named ("" if none)


def _spans(doc: Doc) -> dict[str, list[Span]]:
    rules, phrases = matchers()
    found: dict[str, list[Span]] = {}
    for match_id, start, end in [*rules(doc), *phrases(doc)]:
        found.setdefault(nlp().vocab.strings[match_id], []).append(doc[start:end])
    return found


def _merged(spans: list[Span]) -> list[Span]:
    """Overlapping or touching matches as one ("twice a" + "a week" -> "twice a week")."""
    merged: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start <= merged[-1].end:
            last = merged.pop()
            span = last.doc[last.start : max(last.end, span.end)]
        merged.append(span)
    return merged


def _in(spans: list[Span], start: int, end: int) -> list[Span]:
    return [s for s in spans if s.start >= start and s.end <= end]


def _longest(spans: list[Span]) -> str:
    return max(spans, key=lambda s: (len(s), -s.start)).text if spans else ""


def _activity_phrase(doc: Doc, activity: list[Span], end: int, drop: list[Span]) -> str:
    """The doing, in the draft's own words: from the first activity word to the end of the
    part, without the time frame and how often ("I want to go swimming daily" -> "go swimming")."""
    start = min(s.start for s in activity)
    dropped = {i for s in drop for i in range(s.start, s.end)}
    words = [t.text_with_ws for t in doc[start:end] if t.i not in dropped]
    return " ".join("".join(words).split()).replace(" ,", ",").strip(" ,.;:!-")


def _others_act(spans: dict[str, list[Span]], doing: list[Span], cut: int) -> bool:
    """Someone else is the one who acts before the person does anything themselves.

    "My carer will take me shopping": yes. "I want someone to take me": yes ("I want"
    is a wish, not the person acting). "I will go, and my PA will drive": no.
    """
    first_doing = min((s.start for s in doing), default=cut)
    other = [s for s in _in(spans.get("OTHER_ACTS", []), 0, cut) if s.start < first_doing]
    if not other:
        return False
    wishes = ("want", "need", "like", "would", "'d", "hope")
    acting = [s for s in _in(spans.get("I_WILL", []), 0, first_doing) if doc_word(s) not in wishes]
    return not any(s.start < other[0].start for s in acting)


def doc_word(span: Span) -> str:
    return span.doc[span.end - 1].lower_


# Pure, so cached: the coach replays its log and looks at the same draft several times a turn.
@functools.lru_cache(maxsize=512)
def analyse(text: str) -> Analysis:
    """Find what a draft outcome could say more clearly. Pure: the same text, the same findings."""
    p = patterns()
    doc = nlp()(" ".join((text or "").split()))
    spans = _spans(doc)
    reasons = sorted(spans.get("REASON", []), key=lambda s: (s.start, -len(s)))
    cut = reasons[0].start if reasons else len(doc)
    # The reason as written, marker and all ("so I can see my friends").
    reason_text = doc[reasons[0].start :].text.strip(" ,.") if reasons and reasons[0].end < len(doc) else ""
    main_activity = [s for s in _in(spans.get("ACTIVITY", []), 0, cut)]
    reason_activity = _in(spans.get("ACTIVITY", []), cut, len(doc))
    provision = _in(spans.get("PROVISION", []), 0, cut) + _in(spans.get("HOURS", []), 0, cut)
    time = _merged(spans.get("TIME", []))
    frequency = _merged(spans.get("FREQUENCY", []))
    lower = {t.lower_ for t in doc}
    findings = []

    # Support named as the goal: the main part names support and does nothing else.
    doing = [s for s in main_activity if s.root._.lemma_lower not in p["receive_lemmas"] or len(s) > 1]
    if provision and not doing:
        findings.append("provision")
    if not time and not frequency:
        findings.append("no_time")
    if not reasons or not reason_text:
        findings.append("no_reason")
    if not lower & set(p["first_person"]):
        findings.append("not_first_person")
    elif _others_act(spans, doing, cut):
        findings.append("others_act")
    if not doing and not provision:
        findings.append("vague")
    words = [t for t in doc if not t.is_punct]
    if len(words) > p["max_words"]:
        findings.append("too_long")
    lemmas = {s.root._.lemma_lower for s in doing}
    starts = _in(spans.get("I_WILL", []), 0, cut)
    sentences = [s for s in doc.text.replace("!", ".").replace(";", ".").split(".") if s.strip()]
    if len(starts) >= 2 or len(lemmas) >= 3 or (len(sentences) >= 2 and len(main_activity) >= 2):
        findings.append("several")

    # What the person will do: from the main part, or, when support or someone else was
    # named as the goal, from the reason ("a PA so that I can go to the shops").
    activity = ""
    drop = time + frequency + spans.get("HOURS", [])
    if doing and "others_act" not in findings:
        activity = _activity_phrase(doc, doing, cut, drop)
    elif reason_activity:
        activity = _activity_phrase(doc, reason_activity, len(doc), drop)
    return Analysis(
        findings=tuple(f for f in FINDINGS if f in findings),
        reason=reason_text,
        time=_longest(time),
        frequency=_longest(frequency),
        activity=activity,
        provision=_longest(provision),
    )


def rewrite(a: Analysis) -> str:
    """A suggestion in the pattern "By [when], I will [do what, how often] so that [why it matters to me]".

    Only words from the draft fill it; a gap stays a [bracketed] prompt for the person.
    """
    if not a.time and a.frequency and a.activity:
        when = ""  # how often is enough to check it by
    elif not a.time:
        when = "By [when]"
    elif a.time.lower().startswith("by "):
        when = "By " + a.time[3:]
    else:
        when = a.time[0].upper() + a.time[1:]
    what = a.activity or "[do what]"
    often = (a.frequency if a.activity else "") or "[how often]"
    if often.lower() in what.lower():
        often = ""
    # When the reason gave the doing, the reason itself is still to be said.
    reason_was_used = a.reason and a.activity and a.activity.lower() in a.reason.lower()
    if a.reason and not reason_was_used:
        tail = "so that " + _reason_clause(a.reason) if a.reason.lower().startswith("so") else a.reason
    else:
        tail = "so that [why it matters to me]"
    start = f"{when}, I will" if when else "I will"
    return " ".join(f"{start} {what} {often} {tail}.".split()).replace(" .", ".").replace(" ,", ",")


def _reason_clause(reason: str) -> str:
    """The reason after "so that": "so I can see friends" -> "I can see friends"."""
    lower = reason.lower()
    if lower.startswith("so that "):
        return reason[len("so that ") :]
    if lower.startswith("so "):
        return reason[len("so ") :]
    return reason
