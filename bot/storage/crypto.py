"""Encryption of personal fields at rest (Fernet: AES-128-CBC with HMAC-SHA256).

The key comes from the environment, never from the repository: PHB_INTAKE_KEY
holds one Fernet key, or several separated by commas to rotate keys (the first
encrypts; any of them decrypts). `make run` makes a development key on first
run and says that it is one.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy.types import Text, TypeDecorator

KEY_VARIABLE = "PHB_INTAKE_KEY"


class KeyMissing(RuntimeError):
    """No usable encryption key: nothing personal can be stored or read."""


@functools.lru_cache(maxsize=4)
def _cipher(keys: str) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])
    except (ValueError, TypeError) as err:
        raise KeyMissing(f"{KEY_VARIABLE} is not a valid Fernet key") from err


def cipher() -> MultiFernet:
    keys = os.environ.get(KEY_VARIABLE, "").strip()
    if not keys:
        raise KeyMissing(f"{KEY_VARIABLE} is not set")
    return _cipher(keys)


def new_key() -> str:
    return Fernet.generate_key().decode()


def encrypt_json(value) -> str:
    return cipher().encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).decode()


def decrypt_json(token: str):
    try:
        return json.loads(cipher().decrypt(token.encode()))
    except InvalidToken as err:
        raise KeyMissing(f"a stored field cannot be read with the key in {KEY_VARIABLE}") from err


def conversation_hash(conversation_id: str) -> str:
    """How a record names its conversation. Ids are 128 random bits, so the hash cannot be reversed."""
    return hashlib.sha256(conversation_id.encode()).hexdigest()


class EncryptedJSON(TypeDecorator):
    """A column holding any JSON value, stored encrypted."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt_json(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt_json(value)
