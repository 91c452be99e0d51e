"""The chat as an HTML page on the assistant's own origin: works with no JavaScript at all, and is
what the widget frames on an ICB's page (issue 23).

GET /chat?area=<id> on the widget host (processes/widget_host.py) is a whole NHS.UK-styled page: the
conversation so far, quick replies as real submit buttons, progress ("Question 2 of 6"), a text
box, "Start again" and "End chat". Each form post goes to the assistant from the server and the
page comes back (post, then redirect, so a reload never sends a message twice). With JavaScript,
widget/src/phb-page.js posts the same forms without reloading and puts the new part of the page in
place. Framed by the widget (`&frame=1`) it is the compact chat panel.

The conversation lives on the server side of this origin, keyed by a random session key: in an
HttpOnly, SameSite=Strict cookie, and in the page's forms (a frame on an ICB's site is cross-site,
where the browser sends no such cookie); never in the ICB's page. What is shown is kept in memory
for as long as Rasa keeps an idle conversation, at most MAX_SESSIONS at once; "End chat" forgets
it here and asks the assistant to forget it too.

Rules only here (what a session holds, what Rasa's answer means, the page's HTML); the HTTP
handling is in processes/widget_host.py.
"""

from __future__ import annotations

import functools
import html
import pathlib
import re
import secrets
import threading
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import yaml

from bot.areas import Area
from bot.chat_request import MAX_TEXT
from bot.messages import all_messages, render

ROOT = pathlib.Path(__file__).resolve().parent.parent
MAX_SESSIONS = 5000
COOKIE = "phb_chat"
FRAME_COOKIE = "phb_frame"  # framed on an ICB's page: partitioned to that site (processes/widget_host.py)
# What the page says it is, so the assistant sends progress and "new conversation" as it does to the widget.
CLIENT = "phb-chat"
LIST_ITEM = re.compile(r"^\s*[-*•]\s+(.*)$")


@functools.lru_cache(maxsize=1)
def words() -> dict:
    return yaml.safe_load((ROOT / "content" / "chat_page.yml").read_text(encoding="utf-8"))


@dataclass
class Message:
    who: str  # "you" or "bot"
    text: str
    buttons: tuple = ()  # (title, payload) pairs


@dataclass
class Session:
    """One person's chat on the page. `sender` is the conversation id the assistant gets (128
    random bits, as the widget makes); `token` guards the forms (a post without it is refused)."""

    area: str
    sender: str = field(default_factory=lambda: secrets.token_hex(16))
    token: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    messages: list = field(default_factory=list)
    progress: tuple | None = None
    notice: str | None = None  # a problem to show once: not sent, too long…
    trouble: bool = False  # the notice is that the assistant could not be reached
    draft: str = ""  # what was typed but not sent, put back in the message box once
    # One post at a time per session (a double click must not send two messages at once).
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def restart(self) -> str:
        """A new conversation (the old id is returned, for the assistant to forget)."""
        old = self.sender
        self.sender, self.messages, self.progress = secrets.token_hex(16), [], None
        self.notice, self.trouble = None, False
        return old

    def renew(self) -> str:
        """Go on under a new id, keeping what is on screen (an intake was sent); the old id."""
        old, self.sender = self.sender, secrets.token_hex(16)
        return old

    def take(self, items) -> bool:
        """Add the assistant's answer (Rasa's REST items); True if it said the conversation is
        done with (an intake was sent), so the page goes on under a new id."""
        messages, progress, done = from_rasa(items)
        self.messages.extend(messages)
        self.progress = progress
        return done


def from_rasa(items) -> tuple[list[Message], tuple | None, bool]:
    """As the widget reads it (widget/src/phb-chat.js fromRasa): text with buttons; a custom
    {progress} belongs to the question before it; anything else is left out."""
    out, progress, done = [], None, False
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        custom = item.get("custom")
        if isinstance(custom, dict):
            done = done or custom.get("new_conversation") is True
            p = custom.get("progress")
            if isinstance(p, dict) and out:
                step, total = p.get("step"), p.get("total")
                if isinstance(step, int) and isinstance(total, int) and 0 < step <= total < 1000:
                    progress = (step, total)
        text = item.get("text")
        if isinstance(text, str) and text:
            buttons = tuple(
                (b["title"], b["payload"])
                for b in item.get("buttons") or []
                if isinstance(b, dict) and isinstance(b.get("title"), str) and isinstance(b.get("payload"), str)
            )
            out.append(Message("bot", text, buttons))
    return out, progress, done


def offered(session: Session) -> dict[str, str]:
    """The buttons the last answer offered, payload by title: only these may be pressed."""
    last = next((m for m in reversed(session.messages) if m.who == "bot"), None)
    return {payload: title for title, payload in (last.buttons if last else ())}


def area_card(area: Area) -> dict:
    """The public facts shown when the assistant cannot be reached: by the widget (served as
    /areas/<id>.json, processes/widget_host.py) and by this page."""
    labels, mark = all_messages()["contact_labels"], all_messages()["example_mark"]
    return {
        "id": area.id,
        "name": area.name,
        "team_name": area.team_name,
        "contacts": [
            {"kind": c.kind, "label": labels[c.kind], "value": c.value + (mark if c.example else "")}
            for c in area.contacts
            if c.kind in ("phone", "textphone")
        ],
    }


# ---- HTML -------------------------------------------------------------------------------------------

# Web addresses, NHS and GOV.UK domains, email addresses and UK phone numbers (as the widget found
# them before it framed this page): a crisis answer's 999, 111 and 116 123 become tap-to-call links.
LINK = re.compile(
    "|".join(
        [
            r"\[([^\]\n]{1,200})\]\(([^)\s]{1,500})\)",
            r"(https?://[^\s<>\"]+)",
            r"\b((?:www\.|[a-z0-9-]+\.)+(?:nhs|gov)\.uk(?:/[^\s<>\"]*)?)",
            r"\b([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})\b",
            r"(?:^|(?<=[\s(]))((?:\+44\s?|0)\d{2,4}(?: ?\d{3,4}){2}|116 ?123|999|111)(?!\d|\s\d|\.\d)",
        ]
    ),
    re.IGNORECASE,
)
TRAILING = ".,;:!?)"


def safe_href(href: str) -> str | None:
    """Only http(s) with a host, mailto and tel ever become links."""
    try:
        url = urlsplit(href)
    except ValueError:
        return None
    scheme = url.scheme.lower()
    if scheme in ("http", "https") and url.netloc:
        return href
    if scheme in ("mailto", "tel") and url.path:
        return href
    return None


def links(line: str) -> list[tuple[str, str | None]]:
    """A line as (text, href) parts: plain text has href None. Link targets are always checked."""
    parts: list[tuple[str, str | None]] = []
    last = 0
    while (match := LINK.search(line, last)) is not None:
        text, href = match.group(0), None
        if match.group(1) is not None:
            text, href = match.group(1), safe_href(match.group(2))
            if not href:
                text = match.group(0)
        elif match.group(3) is not None:
            text = match.group(3).rstrip(TRAILING)
            href = safe_href(text)
        elif match.group(4) is not None:
            text = match.group(4).rstrip(TRAILING)
            href = safe_href("https://" + text)
        elif match.group(5) is not None:
            href = safe_href("mailto:" + match.group(5))
        elif match.group(6) is not None:
            href = safe_href("tel:" + re.sub(r"\s", "", match.group(6)))
        if match.start() > last:
            parts.append((line[last : match.start()], None))
        parts.append((text, href))
        # A markdown link is used up whole; other matches only as far as their text (trailing
        # punctuation stays outside the link).
        last = match.end() if match.group(1) is not None else match.start() + len(text)
    if last < len(line):
        parts.append((line[last:], None))
    return parts


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _line(line: str) -> str:
    """One line, every character escaped; links only through safe_href."""
    out = []
    for text, href in links(line):
        if href is None:
            out.append(_e(text))
        elif href.startswith(("http:", "https:")):
            out.append(
                f'<a class="nhsuk-link" href="{_e(href)}" rel="noopener noreferrer" target="_blank">{_e(text)}'
                f'<span class="nhsuk-u-visually-hidden">{_e(words()["new_tab"])}</span></a>'
            )
        else:
            out.append(f'<a class="nhsuk-link" href="{_e(href)}">{_e(text)}</a>')
    return "".join(out)


def _blocks(text: str) -> str:
    """Lines as paragraphs, "- " lines as lists; nothing typed or said can become markup."""
    out, items = [], []
    for line in text.splitlines():
        item = LIST_ITEM.match(line)
        if item:
            items.append(f"<li>{_line(item.group(1))}</li>")
            continue
        if items:
            out.append(f'<ul class="phb-page__list">{"".join(items)}</ul>')
            items = []
        if line.strip():
            out.append(f'<p class="phb-page__line">{_line(line)}</p>')
    if items:
        out.append(f'<ul class="phb-page__list">{"".join(items)}</ul>')
    return "".join(out)


def _message(message: Message, latest: bool = False) -> str:
    w = words()
    who = w["you"] if message.who == "you" else w["bot"]
    anchor = ' id="latest"' if latest else ""
    return (
        f'<li class="phb-page__msg phb-page__msg--{message.who}"{anchor}>'
        f'<span class="nhsuk-u-visually-hidden">{_e(who)} </span>{_blocks(message.text)}</li>'
    )


def _urgent_lines() -> tuple[str, list[str]]:
    lines = render("urgent_help").splitlines()
    return lines[0], [line[2:] for line in lines[1:] if line.startswith("- ")]


def _urgent() -> str:
    first, lines = _urgent_lines()
    items = "".join(f"<li>{_line(line)}</li>" for line in lines)
    return (
        f'<div class="nhsuk-warning-callout phb-page__urgent"><h2 class="nhsuk-warning-callout__label">'
        f'<span role="text"><span class="nhsuk-u-visually-hidden">Important: </span>{_e(first)}</span>'
        f"</h2><ul>{items}</ul></div>"
    )


def _problem(session: Session, area: Area) -> str:
    """A problem to show once, always with the urgent-help numbers (as every failure message has).
    When the assistant could not be reached, the team's numbers too."""
    if not session.notice:
        return ""
    w = words()
    parts = []
    if session.trouble:
        parts.append(f'<p class="nhsuk-u-font-weight-bold">{_e(session.notice)}</p>')
        contacts = area_card(area)["contacts"]
        if contacts:
            parts.append(
                f"<p>{_e(w['error_team'].format(team=area.team_name))}</p><ul>"
                + "".join(f"<li>{_line(c['label'] + ': ' + c['value'])}</li>" for c in contacts)
                + "</ul>"
            )
    first, lines = _urgent_lines()
    parts.append(f"<p>{_e(first)}</p><ul>" + "".join(f"<li>{_line(line)}</li>" for line in lines) + "</ul>")
    title = w["error_title"] if session.trouble else session.notice
    return (
        f'<div class="nhsuk-error-summary" role="alert" tabindex="-1" id="problem">'
        f'<h2 class="nhsuk-error-summary__title">{_e(title)}</h2>'
        f'<div class="nhsuk-error-summary__body">{"".join(parts)}</div></div>'
    )


@dataclass(frozen=True)
class View:
    """How the page is shown: on its own, or framed by the widget on an ICB's page (`host` is that
    page's origin, checked against the origins allowed to frame the page); `key` is the session's
    key; `ended` after "End chat"."""

    key: str | None = None
    framed: bool = False
    host: str | None = None
    ended: bool = False


def _hidden(area: Area, view: View, token: str | None) -> str:
    fields = {
        "area": area.id,
        "token": token,
        "session": view.key,
        "frame": "1" if view.framed else None,
        "host": view.host if view.framed else None,
    }
    return "".join(
        f'<input type="hidden" name="{name}" value="{_e(value)}">' for name, value in fields.items() if value
    )


def _conversation(session: Session, area: Area, view: View) -> str:
    w = words()
    # The page opens at the newest answer (#latest): where a person reads on from.
    last_you = max((i for i, m in enumerate(session.messages) if m.who == "you"), default=-1)
    first_new = next((i for i, m in enumerate(session.messages) if i > last_you), None)
    log = "".join(_message(m, i == first_new) for i, m in enumerate(session.messages))
    hidden = _hidden(area, view, session.token)
    choices = ""
    buttons = offered(session)
    if buttons:
        # A form of their own: Enter in the message box must send what was typed (a form's Enter
        # presses its first submit button, which would otherwise be the first quick reply).
        choices = (
            f'<form method="post" action="/chat" class="phb-page__choices-form">{hidden}'
            '<fieldset class="nhsuk-fieldset phb-page__choices"><legend class="nhsuk-fieldset__legend">'
            f"{_e(w['choices'])}</legend>"
            + "".join(
                f'<button class="nhsuk-button nhsuk-button--secondary phb-page__choice" type="submit" '
                f'name="reply" value="{_e(payload)}">{_e(title)}</button>'
                for payload, title in buttons.items()
            )
            + "</fieldset></form>"
        )
    progress = ""
    if session.progress:
        step, total = session.progress
        progress = (
            f'<p class="phb-page__progress">{_e(w["progress"].format(step=step, total=total))}'
            f'<span class="phb-page__bar" aria-hidden="true"><span class="phb-page__fill phb-page__fill--'
            f'{round(20 * step / total) * 5}"></span></span></p>'
        )
    actions = (
        f'<form method="post" action="/chat" class="phb-page__actions">{hidden}'
        f'<button class="nhsuk-button nhsuk-button--secondary phb-page__tool" type="submit" name="do" '
        f'value="restart">{_e(w["restart"])}</button> '
        + (
            f'<button class="nhsuk-button nhsuk-button--secondary phb-page__tool" type="button" '
            f'data-action="minimise" hidden>{_e(w["minimise"])}</button> '
            if view.framed
            else ""
        )
        + f'<button class="nhsuk-button nhsuk-button--secondary phb-page__tool" type="submit" name="do" '
        f'value="end">{_e(w["end"])}</button></form>'
    )
    draft = f' value="{_e(session.draft)}"' if session.draft else ""
    answer = (
        f'<div id="extras">{progress}{choices}</div>'
        f'<form method="post" action="/chat" class="phb-page__form" id="answer">{hidden}'
        f'<div class="nhsuk-form-group"><label class="nhsuk-label" for="message">{_e(w["input"])}</label>'
        f'<input class="nhsuk-input" id="message" name="message" type="text" maxlength="{MAX_TEXT}" '
        f'autocomplete="off" enterkeyhint="send"{draft}></div>'
        f'<button class="nhsuk-button phb-page__send" type="submit" name="send" value="1">{_e(w["send"])}'
        f"</button></form>"
    )
    return (
        f'<div id="problem-area">{_problem(session, area)}</div>'
        + (actions if view.framed else "")
        + f'<h2 class="nhsuk-heading-s phb-page__log-title" id="log-title">{_e(w["log"])}</h2>'
        f'<ol class="phb-page__log" id="log" aria-labelledby="log-title" tabindex="0">{log}</ol>'
        f'<p class="phb-page__status" id="status" role="status"></p>'
        f"{answer}" + ("" if view.framed else actions)
    )


def page(session: Session | None, area: Area, view: View = View()) -> str:
    """The whole page. With no session: the page after "End chat", or, framed, the one that starts
    a chat (its script starts or resumes one at once)."""
    w = words()
    back = f"/chat?area={quote(area.id)}" + (
        f"&frame=1&host={quote(view.host, safe='')}" if view.framed and view.host else ""
    )
    if session is not None:
        state, body = "chat", _conversation(session, area, view)
    elif view.framed and not view.ended:
        state = "start"
        body = (
            f'<form method="post" action="/chat" class="phb-page__start">{_hidden(area, view, None)}'
            f'<button class="nhsuk-button" type="submit" name="do" value="start">{_e(w["start"])}</button></form>'
        )
    else:
        state = "ended"
        body = f'<p>{_e(w["ended"])}</p><p><a class="nhsuk-button" href="{_e(back)}">{_e(w["start"])}</a></p>'
    framed = " phb-page--framed" if view.framed else ""
    hint = f'<p class="phb-page__hint">{_e(w["leave_hint"])}</p>' if view.framed else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(w["title"])} - NHS {_e(area.name)}</title>
<link rel="stylesheet" href="/nhsuk/nhsuk-frontend.min.css">
<link rel="stylesheet" href="/phb-page.css">
<script src="/phb-page.js" defer></script>
</head>
<body class="phb-page{framed}" data-state="{state}" data-area="{_e(area.id)}" data-host="{_e(view.host or "")}">
<a class="nhsuk-skip-link" href="#message">{_e(w["skip"])}</a>
<div class="nhsuk-width-container">
<main class="nhsuk-main-wrapper phb-page__main" id="maincontent">
<h1 class="phb-page__title">{_e(w["title"])}</h1>
<p class="nhsuk-lede-text phb-page__subtitle">{_e(w["subtitle"])}</p>
{hint}{"" if view.framed else _urgent()}
<div id="chat">{body}</div>
</main>
</div>
</body>
</html>
"""
