"""What a server loads as it starts is set aside from Python's garbage collector.

A Rasa server's heap holds millions of objects once its model is loaded (TensorFlow, spaCy, the
domain); an action server's, its spaCy pipeline and content. Python's full collection walks all
of them: about 300 ms each time, once every 10 to 20 s under load, with every message in hand
waiting (docs/benchmarks.md, run X). They live as long as the server, so after one last collection
they are frozen (`gc.freeze`): later collections look only at what came after. Objects frozen are
still freed when nothing refers to them; only cycles among them would stay, and the collection
just before freezing clears those made while loading.
"""

from __future__ import annotations

import gc


def freeze_what_is_loaded() -> int:
    """Collect once, then freeze everything alive now; how many objects were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
