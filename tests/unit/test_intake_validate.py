"""Checking and normalising the details people give, case by case."""

import datetime as dt

import pytest

from bot.intake import validate

TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    "text, value, error",
    [
        # The examples in shared/domain/phb-facts.md
        ("943 476 5919", "9434765919", None),
        ("654 100 3238", "6541003238", None),
        ("943 476 5910", None, "nhs_number_check"),
        # Written in other ways
        ("9434765919", "9434765919", None),
        ("943-476-5919", "9434765919", None),
        (" 654 100 3238 ", "6541003238", None),
        # Wrong length or not digits
        ("943 476 591", None, "nhs_number_length"),
        ("943 476 59199", None, "nhs_number_length"),
        ("943 476 591O", None, "nhs_number_digits"),
        ("", None, "nhs_number_digits"),
        ("ABC", None, "nhs_number_digits"),
        # A check digit of 10 means no valid number starts with these nine digits
        ("0000000060", None, "nhs_number_check"),
    ],
)
def test_nhs_numbers(text, value, error):
    assert validate.nhs_number(text) == validate.Checked(value, error)


def test_the_check_digit_rule_from_the_fact_sheet():
    assert validate.nhs_check_digit("943476591") == 9
    assert validate.nhs_check_digit("654100323") == 8
    # remainder 0 -> 11 -> 0
    assert validate.nhs_check_digit("000000000") == 0
    assert validate.show_nhs_number("9434765919") == "943 476 5919"


@pytest.mark.parametrize(
    "text, value",
    [
        ("ME14 1XX", "ME14 1XX"),
        ("me141xx", "ME14 1XX"),
        ("  tr1 3lj ", "TR1 3LJ"),  # AA99, lower case, no space
        ("M1 1AE", "M1 1AE"),  # A9
        ("B33 8TH", "B33 8TH"),  # A99
        ("CR2 6XH", "CR2 6XH"),  # AA9
        ("W1A 0AX", "W1A 0AX"),  # A9A
        ("EC1A 1BB", "EC1A 1BB"),  # AA9A
        ("SW1A  1AA", "SW1A 1AA"),
    ],
)
def test_postcodes_are_accepted_and_normalised(text, value):
    assert validate.postcode(text) == validate.Checked(value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12345",
        "ME14",
        "ME14 1CX",
        "ME14 1XI",
        "ME14 1XK",
        "ME14 1MX",
        "ME14 1OX",
        "ME14 1XV",  # inward C I K M O V
        "1ME 1XX",
        "MEE14 1XX",
        "ME14 11X",
        "ME14-1XX",
        "my postcode is ME14 1XX",
    ],
)
def test_postcodes_that_are_not_uk_postcodes(text):
    assert validate.postcode(text).error == "postcode"


@pytest.mark.parametrize(
    "text, value",
    [
        ("12/03/1950", "1950-03-12"),
        ("12-03-1950", "1950-03-12"),
        ("12.03.1950", "1950-03-12"),
        ("12 03 1950", "1950-03-12"),
        ("12/3/1950", "1950-03-12"),
        ("12031950", "1950-03-12"),
        ("1950-03-12", "1950-03-12"),
        ("12 March 1950", "1950-03-12"),
        ("12th March 1950", "1950-03-12"),
        ("12th of March, 1950", "1950-03-12"),
        ("12 mar 1950", "1950-03-12"),
        ("12 Sept 1950", "1950-09-12"),
        ("March 12 1950", "1950-03-12"),
        ("March 12, 1950", "1950-03-12"),
        # Two-digit years: the most recent such year that is not in the future
        ("3/4/21", "2021-04-03"),
        ("12/03/50", "1950-03-12"),
        ("1/1/26", "2026-01-01"),
        ("1/1/27", "1927-01-01"),
        ("25/11/2026", "2026-11-25"),  # born today
        ("29/02/2024", "2024-02-29"),
        ("1 January 1907", "1907-01-01"),  # 119
    ],
)
def test_dates_of_birth_in_many_forms(text, value):
    assert validate.date_of_birth(text, TODAY) == validate.Checked(value)


@pytest.mark.parametrize(
    "text, error",
    [
        ("26/11/2026", "date_future"),
        ("1 January 2030", "date_future"),
        ("1 January 1900", "date_too_old"),
        ("31/02/1990", "date_not_real"),
        ("29/02/2023", "date_not_real"),
        ("13/13/1990", "date_not_real"),
        ("yesterday", "date_format"),
        ("", "date_format"),
        ("1950", "date_format"),
        ("12 Smarch 1950", "date_format"),
    ],
)
def test_dates_of_birth_that_cannot_be_right(text, error):
    assert validate.date_of_birth(text, TODAY).error == error


def test_dates_are_shown_in_words():
    assert validate.show_date("1950-03-12") == "12 March 1950"


@pytest.mark.parametrize(
    "text, mobile_only, value, error",
    [
        ("07700 900123", False, "07700900123", None),
        ("07700900123", True, "07700900123", None),
        ("+44 7700 900123", True, "07700900123", None),
        ("+44 (0)7700 900123", True, "07700900123", None),
        ("0044 7700 900123", False, "07700900123", None),
        ("(01632) 960000", False, "01632960000", None),
        ("01632 960000", True, None, "mobile"),
        ("020 7946 0000", False, "02079460000", None),
        ("0800 123 4567", False, "08001234567", None),
        ("12345", False, None, "phone"),
        ("0770090012", True, None, "mobile"),
        ("call me on 07700900123", False, None, "phone"),
        ("077009001234567", False, None, "phone"),
        ("", False, None, "phone"),
    ],
)
def test_phone_numbers(text, mobile_only, value, error):
    assert validate.phone(text, mobile_only) == validate.Checked(value, error)


@pytest.mark.parametrize(
    "text, value, error",
    [
        ("sam@example.org", "sam@example.org", None),
        ("Sam.Jones+phb@Example.NHS.uk", "Sam.Jones+phb@example.nhs.uk", None),
        (" sam@example.org ", "sam@example.org", None),
        ("sam@example", None, "email"),
        ("sam example.org", None, "email"),
        ("sam@@example.org", None, "email"),
        ("sam@exa mple.org", None, "email"),
        ("sam@example..org", None, "email"),
        ("@example.org", None, "email"),
        ("", None, "email"),
    ],
)
def test_email_addresses(text, value, error):
    assert validate.email(text) == validate.Checked(value, error)


@pytest.mark.parametrize(
    "text, value, error",
    [
        ("Sam Jones", "Sam Jones", None),
        ("  sam   jones ", "sam jones", None),
        ("O'Brien", "O'Brien", None),
        ("Anne-Marie de la Cruz", "Anne-Marie de la Cruz", None),
        ("Zoë Ünal", "Zoë Ünal", None),
        ("Dr. A. Khan", "Dr. A. Khan", None),
        ("Siobhán Ní Bhriain", "Siobhán Ní Bhriain", None),
        ("", None, "name_empty"),
        ("Sam 3", None, "name_characters"),
        ("sam@example.org", None, "name_characters"),
        ("no", None, "name_characters"),
        ("why?", None, "name_characters"),
        ("x" * 101, None, "name_long"),
        ("<script>alert(1)</script>", None, "name_characters"),
    ],
)
def test_names(text, value, error):
    assert validate.name(text) == validate.Checked(value, error)


@pytest.mark.parametrize(
    "text, value, error",
    [
        ("daughter", "daughter", None),
        ("  social   worker ", "social worker", None),
        ("123", None, "text_empty"),
        ("", None, "text_empty"),
        ("a" * 61, None, "text_long"),
        ("bad\x07bell", None, "text_empty"),
    ],
)
def test_short_free_text(text, value, error):
    assert validate.short_text(text, 60) == validate.Checked(value, error)


@pytest.mark.parametrize(
    "text, value",
    [
        ("my name is Sam Jones", "Sam Jones"),
        ("It's Mary Smith", "Mary Smith"),
        ("she's called Ann Lee", "Ann Lee"),
        ("Mohammed bin Salman Al Saud", "Mohammed bin Salman Al Saud"),
    ],
)
def test_a_name_inside_a_short_sentence_is_found(text, value):
    assert validate.name(text) == validate.Checked(value)


@pytest.mark.parametrize(
    "text",
    [
        "I want to talk to a person",
        "Good morning",
        "can you help me",
        "hello there",
        "thanks bye",
        "what is a personal health budget",
        "I don't know their name",
    ],
)
def test_sentences_are_not_names(text):
    assert validate.name(text).error == "name_characters"
