"""Intake records as HL7 FHIR: one transaction Bundle per record, and the Questionnaire it answers.

Every resource is built from, and so validated by, the models of the `fhir.resources`
library (6.5.0: the last release with R4B as its default models on pydantic v1, which Rasa 3.6
needs; 7.0.x defaults to R5). Its models are FHIR 4.3.0 ("R4B"),
which for the resources used here (Bundle, Patient, Consent, QuestionnaireResponse,
ServiceRequest, Questionnaire) has the same structure as R4 (4.0.1); the tests parse
every resource with fhirclient's R4 models too. docs/intake-formats.md explains the choices.

Pure: no database, no Rasa. `python -m bot.intake.fhir questionnaire` prints the Questionnaire
(committed as docs/fhir/questionnaire.json).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
import sys
import uuid
from typing import Iterable

from fhir.resources.address import Address
from fhir.resources.bundle import Bundle, BundleEntry, BundleEntryRequest
from fhir.resources.codeableconcept import CodeableConcept
from fhir.resources.coding import Coding
from fhir.resources.consent import Consent
from fhir.resources.contactpoint import ContactPoint
from fhir.resources.extension import Extension
from fhir.resources.humanname import HumanName
from fhir.resources.identifier import Identifier
from fhir.resources.patient import Patient, PatientCommunication, PatientContact
from fhir.resources.questionnaire import Questionnaire, QuestionnaireItem
from fhir.resources.questionnaireresponse import (
    QuestionnaireResponse,
    QuestionnaireResponseItem,
    QuestionnaireResponseItemAnswer,
)
from fhir.resources.reference import Reference
from fhir.resources.servicerequest import ServiceRequest

from bot.answers import DONT_KNOW
from bot.eligibility import content as eligibility_content
from bot.eligibility_replies import question_text as eligibility_question
from bot.intake.questions import content
from bot.intake.readable import ABOUT_YOU, CONTACT, PARTS, first_question, record_sections

# Identifiers whose value is a URI: here the record's id written as a URN UUID.
URI_SYSTEM = "urn:ietf:rfc:3986"
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
# UK Core: the person typed the number; no one has traced it on the Personal Demographics Service.
NHS_NUMBER_VERIFICATION = "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus"
NHS_NUMBER_VERIFICATION_CODES = "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
INTERPRETER_REQUIRED = "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"

# Our Questionnaire's canonical url. We own no web address for it, so it is a fixed URN UUID
# (globally unique, not an address); the Questionnaire itself is docs/fhir/questionnaire.json.
QUESTIONNAIRE_URL = "urn:uuid:5d0b6a52-2f4e-4c7b-9a51-7e0c3f6d1b28"
QUESTIONNAIRE_NAME = "PhbIntake"
QUESTIONNAIRE_TITLE = "Details left for the NHS personal health budget team"
# Words for staff only (the person never sees them): the referral, the consent, the reference.
REFERRAL_TEXT = "Contact the person about a personal health budget"
CONSENT_TEXT = "Agreed to send these details to the area's personal health budget team"
NOTICE_TEXT = "Privacy notice version {version}"
REFERENCE_TEXT = "Intake reference"
FILLED_IN_BY = {"family": "Family member or carer, for the person", "professional": "Professional, for the person"}
LOCAL_GROUP_TEXT = "A question about the area's local offer"
# Answers that are sentences rather than a word or two.
LONG_ANSWERS = {"anything_else", "check.result", "check.why", "check.to_find_out", "outcomes.outcome"}

_HEX_ID = re.compile(r"^[0-9a-f]{32}$")
# Only for a record id that is not 32 hex digits (none is today: ids are secrets.token_hex(16)).
_ID_NAMESPACE = uuid.UUID("b7e0a1c4-6f3d-4d8e-8a2b-1c9f5e7d3a60")


def record_uuid(record_id: str) -> uuid.UUID:
    """The record's id as a UUID. An id is 128 random bits written as 32 hex digits: the same
    bits with hyphens, so the Idempotency-Key and the FHIR identifier are one value."""
    if _HEX_ID.match(record_id or ""):
        return uuid.UUID(hex=record_id)
    return uuid.uuid5(_ID_NAMESPACE, record_id)


def record_urn(record_id: str) -> str:
    return f"urn:uuid:{record_uuid(record_id)}"


def _resource_urn(record_id: str, kind: str) -> str:
    # Name-based (RFC 4122 version 5) in the record's own namespace: the same record always
    # gives the same fullUrls, and no two records share one.
    return f"urn:uuid:{uuid.uuid5(record_uuid(record_id), kind)}"


def _utc(value: dt.datetime) -> dt.datetime:
    # Stored times are naive UTC; FHIR needs the zone with a time.
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).replace(microsecond=0)


def _given(details: dict, key: str) -> str | None:
    """An answer the person gave: not missing, not empty and not "I don't know"."""
    value = details.get(key)
    if not isinstance(value, str) or not value.strip() or value == DONT_KNOW:
        return None
    return value.strip()


def _uri_identifier(urn: str) -> Identifier:
    return Identifier(system=URI_SYSTEM, value=urn)


def _if_none_exist(urn: str) -> str:
    return f"identifier={URI_SYSTEM}|{urn}"


# ------------------------------------------------------------------------------- the Patient


def _nhs_number(value: str) -> Identifier:
    status = CodeableConcept(
        coding=[Coding(system=NHS_NUMBER_VERIFICATION_CODES, code="02", display="Number present but not traced")]
    )
    return Identifier(
        system=NHS_NUMBER_SYSTEM,
        value="".join(value.split()),
        extension=[Extension(url=NHS_NUMBER_VERIFICATION, valueCodeableConcept=status)],
    )


def _how_to_contact(details: dict) -> tuple[list, str | None]:
    """(telecom, address text) from how the person asked to be contacted."""
    method, detail = _given(details, "contact_method"), _given(details, "contact_detail")
    if not detail:
        return [], None
    if method in ("phone", "text"):
        return [ContactPoint(system="phone", value=detail, use="mobile" if method == "text" else None, rank=1)], None
    if method == "email":
        return [ContactPoint(system="email", value=detail, rank=1)], None
    if method == "post":
        return [], detail
    return [], None


def patient(row, urn: str) -> Patient:
    """The person the budget is for, from what was given; "I don't know" answers are left out.

    The phone, email or address are of whoever filled the form in: the person's own when they
    filled it in themselves, otherwise a contact (a family member, a carer or a professional)."""
    details = dict(row.details or {})
    identifiers = [_uri_identifier(urn)]
    if _given(details, "nhs_number"):
        identifiers.append(_nhs_number(details["nhs_number"]))
    telecom, address_text = _how_to_contact(details)
    postcode = _given(details, "postcode")
    by_someone_else = details.get("filled_by") in ("family", "professional")
    contact = None
    if by_someone_else and (telecom or address_text):
        relationship = _given(details, "relationship")
        contact = [
            PatientContact(
                relationship=[CodeableConcept(text=relationship)] if relationship else None,
                telecom=telecom or None,
                address=Address(text=address_text) if address_text else None,
            )
        ]
        telecom, address_text = [], None
    address = None
    if postcode or address_text:
        address = [Address(text=address_text, postalCode=postcode)]
    name = _given(details, "name")
    language = _given(details, "language")
    needs = (details.get("communication_needs") or "").split(",")
    return Patient(
        extension=[Extension(url=INTERPRETER_REQUIRED, valueBoolean=True)] if "interpreter" in needs else None,
        identifier=identifiers,
        name=[HumanName(text=name)] if name else None,
        telecom=telecom or None,
        birthDate=_given(details, "date_of_birth"),
        address=address,
        contact=contact,
        communication=[PatientCommunication(language=CodeableConcept(text=language), preferred=True)]
        if language
        else None,
    )


# ------------------------------------------------------------------ the answers, in plain words


def _answer_items(rows) -> list[QuestionnaireResponseItem]:
    """One item per row; rows sharing a key (the outcomes) are one item with an answer each,
    in order, as FHIR asks of a repeating question."""
    texts = _item_texts()
    groups: list[list] = []
    for r in rows:
        if groups and groups[-1][0].key == r.key:
            groups[-1].append(r)
        else:
            groups.append([r])
    items = []
    for same in groups:
        # The Questionnaire's own words (validators require them); the words the person saw
        # ("they", "Outcome 2", an area's own local offer question) stay in the answer where needed.
        values = [f"{r.label}: {r.value}" if r.key == "check.local_group" else r.value for r in same]
        answers = [QuestionnaireResponseItemAnswer(valueString=v) for v in values if v.strip()]
        items.append(
            QuestionnaireResponseItem(
                linkId=same[0].key, text=texts.get(same[0].key, same[0].label), answer=answers or None
            )
        )
    return items


def questionnaire_response(row, urns: dict) -> QuestionnaireResponse:
    """Every part of the record in the words the person saw ("Not sure", "Not asked"),
    one group per section of "check your answers"."""
    texts = _item_texts()
    items = [
        QuestionnaireResponseItem(linkId=s.key, text=texts.get(s.key, s.title), item=_answer_items(s.rows))
        for s in record_sections(row)
    ]
    return QuestionnaireResponse(
        identifier=_uri_identifier(urns["QuestionnaireResponse"]),
        questionnaire=f"{QUESTIONNAIRE_URL}|{questionnaire_version()}",
        status="completed",
        subject=Reference(reference=urns["Patient"]),
        authored=_utc(row.created_at),
        item=items,
    )


def _filled_in_by(row) -> list[Reference] | None:
    """Who agreed and asked, when it was not the person: named by how they said they are related
    (we hold no record of them to point to), so the team never reads the person's own consent."""
    details = row.details or {}
    if details.get("filled_by") not in ("family", "professional"):
        return None
    who = FILLED_IN_BY[details["filled_by"]]
    relationship = details.get("relationship")
    if relationship and relationship != DONT_KNOW:
        who += f" ({relationship})"
    return [Reference(display=who)]


def consent(row, urns: dict) -> Consent:
    """When the person agreed to send their details, and to which version of the privacy notice."""
    return Consent(
        identifier=[_uri_identifier(urns["Consent"])],
        status="active",
        scope=CodeableConcept(coding=[Coding(system=CONSENT_SCOPE, code="patient-privacy", display="Privacy Consent")]),
        category=[CodeableConcept(text=CONSENT_TEXT)],
        patient=Reference(reference=urns["Patient"]),
        dateTime=_utc(row.consent_at),
        performer=_filled_in_by(row),
        policyRule=CodeableConcept(text=NOTICE_TEXT.format(version=row.notice_version)),
    )


def service_request(row, reference: str, urns: dict) -> ServiceRequest:
    """The referral itself: a proposal that the team contact the person. No clinical code is
    claimed: the request is described in words."""
    return ServiceRequest(
        identifier=[
            _uri_identifier(record_urn(row.id)),
            Identifier(type=CodeableConcept(text=REFERENCE_TEXT), value=reference),
        ],
        status="active",
        intent="proposal",
        code=CodeableConcept(text=REFERRAL_TEXT),
        subject=Reference(reference=urns["Patient"]),
        authoredOn=_utc(row.created_at),
        requester=(_filled_in_by(row) or [None])[0],
        supportingInfo=[Reference(reference=urns["QuestionnaireResponse"]), Reference(reference=urns["Consent"])],
    )


def _entry(urn: str, resource, if_none_exist: str) -> BundleEntry:
    return BundleEntry(
        fullUrl=urn,
        resource=resource,
        request=BundleEntryRequest(method="POST", url=resource.resource_type, ifNoneExist=if_none_exist),
    )


def bundle_model(row, reference: str) -> Bundle:
    urns = {kind: _resource_urn(row.id, kind) for kind in ("Patient", "Consent", "QuestionnaireResponse")}
    urns["ServiceRequest"] = record_urn(row.id)
    resources = [
        ("Patient", patient(row, urns["Patient"])),
        ("Consent", consent(row, urns)),
        ("QuestionnaireResponse", questionnaire_response(row, urns)),
        # The referral's fullUrl is the record's own URN: the entry staff look for first.
        ("ServiceRequest", service_request(row, reference, urns)),
    ]
    # A transaction whose every entry is created only if no resource has its identifier yet:
    # posting the same record twice to a FHIR server makes nothing twice.
    return Bundle(
        identifier=_uri_identifier(record_urn(row.id)),
        type="transaction",
        timestamp=_utc(row.created_at),
        entry=[_entry(urns[kind], resource, _if_none_exist(urns[kind])) for kind, resource in resources],
    )


def bundle(row, reference: str) -> dict:
    """A stored record (an IntakeRecord or a Record) as a FHIR transaction Bundle (JSON)."""
    return json.loads(bundle_model(row, reference).json())


def ndjson(records: Iterable) -> str:
    """Stored records (each with its `reference`) as FHIR bulk-data NDJSON: one Bundle a line."""
    lines = [json.dumps(bundle(r, r.reference), ensure_ascii=False, separators=(",", ":")) for r in records]
    return "".join(line + "\n" for line in lines)


# ------------------------------------------------------------------------ the Questionnaire


def _item(link_id: str, text: str, repeats: bool = False) -> QuestionnaireItem:
    return QuestionnaireItem(
        linkId=link_id,
        text=text,
        type="text" if link_id in LONG_ANSWERS else "string",
        repeats=True if repeats else None,
    )


def _numbered(template: str) -> str:
    # "Outcome {n}" -> "Outcome": the question that repeats, without its number.
    return " ".join(template.replace("{n}", "").split())


def _sections() -> list[tuple[str, str, list[QuestionnaireItem]]]:
    """(section key, title, items): every row `readable.record_sections` can make."""
    fields, w = content()["fields"], content()["record"]
    titles = w["sections"]

    def not_asked_or_left_out(part: str) -> list[QuestionnaireItem]:
        return [_item(f"{part}.not_asked", titles[part]), _item(f"{part}.left_out", w["left_out_label"])]

    check = []
    for question in eligibility_content()["questions"]:
        if question == "area":  # the area is its own row under "About you"
            continue
        if question == "local_group":  # an area may ask about several of its local-offer groups
            check.append(_item("check.local_group", LOCAL_GROUP_TEXT, repeats=True))
            continue
        check.append(_item(f"check.{question}", first_question(eligibility_question(question, {}, None))))
    check += [
        _item("check.result", w["result"]),
        _item("check.why", w["why"]),
        _item("check.to_find_out", w["to_find_out"]),
    ]
    parts = {
        "check": check,
        "money": [_item("money.preferred", w["money_preferred"]), _item("money.suggested", w["money_suggested"])],
        "outcomes": [_item("outcomes.outcome", _numbered(w["outcome"]), repeats=True)],
    }
    out = [
        ("about_you", titles["about_you"], [_item(k, fields[k]["label"]) for k in ABOUT_YOU]),
        ("contact", titles["contact"], [_item(k, fields[k]["label"]) for k in CONTACT]),
    ]
    out += [(part, titles[part], parts[part] + not_asked_or_left_out(part)) for part in PARTS]
    return out


@functools.lru_cache(maxsize=1)
def _questionnaire_items() -> tuple:
    return tuple(
        QuestionnaireItem(linkId=key, text=title, type="group", item=items) for key, title, items in _sections()
    )


@functools.lru_cache(maxsize=1)
def questionnaire_version() -> str:
    """Changes whenever a question, label or section changes (content/*.yml), so an answer
    names the exact Questionnaire it follows."""
    items = json.dumps([json.loads(i.json()) for i in _questionnaire_items()], sort_keys=True)
    return hashlib.sha256(items.encode("utf-8")).hexdigest()[:12]


@functools.lru_cache(maxsize=1)
def _item_texts() -> dict:
    # Built once from the Questionnaire: each linkId's own words.
    found = {}

    def walk(items):
        for i in items or ():
            found[i.linkId] = i.text
            walk(i.item)

    walk(_questionnaire_items())
    return found


def questionnaire() -> dict:
    """Our questions as a FHIR Questionnaire: every linkId a QuestionnaireResponse can use."""
    return json.loads(
        Questionnaire(
            id="phb-intake",
            url=QUESTIONNAIRE_URL,
            version=questionnaire_version(),
            name=QUESTIONNAIRE_NAME,
            title=QUESTIONNAIRE_TITLE,
            status="active",
            subjectType=["Patient"],
            description=(
                "What a person leaves for their area's NHS personal health budget team through the "
                "assistant, in the words they saw. Every answer is text."
            ),
            item=list(_questionnaire_items()),
        ).json()
    )


def main(argv: list[str]) -> int:
    if argv != ["questionnaire"]:
        print("usage: python -m bot.intake.fhir questionnaire > docs/fhir/questionnaire.json", file=sys.stderr)
        return 2
    sys.stdout.write(json.dumps(questionnaire(), indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
