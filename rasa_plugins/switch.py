"""PHB_RASA_SPEEDUPS: our adaptations of Rasa's internals are on unless it says "off".

It switches both kinds: the training adaptation (rasa_plugins/train.py) and the server's
speed-ups (rasa_plugins/speedups.py, applied by our REST channel). Each refuses to run on a Rasa
other than the one it was checked against. A model is trained for one setting: switching it for
`make model` retrains (scripts/train_if_changed.sh); a server switched off runs any of our models
on stock Rasa. Kept free of Rasa imports so scripts can read it quickly.
"""

import os
from importlib.metadata import version

SWITCH = "PHB_RASA_SPEEDUPS"
# The Rasa whose source every adaptation was read against and is tested with.
CHECKED_RASA_VERSION = "3.6.21"


def speedups_on() -> bool:
    """On unless PHB_RASA_SPEEDUPS is "off" (or 0, false, no)."""
    return os.environ.get(SWITCH, "on").strip().lower() not in {"off", "0", "false", "no"}


def require_checked_rasa(what: str) -> None:
    """Refuse, with what to do instead, to adapt a Rasa that `what` was not checked against."""
    found = version("rasa")
    if found != CHECKED_RASA_VERSION:
        raise RuntimeError(
            f"{what} was checked against Rasa {CHECKED_RASA_VERSION}, not {found}. Check it against "
            f"this version's source, or run stock Rasa with {SWITCH}=off."
        )
