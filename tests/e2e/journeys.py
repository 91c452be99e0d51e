"""Whole journeys that several end-to-end tests walk, with marker values that no real message
would contain, so a search for them finds only what this journey left behind."""

import math
import os
import re

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from tests.e2e.conftest import text_of

# A sealed value (a Fernet token: bot/storage/crypto.py) is ciphertext in URL-safe base64, which by
# chance can spell a short marker word such as "privet" in some mix of case: CI once failed so.
_SEALED = re.compile(r"gAAAAA[0-9A-Za-z_-]+={0,2}")


def _sealed_length(candidate: str, cipher: MultiFernet) -> int:
    """How much of `candidate` is one token that opens with the key (0 if none): in a database
    file, a sealed column may run straight on into the next column's clear text."""
    lengths = [len(candidate)] + [4 * math.ceil((57 + 16 * k) / 3) for k in range(1, len(candidate) // 21 + 1)]
    for length in lengths:  # a token is 57 + 16k bytes
        if length <= len(candidate):
            try:
                cipher.decrypt(candidate[:length].encode())
                return length
            except (InvalidToken, ValueError):
                continue
    return 0


def in_clear(text, key=None):
    """The text with each value sealed with `key` (the test run's PHB_INTAKE_KEY unless given)
    replaced by "[sealed]", so a search finds only what is in clear. Only what opens with the key is
    blanked, so nothing in clear can hide in a look-alike."""
    cipher = MultiFernet([Fernet(key or os.environ["PHB_INTAKE_KEY"])])

    def blank(match):
        found = match.group(0)
        length = _sealed_length(found, cipher)
        return "[sealed]" + found[length:] if length else found

    return _SEALED.sub(blank, text)


MARKERS = {
    "name": "Quillon Zebedee-Marker",
    "email": "quillon.marker@example.org",
    "postcode": "ZE2 9QX",
    "nhs": "654 100 3238",
    "note": "kumquat xylophone marker",
    "relationship": "grandmarkerson",
}
# A second set, for a test that searches a store other tests also write to.
PRIVATE_MARKERS = {
    "name": "Ysolde Quaxley-Privet",
    "email": "ysolde.privet@example.org",
    "postcode": "ZE3 7QY",
    "nhs": "712 345 6785",
    "note": "persimmon glockenspiel privet",
    "relationship": "greatprivetniece",
}


def marker_forms(markers):
    """The values, and other forms they take once stored or shown."""
    words = {
        w
        for value in markers.values()
        for w in value.replace("-", " ").replace(".", " ").split()
        if len(w) > 5 and w.isalpha()
    }
    return [*markers.values(), markers["nhs"].replace(" ", ""), *sorted(words)]


def intake_up_to_review(chat, markers=MARKERS):
    """Leave details as a family member, with every personal field a marker, up to "check your answers"."""
    steps = [
        ("Leave my details for the team", "Before I ask for any details"),
        ("Yes, I agree", "Who is filling this in?"),
        ("Family or a carer", "relationship"),
        (markers["relationship"], "full name of the person"),
        (markers["name"], "date of birth"),
        ("12th March 1950", "NHS number"),
        (markers["nhs"], "postcode"),
        (markers["postcode"], "How would you like the team to contact you?"),
        ("Email", "email address"),
        (markers["email"], "best time"),
        ("Afternoon", "help to talk with the team"),
        ("Large print", "anything else"),
        (markers["note"], "check your answers"),
    ]
    for message, expected in steps:
        replies = chat.say(message)
        assert expected in text_of(replies), (message, text_of(replies))
    return replies


def reference_in(replies):
    return next(w for w in text_of(replies).split() if w.startswith("PHB-")).rstrip(".")
