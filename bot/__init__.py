"""Business rules and content for the personal health budget assistant.

This package never imports Rasa, so it can be tested with plain pytest and
used from command-line tools.
"""
