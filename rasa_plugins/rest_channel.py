"""The REST channel the widget talks to: Rasa's, with its input checked (bot/chat_request.py).

Set in credentials.yml. It keeps the name "rest", so the URL stays /webhooks/rest/webhook.
More changes from Rasa's channel:
- Rasa sees the keyed hash of the widget's id, never the id itself (bot/conversation_ids.py);
- a message that gets no answer (the action server is down or restarting, the tracker store
  failed) is answered with an apology and the urgent-help numbers, never with silence; when the
  tracker store failed, whatever Rasa said is dropped, since it was said to a conversation that
  could not be read or kept (rasa_plugins/store_guard.py); when it is full, the answer is 503;
- POST /webhooks/rest/forget {"sender": id} deletes the conversation (the widget's "End chat");
- Rasa's internals get our speed-ups as the channel is made, unless PHB_RASA_SPEEDUPS=off;
- a failure is logged by its kind only. Rasa's channel logs the message text and the stack's
  local variables, which can hold what the person typed.
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from bot import chat_request, conversation_ids
from bot.expiring_map import Full
from bot.storage.crypto import KeyMissing
from bot.messages import render
from bot.replies import Reply, with_urgent_help, with_urgent_line
from rasa_plugins import store_guard
from rasa_plugins import speedups

logger = logging.getLogger(__name__)


class PhbRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials) -> "PhbRestInput":
        # Rasa makes its channels before it loads the model: the one place our server code runs
        # first. Our speed-ups, unless PHB_RASA_SPEEDUPS=off (rasa_plugins/speedups.py).
        speedups.apply_if_switched_on()
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("phb_rest_webhook", __name__)

        @webhook.listener("after_server_start")
        async def model_loaded(app, _loop):
            # Rasa loads the model before the server starts (its before_server_start listener).
            speedups.after_model_loaded(speedups.model_can_be_replaced(app))

        @webhook.route("/", methods=["GET"])
        async def health(_: Request):
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            parsed = chat_request.read(request.body or b"")
            if isinstance(parsed, chat_request.Refusal):
                return response.json(parsed.body(), status=parsed.status)
            if not parsed.text:
                # Nothing to understand: say so without counting it as a misunderstanding.
                text = with_urgent_line(Reply(text=render("empty_message"))).text
                return response.json([{"recipient_id": parsed.sender, "text": text}])
            try:
                stored = conversation_ids.stored_id(parsed.sender)
            except KeyMissing:
                logger.error("A message could not be handled: %s", KeyMissing.__name__)
                return _trouble(parsed.sender, 503)
            collector = CollectingOutputChannel()
            faults = store_guard.watch()
            failed = False
            try:
                await on_new_message(
                    UserMessage(parsed.text, collector, stored, input_channel=self.name(), metadata=parsed.metadata)
                )
            except Exception as error:  # noqa: BLE001 - any failure gets the same honest answer
                failed = True
                logger.error("A message could not be handled: %s", type(error).__name__)
            if Full.__name__ in faults:
                return _trouble(parsed.sender, 503, "service_busy")
            if failed or faults or not collector.messages:
                # Rasa goes on without an action's events when the action server fails, and then
                # has nothing to say: the person must not be left with silence.
                return _trouble(parsed.sender)
            return response.json([{**m, "recipient_id": parsed.sender} for m in collector.messages])

        @webhook.route("/forget", methods=["POST"])
        async def forget(request: Request):
            parsed = chat_request.read_forget(request.body or b"")
            if isinstance(parsed, chat_request.Refusal):
                return response.json(parsed.body(), status=parsed.status)
            try:
                stored = conversation_ids.stored_id(parsed)
                agent = getattr(request.app.ctx, "agent", None)
                # One message at a time per conversation: a message being answered finishes first.
                if agent is not None and agent.lock_store is not None:
                    async with agent.lock_store.lock(stored):
                        known = await store_guard.forget(stored)
                else:
                    known = await store_guard.forget(stored)
            except Exception as error:  # noqa: BLE001 - said honestly, by kind only
                logger.error("A conversation could not be forgotten: %s", type(error).__name__)
                return response.json({"forgotten": False, "error": "not_forgotten"}, status=503)
            if not known:
                return response.json({"forgotten": False, "error": "no_store"}, status=503)
            return response.json({"forgotten": True})

        return webhook


def _trouble(sender: str, status: int = 200, key: str = "service_trouble"):
    return response.json([{"recipient_id": sender, "text": with_urgent_help(render(key))}], status=status)
