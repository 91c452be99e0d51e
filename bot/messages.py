"""Messages composed by actions, read from content/messages.yml."""

from __future__ import annotations

import functools
import pathlib
import string

import yaml

MESSAGES_FILE = pathlib.Path(__file__).resolve().parent.parent / "content" / "messages.yml"


@functools.lru_cache(maxsize=1)
def all_messages() -> dict:
    with MESSAGES_FILE.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def render(key: str, **values: str) -> str:
    """Fill message `key`. A missing or unused value is an error, so no answer has gaps."""
    template = all_messages()[key]
    wanted = placeholders(template)
    if wanted != set(values):
        raise KeyError(f"message {key!r} needs {sorted(wanted)}, got {sorted(values)}")
    return template.format(**values)
