"""The relay: post each stored record to its area's endpoint, reliably.

It reads the transactional outbox (written with the record). For each row that
is due it takes a short lease, so two relays never post the same row at once,
then POSTs the record in its area's format (our JSON, or a FHIR Bundle:
docs/intake-formats.md) with an `Idempotency-Key` header equal to the record id,
so a receiver that sees a record twice (a retry after a lost reply) keeps one.
2xx: delivered. Connection errors, timeouts, 408, 425, 429 and 5xx: tried again
later, with exponential backoff and jitter (and Retry-After when given); a
record is never given up on. Any other 4xx, or a redirect (3xx, never
followed): the endpoint refused it, so it goes to the dead-letter state for
staff to see. An area with no endpoint: the record waits for staff export.

Endpoints are https only, wherever they come from, on hosts the deployment
allows (PHB_INTAKE_ALLOWED_HOSTS), so a changed area file or environment cannot
send records to an internal or unknown host; tokens come only from variables
named PHB_INTAKE_TOKEN_*, so an area file cannot name the master key.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from urllib.parse import urlsplit
from dataclasses import dataclass, field
from typing import Callable

import requests
from sqlalchemy import or_, select, update

from bot.areas import INTAKE_FORMATS, Area, all_areas
from bot.intake import fhir, models
from bot.intake.models import IntakeRecord, OutboxRow
from bot.intake.record import payload
from bot.intake.store import IntakeStore, utc_now

ENDPOINTS_VARIABLE = "PHB_INTAKE_ENDPOINTS"
ALLOWED_HOSTS_VARIABLE = "PHB_INTAKE_ALLOWED_HOSTS"
# A private certificate authority's bundle, for a team whose endpoint uses one.
CA_BUNDLE_VARIABLE = "PHB_INTAKE_CA_BUNDLE"
FORMATS_VARIABLE = "PHB_INTAKE_FORMATS"
CONTENT_TYPES = {"json": "application/json", "fhir": "application/fhir+json"}
TOKEN_PREFIX = "PHB_INTAKE_TOKEN_"
RETRY_STATUSES = {408, 425, 429}
LEASE = dt.timedelta(minutes=2)


class EndpointRefused(ValueError):
    """An endpoint the relay will not post to: the message says which area and why (no secrets)."""


@dataclass(frozen=True)
class Endpoint:
    url: str
    token: str | None = None
    format: str = "json"  # what the endpoint receives: one of bot.areas.INTAKE_FORMATS

    def __post_init__(self):
        # Personal data never travels in clear, whoever built the endpoint.
        if urlsplit(self.url).scheme != "https":
            raise EndpointRefused(f"{_host(self.url)}: intake endpoints must use https")


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "an endpoint without a host").lower()


def allowed_hosts(environ: dict) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in environ.get(ALLOWED_HOSTS_VARIABLE, "").replace(",", " ").split())


def check_endpoint(area_id: str, url: str, allowed: frozenset[str]) -> None:
    """Refuse an endpoint that is not https, carries a user name or password, or is on a host the
    deployment has not listed in PHB_INTAKE_ALLOWED_HOSTS."""
    parts = urlsplit(url)
    if parts.scheme != "https":
        raise EndpointRefused(f"{area_id}: the intake endpoint must use https")
    if parts.username or parts.password:
        raise EndpointRefused(f"{area_id}: the intake endpoint must not carry a user name or password")
    if _host(url) not in allowed:
        raise EndpointRefused(f"{area_id}: the intake endpoint's host {_host(url)} is not in {ALLOWED_HOSTS_VARIABLE}")


def token_from(environ: dict, area_id: str, variable: str | None) -> str | None:
    if not variable:
        return None
    if not variable.startswith(TOKEN_PREFIX):
        raise EndpointRefused(f"{area_id}: intake.token_env must start with {TOKEN_PREFIX}")
    return environ.get(variable) or None


@dataclass(frozen=True)
class RelaySettings:
    endpoints: dict  # area id -> Endpoint
    timeout: tuple = (3.05, 15)  # connect, read (seconds)
    base_delay: float = 30.0  # the first retry waits about this long
    max_delay: float = 3600.0
    batch: int = 50
    verify: str | bool = True  # True: the system's certificate authorities; or a CA bundle's path


def endpoints_from_config(areas: dict[str, Area] | None = None, environ: dict | None = None) -> dict:
    """Each area's endpoint from its file (intake.endpoint), overridden per deployment by
    PHB_INTAKE_ENDPOINTS ('{"area-id": "https://..."}'). Tokens come from the variable the
    area's file names (intake.token_env), never from the file itself. The format is the
    area's (intake.format), overridden per deployment by PHB_INTAKE_FORMATS
    ('{"area-id": "fhir"}'), for example to try a team's FHIR endpoint before its file changes."""
    environ = os.environ if environ is None else environ
    areas = all_areas() if areas is None else areas
    formats = {a.id: a.intake_format for a in areas.values()}
    formats.update(_formats_override(environ))
    urls = {a.id: a.intake_endpoint for a in areas.values() if a.intake_endpoint}
    override = environ.get(ENDPOINTS_VARIABLE, "").strip()
    urls.update(json.loads(override) if override else {})
    allowed = allowed_hosts(environ)
    found = {}
    for area_id, url in urls.items():
        check_endpoint(area_id, url, allowed)
        area = areas.get(area_id)
        token = token_from(environ, area_id, area.intake_token_env if area else None)
        found[area_id] = Endpoint(url, token, formats.get(area_id, "json"))
    return found


def _formats_override(environ) -> dict:
    text = environ.get(FORMATS_VARIABLE, "").strip()
    formats = json.loads(text) if text else {}
    for area_id, value in formats.items():
        if value not in INTAKE_FORMATS:
            raise ValueError(
                f"{FORMATS_VARIABLE}: the format for {area_id} must be one of "
                f"{', '.join(INTAKE_FORMATS)}, not {value!r}"
            )
    return formats


def body(record, endpoint_format: str) -> str:
    """What the endpoint receives for a stored record, in its format."""
    if endpoint_format == "fhir":
        return json.dumps(fhir.bundle(record, record.reference))
    return json.dumps(payload(record, record.reference))


def backoff(attempts: int, base: float, cap: float, rand: Callable[[], float] = random.random) -> float:
    """Seconds to wait after the nth failed attempt: exponential, capped, with "equal jitter"
    (half fixed, half random) so many records failing together do not retry together."""
    delay = min(cap, base * (2 ** max(attempts - 1, 0)))
    return delay / 2 + rand() * delay / 2


def retry_after(response: requests.Response | None, cap: float) -> float | None:
    value = response.headers.get("Retry-After") if response is not None else None
    if value and value.strip().isdigit():
        return min(float(value), cap)
    return None


@dataclass
class RelayReport:
    delivered: int = 0
    retried: int = 0
    dead: int = 0
    awaiting_export: int = 0
    errors: list = field(default_factory=list)  # (reference, why): no personal data


def relay_once(
    store: IntakeStore,
    settings: RelaySettings,
    now: dt.datetime | None = None,
    http: requests.Session | None = None,
    rand: Callable[[], float] = random.random,
) -> RelayReport:
    """Post every record that is due now. Safe to run from several processes at once."""
    now = now or utc_now()
    http = http or requests.Session()
    report = RelayReport()
    with store.session() as s:
        due = (
            s.execute(
                select(OutboxRow.id)
                .where(
                    OutboxRow.status == models.PENDING,
                    OutboxRow.next_attempt_at <= now,
                    or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until < now),
                )
                .order_by(OutboxRow.next_attempt_at)
                .limit(settings.batch)
            )
            .scalars()
            .all()
        )
    for row_id in due:
        _deliver(store, settings, row_id, now, http, rand, report)
    return report


def _claim(store: IntakeStore, row_id: int, now: dt.datetime) -> bool:
    """Take the row's lease; False when another relay holds it or it is no longer pending."""
    with store.session() as s:
        taken = s.execute(
            update(OutboxRow)
            .where(
                OutboxRow.id == row_id,
                OutboxRow.status == models.PENDING,
                or_(OutboxRow.lease_until.is_(None), OutboxRow.lease_until < now),
            )
            .values(lease_until=now + LEASE)
            .execution_options(synchronize_session=False)
        ).rowcount
    return taken == 1


def _deliver(store, settings, row_id, now, http, rand, report) -> None:
    if not _claim(store, row_id, now):
        return
    with store.session() as s:
        row = s.get(OutboxRow, row_id)
        record = s.get(IntakeRecord, row.record_id)
        endpoint = settings.endpoints.get(row.area)
        reference, key = record.reference, record.id
        data = unbuilt = None
        if endpoint:
            try:
                data = body(record, endpoint.format)
            # A record the FHIR models refuse (pydantic's message quotes values), or any other fault in
            # building one body: that record goes to staff, and the others are still delivered.
            except Exception as err:  # noqa: BLE001
                unbuilt = f"{endpoint.format} body not built ({type(err).__name__})"
    if endpoint is None:
        _finish(store, row_id, status=models.AWAITING_EXPORT)
        report.awaiting_export += 1
        return
    if unbuilt:
        # Not retried by itself (it would fail the same way) and never stops the other records.
        _finish(store, row_id, status=models.DEAD, last_error=unbuilt)
        report.dead += 1
        report.errors.append((reference, unbuilt))
        return
    # The same key in either format: a receiver keeps one copy of a record posted twice.
    headers = {"Idempotency-Key": key, "Content-Type": CONTENT_TYPES[endpoint.format]}
    if endpoint.token:
        headers["Authorization"] = f"Bearer {endpoint.token}"
    response, why = None, None
    try:
        response = http.post(
            endpoint.url,
            data=data,
            headers=headers,
            timeout=settings.timeout,
            allow_redirects=False,
            verify=settings.verify,
        )
    except requests.RequestException as err:
        why = type(err).__name__
    if response is not None and 200 <= response.status_code < 300:
        _finish(store, row_id, status=models.DELIVERED, delivered_at=now)
        report.delivered += 1
        return
    refused = _refused(response)
    if refused:
        _finish(store, row_id, status=models.DEAD, last_error=refused)
        report.dead += 1
        report.errors.append((reference, refused))
        return
    why = why or f"HTTP {response.status_code}"
    with store.session() as s:
        row = s.get(OutboxRow, row_id)
        attempts = row.attempts + 1
        wait = retry_after(response, settings.max_delay) or backoff(
            attempts, settings.base_delay, settings.max_delay, rand
        )
        row.attempts, row.last_error, row.lease_until = attempts, why, None
        row.next_attempt_at = now + dt.timedelta(seconds=wait)
    report.retried += 1
    report.errors.append((reference, why))


def _refused(response: requests.Response | None) -> str | None:
    """Why staff must look at this record, when the endpoint's answer will not change by itself."""
    if response is None:
        return None
    code = response.status_code
    if 300 <= code < 400:
        # Never followed: the record would go somewhere nobody chose. Staff update the address.
        return f"HTTP {code} redirect: the endpoint has moved; update its address"
    if 400 <= code < 500 and code not in RETRY_STATUSES:
        return f"HTTP {code}"
    return None


def _finish(store: IntakeStore, row_id: int, **values) -> None:
    """The row's final state; a post that was made counts as an attempt."""
    with store.session() as s:
        row = s.get(OutboxRow, row_id)
        if values["status"] != models.AWAITING_EXPORT:
            row.attempts += 1
        row.lease_until = None
        for key, value in values.items():
            setattr(row, key, value)


def requeue(store: IntakeStore, reference: str, now: dt.datetime | None = None) -> bool:
    """Send a dead-lettered or exported record again (after staff fixed the cause)."""
    now = now or utc_now()
    with store.session() as s:
        record_id = s.execute(select(IntakeRecord.id).where(IntakeRecord.reference == reference)).scalar()
        if record_id is None:
            return False
        s.execute(
            update(OutboxRow)
            .where(OutboxRow.record_id == record_id)
            .values(status=models.PENDING, next_attempt_at=now, lease_until=None)
        )
        return True
