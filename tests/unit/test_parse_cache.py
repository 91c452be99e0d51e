"""bot/parse_cache.py: which texts may reuse an NLU result, and the bounded store."""

import pytest

from bot.parse_cache import ParseCache, cache_key


@pytest.mark.parametrize(
    "text, offered, key",
    [
        ("Yes, 18 or over", ["Yes, 18 or over", "No"], "Yes, 18 or over"),
        ("/greet", [], "/greet"),
        ("/restart", ["Yes"], "/restart"),
        ("yes, 18 or over", ["Yes, 18 or over"], None),  # not exactly what was offered: typed
        ("Jo Bench", ["Yes", "No"], None),  # typed: may be personal, never kept
        ('/inform_area{"area": "x"}', [], None),  # a payload with values is not bare
        ("/Greet", [], None),
        ("", [""], None),
        (None, [], None),
    ],
)
def test_only_offered_buttons_and_bare_intents_are_kept(text, offered, key):
    assert cache_key(text, offered) == key


def test_results_are_copies_and_the_oldest_goes_first():
    cache = ParseCache(max_entries=2)
    result = {"intent": {"name": "affirm"}}
    cache.put("Yes", result)
    result["intent"]["name"] = "changed"
    got = cache.get("Yes")
    assert got == {"intent": {"name": "affirm"}}
    got["intent"]["name"] = "changed"
    assert cache.get("Yes") == {"intent": {"name": "affirm"}}
    cache.put("No", {"intent": {"name": "deny"}})
    cache.get("Yes")  # used more recently than "No"
    cache.put("Maybe", {})
    assert len(cache) == 2 and cache.get("No") is None and cache.get("Yes") is not None
    assert (cache.hits, cache.misses) == (4, 1)
