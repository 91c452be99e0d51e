"""What the assistant says about ways to manage the money (words from content/money_options.yml)."""

from __future__ import annotations

from bot.money_options import PREFERENCE_QUESTIONS, WAYS, chosen, content, options, progress, suggest
from bot import wording
from bot.replies import Reply


def _text(key: str, **values: str) -> str:
    return wording.plain(content()[key], **values)


def say(key: str) -> Reply:
    return wording.say(content(), key)


_buttons = wording.buttons


def _card(spec: dict, labels: dict) -> str:
    """One way, as a name and labelled lines: easy to compare on a small screen."""
    lines = [spec["name"]] + [f"- {label}: {' '.join(spec[key].split())}" for key, label in labels.items()]
    return "\n".join(lines)


def _then(replies: list[Reply], key: str, buttons: str, with_next: bool) -> list[Reply]:
    """End with what to do next; in the middle of a guide, its question comes next instead."""
    return [*replies, Reply(text=_text(key), buttons=_buttons(content()[buttons]))] if with_next else replies


def comparison(with_next: bool = True) -> list[Reply]:
    """The three ways side by side, how to mix them, and what to do next."""
    c = content()
    cards = [Reply(text=_card(c["ways"][way], c["way_labels"])) for way in WAYS]
    return _then([say("compare_intro"), *cards, say("mix")], "compare_end", "compare_buttons", with_next)


def wheelchair_options(with_next: bool = True) -> list[Reply]:
    """The personal wheelchair budget options, with who owns and repairs the chair."""
    c = content()
    cards = [Reply(text=_card(spec, c["wheelchair_labels"])) for spec in c["wheelchair_ways"].values()]
    return _then([say("wheelchair_intro"), *cards, say("wheelchair_end")], "next", "wheelchair_buttons", with_next)


def direct_payment_guide(with_next: bool = True) -> list[Reply]:
    """The direct payment deep dive: responsibilities, help, unspent money, stopping."""
    parts = [Reply(text=f"{p['title']}\n{p['text'].strip()}") for p in content()["direct_payment_parts"]]
    return _then([say("direct_payment_intro"), *parts], "next", "direct_payment_buttons", with_next)


def _way_name(way: str) -> str:
    c = content()
    return (c["ways"].get(way) or c["wheelchair_ways"][way])["name"]


def suggestion_replies(answers: dict) -> list[Reply]:
    """Which ways may suit and why, in plain words."""
    s = suggest(answers)
    if not s.ways:
        return [say("suggest_none_wheelchair" if s.wheelchair else "suggest_none")]
    reasons = content()["reasons"]
    lines = [_text("suggest_intro")]
    for way in s.ways:
        lines.append(f"- {_way_name(way)}")
        lines += [f"  {' '.join(reasons[code].split())}" for w, code in s.reasons if w == way]
    replies = [Reply(text="\n".join(lines))]
    if s.mix:
        replies.append(say("suggest_mix"))
    if s.wheelchair:
        replies.append(say("wheelchair_note"))
    return replies


def ask(question: str, answers: dict) -> list[Reply]:
    """The question, numbered, with a button for each answer; the choice comes after the suggestion."""
    n, total = progress(answers)
    text = (
        _text("progress", n=str(n), total=str(total))
        + "\n"
        + " ".join(content()["questions"][question]["text"].split())
    )
    buttons = [o["label"] for o in options(question)]
    if question not in PREFERENCE_QUESTIONS:
        buttons.append(content()["dont_know_label"])
    before = suggestion_replies(answers) if question in PREFERENCE_QUESTIONS else []
    return [*before, Reply(text=text, buttons=_buttons(buttons), progress=(n, total))]


def not_understood(failed_tries: int) -> Reply:
    """After an answer we could not understand (the form then asks again); more help after two tries."""
    return say("still_not_understood" if failed_tries >= 2 else "not_understood")


def result_replies(answers: dict) -> list[Reply]:
    """What was noted, that the NHS team agrees it, and what to do next."""
    choice = chosen(answers)
    if choice == "mix":
        noted = _text("chosen_mix")
    elif choice in (None, "undecided"):
        noted = _text("chosen_undecided")
    else:
        noted = _text("chosen", choice=_way_name(choice))
    wheelchair = suggest(answers).wheelchair
    buttons = content()["next_buttons_wheelchair" if wheelchair else "next_buttons"]
    return [Reply(text=noted), say("decision"), Reply(text=_text("next"), buttons=_buttons(buttons))]
