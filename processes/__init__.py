"""The parts that run as processes: servers and staff commands.

- `widget_host`: serves the chat page, the widget that frames it and each area's contact card
  (`phb-widget serve`, port 8080 under `make run`).
- `conversation_router`: one port in front of several Rasa servers, each conversation always on
  the same one (`make run` with two or more cores).
- `intake_command`: `phb-intake`, the staff command for intake records, including `relay`, the
  process that posts waiting records to each area's endpoint.
- `insight_command`: `phb-insight`, the ICB's anonymous figures.

They use the rules and stores in bot/; nothing in bot/ imports them (tests/unit/test_layers.py).
"""
