"""`rasa` with our training adaptations: `python -m rasa_plugins.train train ...`.

scripts/train_if_changed.sh trains through this. With PHB_RASA_SPEEDUPS=off it is stock `rasa`.
"""

import os
import sys

from rasa_plugins.switch import speedups_on


def main() -> None:
    if speedups_on():
        from rasa_plugins import length_buckets

        length_buckets.apply()
        # Rasa's training cache knows a component's settings and data, not how its batches were
        # made: a cache of its own for each version of length_buckets.py, so a stock training
        # never restores a bucketed DIET, nor an old bucketing a new one.
        base = os.environ.get("RASA_CACHE_DIRECTORY") or os.path.join(".rasa", "cache")
        os.environ["RASA_CACHE_DIRECTORY"] = length_buckets.cache_directory(base)
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:]]
    rasa_main()


if __name__ == "__main__":
    main()
