"""What the outcomes coach says (words from content/outcomes.yml)."""

from __future__ import annotations

from bot.outcome_analysis import analyse, rewrite
from bot.outcomes import content, finished_outcomes, kind_of, options, replay
from bot import wording
from bot.replies import Reply


def _text(key: str, **values: str) -> str:
    return wording.plain(content()[key], **values)


def say(key: str) -> Reply:
    return wording.say(content(), key)


_buttons = wording.buttons


def numbered(outcomes: list[str]) -> str:
    return "\n".join(f"{i}. {text}" for i, text in enumerate(outcomes, 1))


def feedback(draft: str) -> list[Reply]:
    """Specific, kind feedback on a draft, and a suggested rewrite in the pattern."""
    a = analyse(draft)
    if not a.findings:
        return [Reply(text=_text("review_clear"))]
    tips = [content()["findings"][f].format(provision=a.provision or "it").strip() for f in a.findings]
    lines = [_text("review_intro"), *(f"- {' '.join(t.split())}" for t in tips)]
    suggestion = rewrite(a)
    after = [_text("suggestion_gaps")] if "[" in suggestion else []
    return [
        Reply(text="\n".join(lines)),
        Reply(text=content()["suggestion"].format(suggestion=suggestion)),
        Reply(text=" ".join([*after, _text("their_words")])),
    ]


def _draft_prompt(answers: dict) -> str:
    s = replay(answers)
    if s.rewriting:
        return _text("draft_again")
    if s.target is not None:
        return _text("draft_change", n=str(s.target + 1))
    return content()["draft_first"].strip() if not s.drafted and not s.outcomes else _text("draft_next")


def ask(step: str, answers: dict) -> list[Reply]:
    kind = kind_of(step)
    s = replay(answers)
    if kind in content()["questions"]:
        return [
            Reply(text=" ".join(content()["questions"][kind].split()), buttons=_buttons([content()["not_sure_label"]]))
        ]
    if kind == "draft":
        return [Reply(text=_draft_prompt(answers))]
    if kind == "review":
        buttons = _buttons([o["label"] for o in options("review", s)])
        replies = feedback(s.draft)
        return [*replies[:-1], Reply(text=replies[-1].text, buttons=buttons)]
    if kind == "pick":
        lines = [numbered(s.outcomes), _text("pick_change" if s.picking == "change" else "pick_remove")]
        return [Reply(text="\n".join(lines))]
    # kind == "next": the list so far, then what to do next.
    lines = [_text("next_intro"), numbered(s.outcomes)] if s.outcomes else []
    if len(s.outcomes) >= content()["max_outcomes"]:
        lines.append(_text("next_full"))
    elif len(s.outcomes) < 3:
        lines.append(_text("next_few"))
    lines.append(_text("next_question"))
    return [Reply(text="\n".join(lines), buttons=_buttons([o["label"] for o in options("next", s)]))]


def not_understood(failed_tries: int, reason: str | None = None, answers: dict | None = None) -> Reply:
    """Why a message could not be used, and what to do; more help after two tries at a choice."""
    bad = content()["bad_input"]
    if reason == "help":
        return Reply(text=content()["draft_help"].strip())
    if reason == "pick":
        return Reply(text=bad["pick"].format(count=len(replay(answers or {}).outcomes)))
    if reason in bad and reason != "unclear":
        return Reply(text=" ".join(bad[reason].split()))
    return Reply(text=" ".join(bad["still_unclear" if failed_tries >= 2 else "unclear"].split()))


def result_replies(answers: dict) -> list[Reply]:
    """A numbered summary to copy, that the NHS team agrees them, and what next."""
    outcomes = finished_outcomes(answers)
    first = Reply(text=_text("summary_intro") + "\n" + numbered(outcomes)) if outcomes else say("summary_none")
    return [first, say("summary_end"), Reply(text=_text("next"), buttons=_buttons(content()["next_buttons"]))]
