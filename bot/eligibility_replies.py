"""What the assistant says during the eligibility check (words from content/eligibility.yml)."""

from __future__ import annotations

import datetime as dt

from bot.areas import DEFAULT_AREA_ID, Area, all_areas
from bot.eligibility import (
    LOCAL_OFFER,
    LOCAL_PREFIX,
    NOT_IN_KNOWN_GROUPS,
    RIGHT_TO_HAVE,
    area_for,
    assess,
    content,
    options,
    progress,
)
from bot import wording
from bot.replies import Reply, fill, team_contacts


def for_someone_else(answers: dict) -> bool:
    """A carer or a professional is asking: the check says 'they'."""
    return answers.get("who_for") in ("carer", "professional")


def _fill(template: str, answers: dict, **extra: str) -> str:
    return fill(template, for_someone_else(answers), **extra)


def question_text(question: str, answers: dict, area: Area | None) -> str:
    if question.startswith(LOCAL_PREFIX):
        group_id = question[len(LOCAL_PREFIX) :]
        group = next(g for g in area.local_offer_groups if g.id == group_id)
        return _fill(group.question, answers)
    spec = content()["questions"][question]
    template = spec["text"]
    if question == "continuing_care" and answers.get("age_group") == "child":
        template = spec["text_child"]
    return _fill(template, answers)


def ask(question: str, answers: dict, area: Area | None) -> Reply:
    """The question, with its number and a button for each answer (and "I don't know")."""
    n, total = progress(answers, area)
    text = wording.progress_line(content(), n, total) + "\n" + question_text(question, answers, area)
    extra = [] if question == "area" else [content()["dont_know_label"]]
    return Reply(text=text, buttons=wording.option_buttons(options(question, area), *extra), progress=(n, total))


def not_understood(failed_tries: int) -> Reply:
    """After an answer we could not understand (the form then asks again); more help after two tries."""
    return say("still_not_understood" if failed_tries >= 2 else "not_understood")


def say(key: str) -> Reply:
    return wording.say(content(), key)


def explained(answers: dict, area: Area | None, outcome: str | None = None) -> tuple[str, list[str], list[str]]:
    """The result in plain words: the headline, why, and what would settle a "don't know".
    The same words in the chat, at "check your answers" and in the team's record. With the
    `outcome` the person was given: if the rules or the area have changed since, that outcome's
    headline alone, never a different result."""
    area = area_for(answers, area) or all_areas()[DEFAULT_AREA_ID]
    result = assess(answers, area)
    texts, reasons = content()["results"], content()["reasons"]
    fill = lambda t, **kw: _fill(t, answers, **kw)  # noqa: E731
    if outcome and outcome != result.outcome and outcome in texts:
        return fill(texts[outcome], area_name=area.name, team_name=area.team_name), [], []
    why = []
    if result.outcome == RIGHT_TO_HAVE:
        headline = fill(texts["right_to_have"])
        why += [fill(reasons[r]) for r in result.reasons if r in reasons and r != "local_group"]
    elif result.outcome == LOCAL_OFFER:
        headline = fill(texts["local_offer"], area_name=area.name)
        # This area's words first; a group another area (or an older file) had keeps its own words.
        labels = {g.id: g.label for a in [*all_areas().values(), area] for g in a.local_offer_groups}
        why += [fill(reasons["local_group"], label=labels[g]) for g in result.local_groups if g in labels]
    else:
        headline = fill(texts["not_in_known_groups"], team_name=area.team_name)
        why += [fill(reasons[r]) for r in result.reasons if r in ("s2_s4_only", "s117_ended")]
    settle = [fill(content()["to_settle"][code], team_name=area.team_name) for code in result.to_settle]
    return headline, why, settle


def result_replies(answers: dict, area: Area | None, now: dt.datetime) -> list[Reply]:
    """The result in plain words: the likely route and why, what would settle a "don't know",
    that the NHS team decides, and how to reach the team."""
    area = area_for(answers, area) or all_areas()[DEFAULT_AREA_ID]
    result = assess(answers, area)
    texts = content()["results"]
    headline, why, settle = explained(answers, area)
    replies = [Reply(text="\n".join([headline, *why]))]
    if settle:
        replies.append(Reply(text="\n".join(settle)))
    closing = [_fill(texts["decision"], answers)]
    if result.outcome == NOT_IN_KNOWN_GROUPS:
        closing.append(_fill(texts["other_support"], answers))
    replies.append(Reply(text=" ".join(closing)))
    replies += team_contacts(area, now)
    buttons = wording.buttons(texts["next_buttons"])
    replies.append(Reply(text=texts["next"], buttons=buttons))
    return replies
