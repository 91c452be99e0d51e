"""What the REST channel accepts (bot/chat_request.py); the same inputs go through the real server
in tests/e2e/test_bad_input.py."""

import json
import pathlib
import re

import pytest

from bot import chat_page
from bot.areas import all_areas
from bot.chat_request import MAX_BODY_BYTES, MAX_TEXT, ChatRequest, Refusal, clean_metadata, clean_text, read

ROOT = pathlib.Path(__file__).resolve().parents[2]
SENDER = "0123456789abcdef0123456789abcdef"


def body(**fields):
    return json.dumps(fields).encode()


def test_a_good_request_is_read():
    parsed = read(body(sender=SENDER, message="  Hello  ", metadata={"area": "kent-and-medway", "client": "phb-chat"}))
    assert parsed == ChatRequest(SENDER, "Hello", {"area": "kent-and-medway", "client": "phb-chat"})


@pytest.mark.parametrize(
    "raw, error",
    [
        (b"hello", "not_json"),
        (b'{"sender": "\xff"}', "not_json"),
        (b"[1]", "not_an_object"),
        (b"null", "not_an_object"),
        (body(message="hi"), "bad_sender"),
        (body(sender="default", message="hi"), "bad_sender"),
        (body(sender=SENDER + " x", message="hi"), "bad_sender"),
        (body(sender=12345678901234567890123, message="hi"), "bad_sender"),
        (body(sender=SENDER), "bad_message"),
        (body(sender=SENDER, message=["hi"]), "bad_message"),
        (body(sender=SENDER, message="x" * (MAX_TEXT + 1)), "message_too_long"),
        (b" " * (MAX_BODY_BYTES + 1), "too_large"),
    ],
)
def test_bad_requests_are_refused_with_a_reason(raw, error):
    parsed = read(raw)
    assert isinstance(parsed, Refusal) and parsed.error == error
    assert parsed.status in (400, 413) and parsed.body()["detail"]


@pytest.mark.parametrize(
    "text, cleaned",
    [
        ("a\u0000b", "ab"),
        ("line one\r\nline two", "line one\nline two"),
        ("\u001b[31mred\u001b[0m", "[31mred[0m"),
        ("x\ud800y", "xy"),
        ("😀 مرحبا שלום", "😀 مرحبا שלום"),
        ("e\u0301", "é"),
        ("   ", ""),
    ],
)
def test_text_keeps_what_people_type_and_drops_what_breaks_the_pipeline(text, cleaned):
    assert clean_text(text) == cleaned


@pytest.mark.parametrize(
    "metadata, kept",
    [
        (
            {"area": "kent-and-medway", "client": "phb-chat", "other": "x"},
            {"area": "kent-and-medway", "client": "phb-chat"},
        ),
        ({"area": ["kent"]}, {}),
        ({"area": "../../etc"}, {}),
        ({"area": "x" * 65}, {}),
        ("kent", {}),
        (None, {}),
    ],
)
def test_only_known_metadata_of_the_right_shape_is_kept(metadata, kept):
    assert clean_metadata(metadata) == kept


def test_the_chat_page_allows_as_many_characters_as_the_channel():
    page = chat_page.page(chat_page.Session(area="kent-and-medway"), all_areas()["kent-and-medway"])
    assert int(re.search(r'id="message" name="message" type="text" maxlength="(\d+)"', page).group(1)) == MAX_TEXT


def test_the_chat_page_makes_ids_the_channel_accepts():
    # 128 random bits as 32 hex digits (bot/chat_page.py Session.sender).
    assert isinstance(read(body(sender=chat_page.Session(area="x").sender, message="hi")), ChatRequest)
    assert isinstance(read(body(sender="f" * 21, message="hi")), Refusal)
