"""Check and normalise the details a person gives. Pure functions, no I/O.

Each returns Valid(value) or Invalid(code); the code names the message that
tells the person what to fix (content/intake.yml, `errors`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Checked:
    value: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def valid(value: str) -> Checked:
    return Checked(value=value)


def invalid(code: str) -> Checked:
    return Checked(error=code)


# ------------------------------------------------------------------ NHS number

NHS_WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def nhs_check_digit(first_nine: str) -> int | None:
    """The modulus-11 check digit for nine digits, or None when no valid number can end them."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, NHS_WEIGHTS)) % 11
    check = 11 - remainder
    if check == 11:
        return 0
    return None if check == 10 else check


def nhs_number(text: str) -> Checked:
    """10 digits (spaces or dashes allowed) whose last digit is the modulus-11 check. Stored as 10 digits."""
    digits = re.sub(r"[\s\-]", "", text or "")
    if not digits.isdigit():
        return invalid("nhs_number_digits")
    if len(digits) != 10:
        return invalid("nhs_number_length")
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        return invalid("nhs_number_check")
    return valid(digits)


def show_nhs_number(digits: str) -> str:
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else digits


# ------------------------------------------------------------------- postcode

# Outward code A9, A99, AA9, AA99, A9A or AA9A; inward 9AA without C, I, K, M, O or V.
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][ABD-HJLNP-UW-Z]{2})$")


def postcode(text: str) -> Checked:
    """A UK postcode in any case, with or without the space; stored as 'AA9A 9AA'."""
    compact = re.sub(r"\s+", "", text or "").upper()
    match = _POSTCODE.match(compact)
    if not match:
        return invalid("postcode")
    outward = match.group(1)
    # A9A and AA9A outward codes end in a letter; A99 and AA99 end in a digit. Both are fine.
    return valid(f"{outward} {match.group(2)}")


# -------------------------------------------------------------- date of birth

MAX_AGE = 120
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_MONTHS.update({name[:3]: n for name, n in list(_MONTHS.items())})
_MONTHS["sept"] = 9


def _year(text: str, today: dt.date) -> int:
    year = int(text)
    if len(text) == 2:
        # "12/03/50": the most recent year ending in 50 that is not in the future.
        year += 2000 if 2000 + year <= today.year else 1900
    return year


def _parse_date(text: str, today: dt.date) -> dt.date | str | None:
    clean = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", (text or "").lower().strip())
    clean = re.sub(r"\bof\b|,", " ", clean)
    clean = " ".join(clean.split())
    # 1950-03-12 (ISO)
    m = re.fullmatch(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})", clean)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return _date(y, mo, d)
    # 12/03/1950, 12-3-50, 12.03.1950, 12 03 1950 (day first, as in the UK)
    m = re.fullmatch(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4}|\d{2})", clean)
    if m:
        return _date(_year(m.group(3), today), int(m.group(2)), int(m.group(1)))
    # 12031950
    m = re.fullmatch(r"(\d{2})(\d{2})(\d{4})", clean)
    if m:
        return _date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    # 12 March 1950, 12 mar 50
    m = re.fullmatch(r"(\d{1,2})[ -]([a-z]+)[ -](\d{4}|\d{2})", clean)
    if m and m.group(2) in _MONTHS:
        return _date(_year(m.group(3), today), _MONTHS[m.group(2)], int(m.group(1)))
    # March 12 1950
    m = re.fullmatch(r"([a-z]+) (\d{1,2}) (\d{4})", clean)
    if m and m.group(1) in _MONTHS:
        return _date(int(m.group(3)), _MONTHS[m.group(1)], int(m.group(2)))
    return None


# A date written in a form we know, that no calendar has (31 February, month 13).
NO_SUCH_DATE = "no such date"


def _date(y: int, mo: int, d: int) -> dt.date | str:
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return NO_SUCH_DATE


def date_of_birth(text: str, today: dt.date) -> Checked:
    """A date in many written forms, day before month; not in the future; an age up to 120. Stored as ISO."""
    born = _parse_date(text, today)
    if born is None:
        return invalid("date_format")
    if born == NO_SUCH_DATE:
        return invalid("date_not_real")
    if born > today:
        return invalid("date_future")
    if (today.year - born.year) > MAX_AGE:
        return invalid("date_too_old")
    return valid(born.isoformat())


def show_date(iso: str) -> str:
    """'1950-03-12' -> '12 March 1950'."""
    try:
        born = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{born.day} {born.strftime('%B')} {born.year}"


# --------------------------------------------------------- contact details


def phone(text: str, mobile_only: bool = False) -> Checked:
    """A UK phone number (a mobile for texts); +44 becomes 0. Stored as digits."""
    raw = (text or "").strip()
    if re.search(r"[^\d\s()+\-.]", raw):
        return invalid("phone")
    digits = re.sub(r"[^\d+]", "", raw)
    if digits.startswith("+44"):
        digits = "0" + digits[3:].lstrip("0")
    elif digits.startswith("0044"):
        digits = "0" + digits[4:].lstrip("0")
    if not re.fullmatch(r"0\d{9,10}", digits):
        return invalid("phone")
    if mobile_only and not re.fullmatch(r"07\d{9}", digits):
        return invalid("mobile")
    return valid(digits)


def show_phone(digits: str) -> str:
    if len(digits) == 11:
        return f"{digits[:5]} {digits[5:]}"
    return digits


_EMAIL = re.compile(
    r"^[^@\s]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def email(text: str) -> Checked:
    """An email address with a domain that has a dot; stored with the domain in lower case."""
    value = (text or "").strip()
    if len(value) > 254 or not _EMAIL.match(value) or ".." in value:
        return invalid("email")
    local, domain = value.rsplit("@", 1)
    return valid(f"{local}@{domain.lower()}")


# ------------------------------------------------------------------ free text

# Words that are replies, not names ("no", "why").
NOT_NAMES = {
    "yes",
    "no",
    "ok",
    "okay",
    "hi",
    "hello",
    "none",
    "stop",
    "help",
    "why",
    "what",
    "nothing",
    "idk",
    "skip",
    "next",
    "back",
    "me",
    "myself",
    "test",
}
# Everyday words that are not part of anyone's name: a sentence ("I want to talk to a
# person", "good morning") is not taken for a name.
NOT_IN_NAMES = {
    "i'm",
    "im",
    "you",
    "want",
    "to",
    "an",
    "the",
    "can",
    "could",
    "please",
    "speak",
    "talk",
    "person",
    "someone",
    "somebody",
    "is",
    "are",
    "am",
    "my",
    "your",
    "it",
    "it's",
    "its",
    "this",
    "that",
    "what",
    "why",
    "how",
    "who",
    "where",
    "when",
    "do",
    "does",
    "don't",
    "know",
    "not",
    "no",
    "yes",
    "hello",
    "hi",
    "hey",
    "good",
    "morning",
    "afternoon",
    "evening",
    "thanks",
    "thank",
    "goodbye",
    "stop",
    "help",
    "name",
    "called",
    "and",
    "or",
    "for",
    "with",
    "about",
    "me",
    "of",
    "in",
    "on",
}
_NAME_PREFIX = re.compile(
    r"^(?:(?:my|their|his|her) (?:full )?name is |(?:i am|i'm|im|it's|its|it is|this is|they are|"
    r"they're|he is|he's|she is|she's) (?:called )?|called )",
    re.I,
)


def name(text: str) -> Checked:
    """A person's name: letters with spaces, hyphens, apostrophes or full stops; up to 100 characters."""
    value = _NAME_PREFIX.sub("", " ".join((text or "").split())).strip()
    if not value:
        return invalid("name_empty")
    if len(value) > 100:
        return invalid("name_long")
    if not re.fullmatch(r"[^\W\d_]+(?:[ '\u2019.\-]+[^\W\d_]+)*\.?", value):
        return invalid("name_characters")
    words = re.split(r"[ .\-]+", value.lower())
    if value.lower() in NOT_NAMES or len(words) > 6 or any(w in NOT_IN_NAMES for w in words):
        return invalid("name_characters")
    return valid(value)


def short_text(text: str, max_chars: int) -> Checked:
    """Free text with at least one letter, up to max_chars characters, spaces tidied."""
    value = " ".join((text or "").split())
    if not value or not re.search(r"[^\W\d_]", value):
        return invalid("text_empty")
    if len(value) > max_chars:
        return invalid("text_long")
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", value):
        return invalid("text_empty")
    return valid(value)
