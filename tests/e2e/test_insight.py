"""Feedback and the ICB's figures, end to end: conversations over HTTP, the event broker, then `phb-insight`."""

import csv
import datetime as dt
import subprocess
import time

from sqlalchemy import create_engine, text

from tests.e2e.conftest import RASA, ROOT, Chat, buttons_of, text_of

KENT, CORNWALL = "kent-and-medway", "cornwall-and-isles-of-scilly"
PHONE = "07700 900461"


def count_rows(url):
    engine = create_engine(url, future=True)
    with engine.connect() as c:
        n = c.execute(text("SELECT COUNT(*) FROM insight_events")).scalar()
    engine.dispose()
    return n


def wait_until_written(url, seconds=20):
    """The broker writes in the background: wait until the count stops growing."""
    last, deadline = -1, time.monotonic() + seconds
    while time.monotonic() < deadline:
        n = count_rows(url)
        if n == last and n > 0:
            return n
        last = n
        time.sleep(1)
    return last


def one_conversation(url, area, comment):
    chat = Chat(url, area=area)
    assert "amount of NHS money" in text_of(chat.say("what is a personal health budget?"))
    chat.say("Could I get one?")
    chat.say("For someone I care for")
    chat.say("Yes, 18 or over")
    assert "legal right" in text_of(chat.say("Yes"))
    replies = chat.say("bye")
    assert "Did I help you today?" in text_of(replies)
    assert buttons_of(replies) == ["Yes, it helped", "It helped a bit", "No, it didn't help", "No thanks"]
    assert "anything you'd like to tell us" in text_of(chat.say("Yes, it helped"))
    assert "Thank you for telling us" in text_of(chat.say(comment))
    return chat


def test_feedback_is_asked_once_and_no_thanks_ends_it(servers):
    chat = Chat(servers["url"], area=KENT)
    assert "Did I help you today?" in text_of(chat.say("bye"))
    assert "Goodbye" in text_of(chat.say("No thanks"))
    again = text_of(chat.say("bye"))
    assert "Goodbye" in again and "Did I help" not in again
    # The conversation carries on normally afterwards.
    assert "amount of NHS money" in text_of(chat.say("what is a personal health budget?"))


def test_go_back_and_stop_at_the_comment_do_what_they_say(servers):
    chat = Chat(servers["url"], area=KENT)
    chat.say("bye")
    assert "anything you'd like to tell us" in text_of(chat.say("It helped a bit"))
    # "Go back" asks the first question again; it is not taken as the comment.
    assert "Did I help you today?" in text_of(chat.say("go back"))
    assert "anything you'd like to tell us" in text_of(chat.say("No, it didn't help"))
    # "Stop" ends it with no comment; the score given is kept, so it is not asked again.
    assert "Goodbye" in text_of(chat.say("stop"))
    again = text_of(chat.say("bye"))
    assert "Goodbye" in again and "Did I help" not in again
    # The conversation carries on normally afterwards.
    assert "amount of NHS money" in text_of(chat.say("what is a personal health budget?"))


def test_several_conversations_then_the_report_counts_them(servers, tmp_path):
    chats = [
        one_conversation(servers["url"], KENT, f"Clear answers, ring me on {PHONE}" if n == 0 else "No")
        for n in range(5)
    ]
    chats.append(one_conversation(servers["url"], CORNWALL, "No"))
    wait_until_written(servers["database_url"])

    today = dt.datetime.now(dt.timezone.utc).date()
    start, end = (today - dt.timedelta(days=1)).isoformat(), (today + dt.timedelta(days=1)).isoformat()
    out = tmp_path / "insight"
    result = subprocess.run(
        [str(RASA.parent / "phb-insight"), "report", "--area", KENT, "--from", start, "--to", end, "--out", str(out)],
        cwd=ROOT,
        env=servers["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "CONVERSATIONS PER WEEK" in result.stdout
    values = {
        (row["section"], row["measure"]): row["value"]
        for row in csv.DictReader((out / f"insight-{KENT}-{start}-{end}.csv").open())
    }
    # Other tests in this run also talk to Kent: at least our five, counted as conversations.
    assert int(values[("summary", "conversations")]) >= 5
    assert int(values[("top topics", "faq/what_is_phb")]) >= 5
    assert int(values[("guides", "eligibility finished")]) >= 5
    assert int(values[("eligibility results", "Likely legal right")]) >= 5
    assert int(values[("feedback", "Yes, it helped")]) >= 5
    assert int(values[("quarterly by cohort", "NHS Continuing Healthcare: enquiries")]) >= 5
    assert (out / f"insight-{KENT}-{start}-{end}.png").read_bytes()[:4] == b"\x89PNG"
    comments = (out / f"insight-{KENT}-{start}-{end}-comments.csv").read_text()
    assert "Clear answers, ring me on [phone]" in comments and PHONE not in comments

    # Cornwall's report counts Cornwall's conversations (other tests in this run talk to Cornwall too), and no
    # figure from 1 to 4 appears anywhere in it.
    cornwall = subprocess.run(
        [
            str(RASA.parent / "phb-insight"),
            "report",
            "--area",
            CORNWALL,
            "--from",
            start,
            "--to",
            end,
            "--out",
            str(out),
        ],
        cwd=ROOT,
        env=servers["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    rows = list(csv.DictReader((out / f"insight-{CORNWALL}-{start}-{end}.csv").open()))
    assert cornwall.returncode == 0
    assert next(r["value"] for r in rows if r["measure"] == "conversations") not in ("0", "")
    assert not [r for r in rows if r["value"] in {"1", "2", "3", "4"}]
    assert any(r["value"] == "<5" for r in rows)

    # Nothing in the table names a conversation or holds what people typed.
    engine = create_engine(servers["database_url"], future=True)
    with engine.connect() as c:
        dump = " ".join(str(r) for r in c.execute(text("SELECT * FROM insight_events")))
    engine.dispose()
    assert PHONE not in dump and "personal health budget?" not in dump and "Could I get one" not in dump
    assert not any(chat.sender in dump for chat in chats)
