"""Every guide the form can run, by the id the `guide` slot holds."""

from __future__ import annotations

from bot.guides.eligibility import ELIGIBILITY
from bot.guides.feedback import FEEDBACK
from bot.guides.guide import Guide
from bot.guides.intake import INTAKE
from bot.guides.money import MONEY_OPTIONS
from bot.guides.outcomes import OUTCOMES

GUIDES: dict[str, Guide] = {guide.id: guide for guide in (ELIGIBILITY, MONEY_OPTIONS, OUTCOMES, INTAKE, FEEDBACK)}
