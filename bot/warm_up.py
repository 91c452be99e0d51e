"""What the action server would otherwise load when the first person needs it, loaded as it
starts (`PHB_WARM_UP=yes`, set by scripts/run.sh and deploy/cluster.sh), before it answers its
health check: the content files, the area configs, the outcome coach's spaCy pipeline and
patterns, the crisis detector, and a first connection to the intake database. Loaded lazily,
the pipeline alone cost about 2 s of CPU in the middle of someone's conversation
(docs/benchmarks.md, run O). Then what is loaded is frozen out of the garbage collector's way
(bot/frozen_heap.py)."""

from __future__ import annotations

import logging

from bot import areas, frozen_heap, messages, openings, outcome_analysis, outcomes, replies, wording
from bot.intake import fhir
from bot.safety.detector import detector
from bot.storage.database import database_url, engine_for

logger = logging.getLogger(__name__)


def warm_up() -> None:
    for path in sorted(wording.CONTENT_DIR.glob("*.yml")):
        wording.content(path.stem)
    areas.all_areas()
    messages.all_messages()
    openings.content()
    replies.topic_titles()
    fhir.questionnaire_version()
    # A draft outcome and a crisis check, so every pattern and matcher is built.
    outcomes.check_free_text("draft", "I want to get out and see my friends more")
    outcome_analysis.analyse("I would like to go swimming every week so that I feel better")
    detector().category("hello")
    try:
        with engine_for(database_url()).connect():
            pass
    except Exception as error:  # noqa: BLE001 (a database that is down now is reported when used)
        logger.warning("The intake database could not be reached at start: %s", type(error).__name__)
    frozen_heap.freeze_what_is_loaded()
