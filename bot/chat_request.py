"""What the REST channel accepts from the internet (rules; rasa_plugins/rest_channel.py adapts them).

Rasa's own REST channel trusts its input: without a sender every message joins one shared
conversation ("default"), a body that is a JSON list is a server error, a lone UTF-16 surrogate
crashes spaCy, and metadata that is not an object crashes the tracker. Here a request is either
a clean ChatRequest or a Refusal with a 4xx status that says what was wrong.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

from bot import conversation_ids

# The widget's message box allows as many characters (widget/src/phb-chat.js MAX_LENGTH).
MAX_TEXT = 1000
MAX_BODY_BYTES = 64 * 1024
# Ids are made by the widget from exactly 128 random bits, as 32 lowercase hex digits
# (bot/conversation_ids.py). Anything else could be guessed or chosen.
SENDER = conversation_ids.SENDER
BAD_SENDER = "'sender' must be a random id: 32 lowercase hex digits (128 random bits)."
# The only metadata kept: which area's website the chat is on, and which client sent it.
METADATA = {"area": re.compile(r"[a-z0-9-]{1,64}"), "client": re.compile(r"[a-z0-9-]{1,32}")}
KEEP_CONTROLS = {"\n", "\t"}


@dataclass(frozen=True)
class ChatRequest:
    sender: str
    text: str
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Refusal:
    status: int
    error: str
    detail: str

    def body(self) -> dict:
        return {"error": self.error, "detail": self.detail}


def clean_text(text: str) -> str:
    """Drop what no person types and the pipeline cannot take: control characters (NUL breaks
    PostgreSQL) and lone surrogates (invalid Unicode). Letters, emoji and right-to-left text stay."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    kept = (c for c in text if c in KEEP_CONTROLS or unicodedata.category(c) not in ("Cc", "Cs"))
    return "".join(kept).strip()


def clean_metadata(metadata) -> dict:
    """Keep only the fields the assistant reads, and only when they look right: anything else the
    page sends would be stored in the conversation for nothing."""
    if not isinstance(metadata, dict):
        return {}
    return {
        key: value
        for key, pattern in METADATA.items()
        if isinstance(value := metadata.get(key), str) and pattern.fullmatch(value)
    }


def _object(body: bytes) -> dict | Refusal:
    if len(body) > MAX_BODY_BYTES:
        return Refusal(413, "too_large", f"The request is larger than {MAX_BODY_BYTES} bytes.")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Refusal(400, "not_json", "The body must be a JSON object in UTF-8.")
    if not isinstance(data, dict):
        return Refusal(400, "not_an_object", "The body must be a JSON object.")
    if not conversation_ids.is_sender(data.get("sender")):
        return Refusal(400, "bad_sender", BAD_SENDER)
    return data


def read_forget(body: bytes) -> str | Refusal:
    """The id of the conversation to forget ("End chat")."""
    data = _object(body)
    return data if isinstance(data, Refusal) else data["sender"]


def read(body: bytes) -> ChatRequest | Refusal:
    data = _object(body)
    if isinstance(data, Refusal):
        return data
    sender = data["sender"]
    message = data.get("message")
    if not isinstance(message, str):
        return Refusal(400, "bad_message", "'message' must be a string.")
    text = clean_text(message)
    if len(text) > MAX_TEXT:
        return Refusal(413, "message_too_long", f"'message' must be at most {MAX_TEXT} characters.")
    return ChatRequest(sender, text, clean_metadata(data.get("metadata")))
