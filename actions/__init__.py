"""Rasa SDK adapters. They read the tracker, call bot/, and send responses."""

import os

# The action server (scripts/run.sh, deploy/cluster.sh) loads what bot/ needs before it answers
# its health check, so no one's message waits for it; tests importing actions do not.
if os.environ.get("PHB_WARM_UP") == "yes":
    from bot.warm_up import warm_up

    warm_up()
