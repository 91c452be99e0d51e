"""bot/conversation_ids.py: only a 128-bit id is a conversation, and what is kept is its keyed hash."""

import secrets

import pytest
from cryptography.fernet import Fernet

from bot.conversation_ids import is_sender, stored_id, stored_ids
from bot.storage.crypto import KEY_VARIABLE, KeyMissing


def test_only_32_lowercase_hex_digits_are_an_id():
    assert is_sender(secrets.token_hex(16))
    for bad in ("default", "A" * 32, "a" * 31, "a" * 33, "g" * 32, " " + "a" * 31, None, 5, "a" * 64):
        assert not is_sender(bad), bad
    with pytest.raises(ValueError):
        stored_id("default")


def test_the_stored_id_is_a_keyed_hash_that_depends_on_the_key(monkeypatch):
    sender = secrets.token_hex(16)
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    monkeypatch.setenv(KEY_VARIABLE, first)
    kept = stored_id(sender)
    assert len(kept) == 64 and sender not in kept and kept == stored_id(sender)
    assert stored_id(secrets.token_hex(16)) != kept
    assert stored_id(sender, second) != kept and stored_id(sender, first) == kept
    # After a rotation (new key first) new messages use the new key; erasure tries both.
    monkeypatch.setenv(KEY_VARIABLE, f"{second},{first}")
    assert stored_id(sender) == stored_id(sender, second)
    assert stored_ids(sender) == [stored_id(sender, second), kept]
    # A stored id is taken as it is, however it is typed.
    assert stored_ids(kept.upper()) == [kept]
    with pytest.raises(ValueError):
        stored_ids("PHB-AAAA-AAAA")


def test_without_a_key_no_id_can_be_made(monkeypatch):
    monkeypatch.setenv(KEY_VARIABLE, "")
    with pytest.raises(KeyMissing):
        stored_id(secrets.token_hex(16))
    monkeypatch.setenv(KEY_VARIABLE, "not a key")
    with pytest.raises(KeyMissing):
        stored_id(secrets.token_hex(16))
