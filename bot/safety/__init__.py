"""The crisis safety net: normalise what was typed, then match word lists and patterns per kind of
crisis (content/crisis_terms.yml)."""

from bot.safety.detector import ORDER as CATEGORIES, crisis_category, detector

__all__ = ["CATEGORIES", "crisis_category", "detector"]
