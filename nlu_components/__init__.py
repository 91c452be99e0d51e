"""Custom Rasa NLU components. Thin adapters: the rules live in bot/."""
