"""bot/frozen_heap.py, and where the servers call it: what a server loads as it starts is left out
of garbage collection, and is still freed when nothing refers to it."""

import gc
import weakref

import pytest

from bot import frozen_heap


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the test run collects as before


class Loaded:
    pass


def test_what_is_alive_is_frozen_and_still_freed_when_let_go(unfrozen):
    loaded = Loaded()
    gone = weakref.ref(loaded)
    count = frozen_heap.freeze_what_is_loaded()
    assert count == gc.get_freeze_count() > 1000
    assert not any(obj is loaded for obj in gc.get_objects())  # frozen: not in any generation
    del loaded
    assert gone() is None  # freed by its count of references, frozen or not


def test_a_cycle_made_while_loading_is_collected_before_the_freeze(unfrozen):
    cycle = Loaded()
    cycle.me = cycle
    gone = weakref.ref(cycle)
    del cycle
    frozen_heap.freeze_what_is_loaded()
    assert gone() is None


def test_the_rasa_server_freezes_once_its_model_is_loaded_only_with_the_speed_ups_on(unfrozen, monkeypatch):
    from rasa_plugins import speedups

    monkeypatch.setenv("PHB_RASA_SPEEDUPS", "off")
    assert speedups.after_model_loaded() is False and gc.get_freeze_count() == 0
    monkeypatch.delenv("PHB_RASA_SPEEDUPS")
    assert speedups.after_model_loaded() is True and gc.get_freeze_count() > 0


def test_a_model_that_can_be_replaced_is_not_frozen(unfrozen):
    from sanic import Sanic

    from rasa_plugins import speedups

    app = Sanic("phb_frozen_heap_test")

    @app.put("/model")
    async def replace(_request):  # as Rasa's HTTP API (rasa/server.py) has it
        return None

    app.router.finalize()
    assert speedups.model_can_be_replaced(app)
    assert speedups.after_model_loaded(speedups.model_can_be_replaced(app)) is False
    assert gc.get_freeze_count() == 0
    plain = Sanic("phb_frozen_heap_test_plain")

    @plain.get("/")
    async def health(_request):
        return None

    plain.router.finalize()
    assert not speedups.model_can_be_replaced(plain)


def test_the_action_server_freezes_after_its_warm_up(unfrozen, monkeypatch, tmp_path):
    from bot.warm_up import warm_up

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'intake.db'}")
    warm_up()
    assert gc.get_freeze_count() > 0
