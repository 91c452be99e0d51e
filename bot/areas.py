"""Area configuration: one YAML file per ICB area in content/areas/.

Everything an answer says about a particular area (team, contacts, hours,
local offer) comes from these files, never from code. A value copied from a
source page names its source; a value that is only a placeholder has
`example: true`, and the assistant says so whenever it shows it.
"""

from __future__ import annotations

from collections.abc import Mapping
import functools
import pathlib
import re
from dataclasses import dataclass

import yaml

from bot.hours import OpeningHours, parse_opening_hours

AREAS_DIR = pathlib.Path(__file__).resolve().parent.parent / "content" / "areas"
DEFAULT_AREA_ID = "default"
CONTACT_KINDS = ("phone", "textphone", "email", "website")
# What an area's intake endpoint receives: our JSON (phb-intake/1) or a FHIR R4 Bundle
# (docs/intake-formats.md). JSON unless the area's file says otherwise.
INTAKE_FORMATS = ("json", "fhir")
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PHONE = re.compile(r"^(\+44\s?|0)[0-9 ]{9,13}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)


class AreaConfigError(ValueError):
    """An area file is missing something or has a value of the wrong shape."""


@dataclass(frozen=True)
class Contact:
    kind: str
    value: str
    example: bool
    source: str


@dataclass(frozen=True)
class LocalOfferGroup:
    id: str
    label: str
    question: str | None = None  # asked in the eligibility check when set
    applies_to: str = "any"  # "adult", "child" or "any"


@dataclass(frozen=True)
class Area:
    id: str
    name: str
    choice_label: str  # the button a person presses to pick this area
    team_name: str
    aliases: tuple[str, ...]
    first_contact: str
    contacts: tuple[Contact, ...]
    opening_hours: OpeningHours | None
    response_time: str | None
    response_time_example: bool
    local_offer_summary: str
    local_offer_groups: tuple[LocalOfferGroup, ...]
    armed_forces: str
    sources: tuple[str, ...]
    # Where intake records are posted (https), the environment variable holding the
    # endpoint's bearer token, and how long records are kept after the team has them.
    intake_endpoint: str | None = None
    intake_token_env: str | None = None
    retention_days: int | None = None
    intake_format: str = "json"  # one of INTAKE_FORMATS

    @property
    def is_default(self) -> bool:
        return self.id == DEFAULT_AREA_ID

    def contact(self, kind: str) -> Contact | None:
        return next((c for c in self.contacts if c.kind == kind), None)


def _text(raw: dict, key: str, where: str, required: bool = True) -> str:
    value = raw.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise AreaConfigError(f"{where}: '{key}' must be a non-empty text")
    return " ".join(value.split())


def parse_area(raw: dict, where: str) -> Area:
    """Validate one area's data and build an Area; raise AreaConfigError on any problem."""
    if not isinstance(raw, dict):
        raise AreaConfigError(f"{where}: expected a mapping")
    area_id = _text(raw, "id", where)
    if not _ID.match(area_id):
        raise AreaConfigError(f"{where}: id {area_id!r} must be lower-case words joined by '-'")
    contacts = []
    for i, c in enumerate(raw.get("contacts") or []):
        cw = f"{where}: contacts[{i}]"
        kind = _text(c, "kind", cw)
        value = _text(c, "value", cw)
        if kind not in CONTACT_KINDS:
            raise AreaConfigError(f"{cw}: kind must be one of {CONTACT_KINDS}")
        if kind in ("phone", "textphone") and not _PHONE.match(value):
            raise AreaConfigError(f"{cw}: {value!r} is not a UK phone number")
        if kind == "email" and not _EMAIL.match(value):
            raise AreaConfigError(f"{cw}: {value!r} is not an email address")
        if kind == "website" and not value.startswith("https://"):
            raise AreaConfigError(f"{cw}: websites must start with https://")
        example = c.get("example", False)
        if not isinstance(example, bool):
            raise AreaConfigError(f"{cw}: example must be true or false")
        source = "" if example else _text(c, "source", cw)
        contacts.append(Contact(kind, value, example, source))
    hours = None
    if raw.get("opening_hours"):
        try:
            hours = parse_opening_hours(raw["opening_hours"])
        except (ValueError, TypeError) as err:
            raise AreaConfigError(f"{where}: opening_hours: {err}") from err
    offer = raw.get("local_offer") or {}
    groups = []
    for i, g in enumerate(offer.get("groups") or []):
        gw = f"{where}: local_offer.groups[{i}]"
        applies_to = g.get("applies_to", "any")
        if applies_to not in ("adult", "child", "any"):
            raise AreaConfigError(f"{gw}: applies_to must be adult, child or any")
        question = _text(g, "question", gw, required=False) or None
        groups.append(LocalOfferGroup(_text(g, "id", gw), _text(g, "label", gw), question, applies_to))
    rt = raw.get("response_time") or {}
    intake = raw.get("intake") or {}
    endpoint = _text(intake, "endpoint", f"{where}: intake", required=False) or None
    if endpoint and not endpoint.startswith("https://"):
        raise AreaConfigError(f"{where}: intake.endpoint must start with https://")
    token_env = _text(intake, "token_env", f"{where}: intake", required=False) or None
    # Only variables meant for this: an area file must never be able to name the master key.
    if token_env and not re.fullmatch(r"PHB_INTAKE_TOKEN_[A-Z0-9_]+", token_env):
        raise AreaConfigError(f"{where}: intake.token_env must be a variable named PHB_INTAKE_TOKEN_...")
    retention = intake.get("retention_days")
    if retention is not None and (not isinstance(retention, int) or isinstance(retention, bool) or retention < 1):
        raise AreaConfigError(f"{where}: intake.retention_days must be a whole number of days")
    intake_format = intake.get("format", "json")
    if intake_format not in INTAKE_FORMATS:
        raise AreaConfigError(
            f"{where}: intake.format must be one of {', '.join(INTAKE_FORMATS)}, not {intake_format!r}"
        )
    return Area(
        id=area_id,
        name=_text(raw, "name", where),
        choice_label=_text(raw, "choice_label", where),
        team_name=_text(raw, "team_name", where),
        aliases=tuple(a.lower() for a in raw.get("aliases") or []),
        first_contact=_text(raw, "first_contact", where),
        contacts=tuple(contacts),
        opening_hours=hours,
        response_time=_text(rt, "value", where, required=False) or None,
        response_time_example=bool(rt.get("example", False)),
        local_offer_summary=_text(offer, "summary", f"{where}: local_offer"),
        local_offer_groups=tuple(groups),
        armed_forces=_text(raw, "armed_forces", where),
        sources=tuple(raw.get("sources") or []),
        intake_endpoint=endpoint,
        intake_token_env=token_env,
        retention_days=retention,
        intake_format=intake_format,
    )


def load_areas(directory: pathlib.Path = AREAS_DIR) -> dict[str, Area]:
    """Read and validate every areas/*.yml file; the file name must match the id."""
    areas: dict[str, Area] = {}
    for path in sorted(directory.glob("*.yml")):
        with path.open(encoding="utf-8") as fh:
            area = parse_area(yaml.safe_load(fh), path.name)
        if area.id != path.stem:
            raise AreaConfigError(f"{path.name}: id {area.id!r} must match the file name")
        areas[area.id] = area
    if DEFAULT_AREA_ID not in areas:
        raise AreaConfigError(f"{directory}: there must be a {DEFAULT_AREA_ID}.yml")
    return areas


@functools.lru_cache(maxsize=1)
def _shipped() -> dict[str, Area]:
    return load_areas()


def all_areas() -> dict[str, Area]:
    """The shipped areas, read once per process."""
    return _shipped()


def get_area(area_id: str | None) -> Area:
    """The area with this id, or the generic default when the id is unknown or missing."""
    areas = all_areas()
    return areas.get(area_id or "", areas[DEFAULT_AREA_ID])


def areas_for_choice() -> list[Area]:
    """The areas to offer as buttons: by name, the generic default ("Somewhere else") last."""
    return sorted(all_areas().values(), key=lambda a: (a.is_default, a.name))


def known_area_id(area_id: object) -> str | None:
    """Return area_id if it names a shipped area, else None (for untrusted metadata)."""
    return area_id if isinstance(area_id, str) and area_id in all_areas() else None


def stored_area(slot_value: object, metadata: object) -> Area | None:
    """The area already known for a conversation: its `area` slot, else the website's metadata
    (untrusted, so only a shipped area's id counts)."""
    area_id = known_area_id(slot_value)
    if area_id is None and isinstance(metadata, Mapping):
        area_id = known_area_id(metadata.get("area"))
    return get_area(area_id) if area_id else None


def resolve_area(text: str | None) -> Area | None:
    """Find the area a person named in free text ('I'm in Cornwall'), by id, name or alias."""
    if not text:
        return None
    clean = " " + re.sub(r"[^a-z0-9]+", " ", text.lower()).strip() + " "
    candidates = []
    for area in all_areas().values():
        for name in (area.id.replace("-", " "), area.name.lower(), *area.aliases):
            name = re.sub(r"[^a-z0-9]+", " ", name).strip()
            if name and f" {name} " in clean:
                candidates.append((len(name), area))
    # The longest match wins: "isles of scilly" beats a shorter, looser alias.
    return max(candidates, key=lambda c: c[0])[1] if candidates else None
