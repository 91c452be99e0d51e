"""What the guide engine decides for one turn; actions/guide_form.py turns it into Rasa events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.replies import Reply


@dataclass
class Decision:
    replies: list[Reply] = field(default_factory=list)
    # Slots to set, in order (a later value for the same slot wins, as with events).
    slots: dict[str, Any] = field(default_factory=dict)
    # The replies carry question progress for the widget (questions and results, not asides).
    progress: bool = False
    # Run this next instead of what the rules would predict ("action_listen", the form).
    followup: str | None = None
    # Leave the form (stop, pause), keeping every answer.
    leave_form: bool = False
