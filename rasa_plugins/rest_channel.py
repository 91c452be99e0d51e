"""The REST channel the widget talks to: Rasa's, with its input checked (bot/chat_request.py).

Set in credentials.yml. It keeps the name "rest", so the URL stays /webhooks/rest/webhook.
Two more changes from Rasa's channel:
- a message that gets no answer (the action server is down or restarting, the tracker store
  failed) is answered with an apology and the urgent-help numbers, never with silence;
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

from bot import chat_request
from bot.messages import render
from bot.replies import Reply, with_urgent_help, with_urgent_line
from rasa_plugins import speedups  # noqa: F401 - applies Rasa speed-ups in the server that loads this channel

logger = logging.getLogger(__name__)


class PhbRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        webhook = Blueprint("phb_rest_webhook", __name__)

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
            collector = CollectingOutputChannel()
            failed = False
            try:
                await on_new_message(UserMessage(parsed.text, collector, parsed.sender, input_channel=self.name(),
                                                 metadata=parsed.metadata))
            except Exception as error:  # noqa: BLE001 - any failure gets the same honest answer
                failed = True
                logger.error("A message could not be handled: %s", type(error).__name__)
            if failed or not collector.messages:
                # Rasa goes on without an action's events when the action server fails, and then
                # has nothing to say: the person must not be left with silence.
                collector.messages.append({"recipient_id": parsed.sender,
                                           "text": with_urgent_help(render("service_trouble"))})
            return response.json(collector.messages)

        return webhook
