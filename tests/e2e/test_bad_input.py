"""Bad input through the REST channel, against production's storage (PostgreSQL tracker store):
a corpus of known troublemakers, then seeded random messages. The server never answers 5xx;
every request gets answers or a clear 4xx, and the conversation goes on afterwards."""

import json
import random
import secrets

import pytest
import requests

from bot.chat_request import MAX_TEXT
from tests.e2e.conftest import Chat, text_of

WEBHOOK = "/webhooks/rest/webhook"
ANSWER = "amount of NHS money"  # part of the answer to "what is a personal health budget?"

TEXTS = [
    "",
    " ",
    "\n\t  \r\n",
    "\u0000",
    "a\u0000b",
    "\u0007\u001b[31mred\u001b[0m",
    "\u202eevil\u202c",
    "😀🙏🏽👨‍👩‍👧",
    "مرحبا، هل يمكنني الحصول على ميزانية صحية شخصية؟",
    "שלום",
    "zalgo z̷̢a̶l̸g̵o",
    "x" * MAX_TEXT,
    "word " * 200,
    "'; DROP TABLE events; --",
    "1 OR 1=1",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "javascript:alert(1)",
    '{"sender": "someone-else", "message": "hi"}',
    '{"intent": "crisis"}',
    "/restart",
    "/session_start",
    '/inform_area{"area": "../../etc/passwd"}',
    "/inform_area{not json",
    "/nonexistent_intent",
    '/greet{"area": [1, 2]}',
    "%s%s%n",
    "${jndi:ldap://x}",
    "\\ud800",
    "NaN",
    "null",
    "[]",
    "{}",
    "\ufeffhello",
    "ＦＵＬＬＷＩＤＴＨ",
    "what is a personal health budget?" * 20,
]


def post(url, body, headers=None):
    return requests.post(url + WEBHOOK, data=body, timeout=60, headers=headers or {"Content-Type": "application/json"})


def assert_answered(response, sender):
    assert response.status_code == 200, (response.status_code, response.text[:300])
    messages = response.json()
    assert isinstance(messages, list) and messages, "a reply, never silence"
    for message in messages:
        assert message["recipient_id"] == sender
        assert isinstance(message.get("text", ""), str)


def assert_carries_on(chat):
    assert ANSWER in text_of(chat.say("what is a personal health budget?"))


@pytest.mark.parametrize("message", TEXTS, ids=range(len(TEXTS)))
def test_odd_messages_get_an_answer_and_the_conversation_goes_on(sql_stack, message):
    chat = Chat(sql_stack.url, area="kent-and-medway")
    response = post(sql_stack.url, json.dumps({"sender": chat.sender, "message": message, "metadata": chat.metadata}))
    assert_answered(response, chat.sender)
    assert_carries_on(chat)


def test_a_message_longer_than_the_widget_allows_is_refused_clearly(sql_stack):
    chat = Chat(sql_stack.url)
    response = post(sql_stack.url, json.dumps({"sender": chat.sender, "message": "x" * (MAX_TEXT + 1)}))
    assert response.status_code == 413 and response.json()["error"] == "message_too_long"
    assert_carries_on(chat)


SENDER = secrets.token_hex(16)
BAD_REQUESTS = {
    "not JSON": b"hello",
    "invalid UTF-8": b'{"sender": "' + SENDER.encode() + b'", "message": "\xff\xfe hi"}',
    "a JSON list": b"[1, 2]",
    "a JSON string": b'"hi"',
    "JSON null": b"null",
    "empty body": b"",
    "no sender": json.dumps({"message": "hi"}).encode(),
    "sender null": json.dumps({"sender": None, "message": "hi"}).encode(),
    "sender a number": json.dumps({"sender": 12345678901234567890123, "message": "hi"}).encode(),
    "a guessable sender": json.dumps({"sender": "default", "message": "hi"}).encode(),
    "sender with spaces": json.dumps({"sender": "a" * 20 + " " + "b" * 20, "message": "hi"}).encode(),
    "sender too long": json.dumps({"sender": "a" * 129, "message": "hi"}).encode(),
    "no message": json.dumps({"sender": SENDER}).encode(),
    "message null": json.dumps({"sender": SENDER, "message": None}).encode(),
    "message a number": json.dumps({"sender": SENDER, "message": 5}).encode(),
    "message an object": json.dumps({"sender": SENDER, "message": {"text": "hi"}}).encode(),
    "body over 64 KB": json.dumps({"sender": SENDER, "message": "x" * 70_000}).encode(),
}


@pytest.mark.parametrize("name", BAD_REQUESTS)
def test_malformed_requests_get_a_clear_4xx(sql_stack, name):
    response = post(sql_stack.url, BAD_REQUESTS[name])
    assert response.status_code in (400, 413), (response.status_code, response.text[:300])
    assert response.json()["error"] and response.json()["detail"]


@pytest.mark.parametrize(
    "metadata",
    [
        "a string",
        [1, 2],
        None,
        {"area": ["kent-and-medway"]},
        {"area": "nowhere"},
        {"area": "x" * 500},
        {"client": {"a": 1}},
        {"unexpected": "x" * 5000},
    ],
)
def test_odd_metadata_is_ignored(sql_stack, metadata):
    chat = Chat(sql_stack.url)
    response = post(sql_stack.url, json.dumps({"sender": chat.sender, "message": "hello", "metadata": metadata}))
    assert_answered(response, chat.sender)
    assert_carries_on(chat)


def test_the_body_cannot_choose_another_channel_and_other_methods_are_refused(sql_stack):
    chat = Chat(sql_stack.url)
    response = post(
        sql_stack.url,
        json.dumps({"sender": chat.sender, "message": "hello", "input_channel": "socketio", "stream": True}),
        headers={"Content-Type": "text/plain"},
    )
    assert_answered(response, chat.sender)
    assert requests.get(sql_stack.url + WEBHOOK, timeout=10).status_code == 405
    assert requests.put(sql_stack.url + WEBHOOK, data=b"{}", timeout=10).status_code == 405


# Seeded, so a failure can be replayed: mixtures of the kinds of character that break parsers.
ALPHABETS = [
    "abcdefghij ",
    "0123456789",
    "\u0000\u0001\u001f\u007f\u0085",
    "\u200b\u200e\u200f\u202a\u202e\u2066",
    "😀🙏🏽❤️‍🔥🇬🇧",
    "مرحباשלום",
    "\u0301\u0308\u20dd",
    "'\"<>&;%$\\{}[]/",
    "\ud800\udfff",
    "中文字符",
]


def random_message(rng):
    length = rng.choice([1, 2, 5, 20, 100, 400])
    return "".join(rng.choice(rng.choice(ALPHABETS)) for _ in range(length))


def test_random_messages_never_get_a_server_error(sql_stack):
    rng = random.Random(20261126)
    chat = Chat(sql_stack.url, area="cornwall-and-isles-of-scilly")
    failures = []
    for i in range(120):
        message = random_message(rng)
        # json.dumps escapes lone surrogates as \udxxx, as a careless client would send them.
        response = post(sql_stack.url, json.dumps({"sender": chat.sender, "message": message}))
        if response.status_code != 200 or not response.json():
            failures.append((i, repr(message)[:80], response.status_code))
    assert failures == []
    assert_carries_on(chat)
