"""Conversation ids: what the widget sends, and what the assistant keeps.

The widget makes each conversation's id from exactly 128 random bits (32 lowercase hex digits);
anything else is refused, so no id can be guessed or chosen. The id is the only key to a
conversation, so Rasa and every store see a keyed hash of it instead (HMAC-SHA256 with a key
derived from PHB_INTAKE_KEY): a stored id that leaks, from a table, a lock key or a backup,
cannot be used on the webhook to read or continue the conversation.

After a key rotation (`phb-intake rekey`) new messages are hashed with the new first key, so a
conversation in progress starts again; erasure tries every key, so it still finds old ones.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re

from bot.storage.crypto import KEY_VARIABLE, KeyMissing

SENDER = re.compile(r"[0-9a-f]{32}")
# What Rasa sees: 64 hex digits, so it can never be mistaken for a sender.
STORED = re.compile(r"[0-9a-f]{64}")
_LABEL = b"phb conversation id v1"


def is_sender(value) -> bool:
    return isinstance(value, str) and SENDER.fullmatch(value) is not None


def _keys(setting: str | None = None) -> list[bytes]:
    """The id keys, from PHB_INTAKE_KEY (or `setting`, in its format: a staff tool or a test
    working with another process's key)."""
    setting = os.environ.get(KEY_VARIABLE, "") if setting is None else setting
    keys = [k.strip() for k in setting.split(",") if k.strip()]
    if not keys:
        raise KeyMissing(f"{KEY_VARIABLE} is not set")
    try:
        # A Fernet key is the signing key then the encryption key; the id key is derived from both,
        # under its own label, so it is never the key that encrypts anything.
        return [hmac.new(base64.urlsafe_b64decode(k), _LABEL, hashlib.sha256).digest() for k in keys]
    except (ValueError, TypeError) as err:
        raise KeyMissing(f"{KEY_VARIABLE} is not a valid Fernet key") from err


def _hash(key: bytes, sender: str) -> str:
    return hmac.new(key, sender.encode(), hashlib.sha256).hexdigest()


def stored_id(sender: str, keys: str | None = None) -> str:
    """The id Rasa and the stores keep for a conversation the widget calls `sender`."""
    if not is_sender(sender):
        raise ValueError("not a conversation id")
    return _hash(_keys(keys)[0], sender)


def stored_ids(conversation: str, keys: str | None = None) -> list[str]:
    """Every id a conversation may be kept under: the hash under each key for a widget's id, or a
    stored id as it is (staff may be given either)."""
    conversation = conversation.strip().lower()
    if STORED.fullmatch(conversation):
        return [conversation]
    if not is_sender(conversation):
        raise ValueError("a conversation id is 32 or 64 hex digits")
    return [_hash(key, conversation) for key in _keys(keys)]
