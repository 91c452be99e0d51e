"""Masking obvious personal data in feedback comments: a table of messages with and without it."""

import pytest

from bot.privacy import MAX_LENGTH, mask

WITH = [
    ("call me on 07700 900123 please", "call me on [phone] please"),
    ("ring 01632 960 000 after 2", "ring [phone] after 2"),
    ("+44 7700 900123", "[phone]"),
    ("(01632) 960000", "[phone]"),
    ("email jo.bloggs@example.org", "email [email]"),
    ("my NHS number is 943 476 5919", "my NHS number is [NHS number]"),
    ("nhs no 9434765919", "nhs no [NHS number]"),
    ("I live at ME14 1XX", "I live at [postcode]"),
    ("postcode tr1 3ls", "postcode [postcode]"),
    ("born 01/02/1950", "born [date]"),
    ("My name is Jo Bloggs and it was great", "My name is [name] and it was great"),
    ("my name is jo bloggs", "my name is [name]"),
    ("I'm called Sam.", "I'm called [name]."),
    ("I am Jo Bloggs, carer", "I am [name], carer"),
    ("This is Mary Smith", "This is [name]"),
    ("I am Quillon Zebedee-Marker, thanks", "I am [name], thanks"),
    ("this is Siobhan O'Neil-McDonald", "this is [name]"),
]
WITHOUT = [
    "It was really helpful, thank you",
    "I waited 3 weeks for 10 minutes",
    "2 or 3 times a day",
    "in 2025 it cost £1,200",
    "This is great",
    "call me back please",
    "Question 5 of 7 was confusing",
]


@pytest.mark.parametrize("text, masked", WITH)
def test_personal_data_is_masked(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize("text", WITHOUT)
def test_other_text_is_kept(text):
    assert mask(text) == text


def test_long_comments_are_cut_and_spaces_tidied():
    assert mask("a  b\n c") == "a b c"
    assert len(mask("x" * 5000)) == MAX_LENGTH
