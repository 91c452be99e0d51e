"""Anonymous figures for the ICB: what people ask, how checks end, where they drop out, feedback.

Events come from Rasa's event stream (rasa_plugins/insight_broker.py) through derive.py,
which keeps codes only: no message text, no conversation id in clear. Feedback comments
are masked (bot/privacy.py) before they are stored. report.py and cli.py (`phb-insight`) turn
the events into tables, CSV and a chart with small numbers suppressed.
"""
