"""Records as HL7 FHIR: every resource valid by two libraries (fhir.resources' R4B models, which
build them, and fhirclient's models generated from FHIR 4.0.1, exact R4), the answers exactly the
rows the team reads, the same Bundle for the same record, and delivered once by its key.

`python -m tests.intake.test_fhir` rewrites the examples in docs/intake-formats.md from the code.
"""

import datetime as dt
import hashlib
import json
import os
import pathlib
import re
import subprocess
import sys
import uuid
from types import SimpleNamespace

import pytest
from fhir.resources.questionnaire import Questionnaire as R4BQuestionnaire
from fhirclient.models.questionnaire import Questionnaire as R4Questionnaire

from bot.areas import AreaConfigError, all_areas, load_areas, parse_area
from bot.intake import fhir, models
from bot.intake.delivery import CONTENT_TYPES, Endpoint, RelaySettings, endpoints_from_config, relay_once
from bot.intake.readable import Row, record_sections
from bot.intake.record import Record, payload
from bot.intake.store import IntakeStore
from tests.intake.factory import NOW, record
from tests.intake.fhir_checks import assert_valid, questionnaire_items, resources
from tests.intake.receiver import CA_FILE, Receiver

ROOT = pathlib.Path(__file__).resolve().parents[2]
QUESTIONNAIRE_FILE = ROOT / "docs" / "fhir" / "questionnaire.json"
FORMATS_DOC = ROOT / "docs" / "intake-formats.md"
CLI = pathlib.Path(sys.executable).parent / "phb-intake"
START = NOW.replace(tzinfo=None)
AREA = "kent-and-medway"

# Every question of the eligibility check on one path or another, Kent's local-offer question too.
EVERY_CHECK_QUESTION = [
    {
        "who_for": "self",
        "age_group": "adult",
        "continuing_care": "not_assessed",
        "mha_detained": "yes",
        "mha_section": "s3",
        "s117_current": "no",
        "wheelchair_service": "yes",
        "wheelchair_new": "no",
        "local:joint_funded_home_care": "dont_know",
    },
    {
        "area": AREA,
        "who_for": "professional",
        "age_group": "child",
        "continuing_care": "dont_know",
        "mha_detained": "dont_know",
        "cto": "yes",
        "s117_current": "yes",
        "wheelchair_service": "no",
    },
]


def with_check(answers, **overrides):
    r = record(**overrides)
    return Record(
        **{**r.__dict__, "eligibility_answers": answers, "eligibility_result": None, "eligibility_reasons": []}
    )


def nothing_else(**overrides):
    """Only the details: no check, no money choice, no outcomes ("Not asked" for each)."""
    r = record(**overrides)
    return Record(
        **{
            **r.__dict__,
            "eligibility_answers": None,
            "eligibility_result": None,
            "eligibility_reasons": [],
            "money_preferred": None,
            "money_suggested": [],
            "outcomes": [],
        }
    )


def many_outcomes():
    r = record()
    return Record(
        **{
            **r.__dict__,
            "outcomes": [
                "By June, I will walk to the shop.",
                "I will see my grandson.",
                "I will sleep through the night.",
            ],
        }
    )


RECORDS = {
    "family, phone": lambda: record(),
    "self, email, interpreter": lambda: record(
        filled_by="self",
        contact_method="email",
        contact_detail="marker.quill@example.org",
        communication_needs="interpreter,bsl",
        language="Polish",
    ),
    "self, text, not sure": lambda: record(
        filled_by="self",
        contact_method="text",
        nhs_number="dont_know",
        date_of_birth="dont_know",
        postcode="dont_know",
        best_time="dont_know",
    ),
    "professional, letter": lambda: record(
        filled_by="professional", relationship="social worker", contact_method="post", contact_detail="12 Marker Street"
    ),
    "self, letter": lambda: record(filled_by="self", contact_method="post", contact_detail="12 Marker Street"),
    "every check question 1": lambda: with_check(EVERY_CHECK_QUESTION[0]),
    "every check question 2": lambda: with_check(EVERY_CHECK_QUESTION[1]),
    "nothing else asked": nothing_else,
    "three outcomes": many_outcomes,
    "cornwall": lambda: record(area="cornwall-and-isles-of-scilly"),
}


# ---------------------------------------------------------------------------------- validity


@pytest.mark.parametrize("name", RECORDS)
def test_every_resource_is_valid_fhir_by_both_libraries(name):
    bundle = fhir.bundle(RECORDS[name](), "PHB-ACDE-FHJK")
    assert_valid(bundle)
    assert bundle["type"] == "transaction"
    assert set(resources(bundle)) == {"Patient", "Consent", "QuestionnaireResponse", "ServiceRequest"}


def test_the_questionnaire_is_valid_fhir_by_both_libraries():
    q = fhir.questionnaire()
    assert json.loads(R4BQuestionnaire.parse_obj(q).json()) == q
    assert R4Questionnaire(q, strict=True).as_json() == q
    assert q["url"].startswith("urn:uuid:") and q["status"] == "active"
    questionnaire_items()  # every linkId once


def test_the_committed_questionnaire_is_what_the_code_makes(capsys):
    assert fhir.main(["questionnaire"]) == 0
    assert capsys.readouterr().out == QUESTIONNAIRE_FILE.read_text(encoding="utf-8"), (
        "docs/fhir/questionnaire.json is out of date: run "
        ".venv/bin/python -m bot.intake.fhir questionnaire > docs/fhir/questionnaire.json"
    )


# ------------------------------------------------------------------------------- the Patient


def test_the_nhs_number_is_under_its_system_and_marked_as_not_traced():
    patient = resources(fhir.bundle(record(), "PHB-ACDE-FHJK"))["Patient"]
    nhs = [i for i in patient["identifier"] if i.get("system") == "https://fhir.nhs.uk/Id/nhs-number"]
    assert len(nhs) == 1 and nhs[0]["value"] == "9434765919"
    status = nhs[0]["extension"][0]
    assert status["url"].endswith("Extension-UKCore-NHSNumberVerificationStatus")
    assert status["valueCodeableConcept"]["coding"][0]["code"] == "02"  # number present but not traced
    assert patient["name"] == [{"text": "Marker Zebedee Quill"}]
    assert patient["birthDate"] == "1950-03-12"
    assert patient["address"] == [{"postalCode": "ME14 1XX"}]


def test_dont_know_answers_are_left_out_of_the_patient():
    bundle = fhir.bundle(RECORDS["self, text, not sure"](), "PHB-ACDE-FHJK")
    patient = resources(bundle)["Patient"]
    assert "dont_know" not in json.dumps(patient)
    assert "birthDate" not in patient and "address" not in patient
    assert [i["system"] for i in patient["identifier"]] == ["urn:ietf:rfc:3986"]
    # The team still reads that the person was not sure, in the answers.
    answers = {
        i["linkId"]: i["answer"][0]["valueString"]
        for g in resources(bundle)["QuestionnaireResponse"]["item"]
        for i in g["item"]
        if "answer" in i
    }
    assert answers["nhs_number"] == answers["date_of_birth"] == answers["postcode"] == "Not sure"
    assert "dont_know" not in json.dumps(bundle)


@pytest.mark.parametrize(
    "name, telecom, address",
    [
        (
            "self, email, interpreter",
            [{"system": "email", "value": "marker.quill@example.org", "rank": 1}],
            [{"postalCode": "ME14 1XX"}],
        ),
        ("self, text, not sure", [{"system": "phone", "value": "07700900123", "use": "mobile", "rank": 1}], None),
        ("self, letter", None, [{"text": "12 Marker Street", "postalCode": "ME14 1XX"}]),
    ],
)
def test_the_persons_own_contact_details_are_the_patients(name, telecom, address):
    patient = resources(fhir.bundle(RECORDS[name](), "PHB-ACDE-FHJK"))["Patient"]
    assert patient.get("telecom") == telecom
    assert patient.get("address") == address
    assert "contact" not in patient


def test_contact_details_given_by_someone_else_are_theirs_not_the_patients():
    patient = resources(fhir.bundle(record(), "PHB-ACDE-FHJK"))["Patient"]
    assert "telecom" not in patient
    assert patient["contact"] == [
        {"relationship": [{"text": "daughter"}], "telecom": [{"system": "phone", "value": "07700900123", "rank": 1}]}
    ]
    patient = resources(fhir.bundle(RECORDS["professional, letter"](), "PHB-ACDE-FHJK"))["Patient"]
    assert patient["contact"] == [
        {"relationship": [{"text": "social worker"}], "address": {"text": "12 Marker Street"}}
    ]
    assert patient["address"] == [{"postalCode": "ME14 1XX"}]


def test_an_interpreters_language_is_the_patients_language():
    patient = resources(fhir.bundle(RECORDS["self, email, interpreter"](), "PHB-ACDE-FHJK"))["Patient"]
    assert patient["communication"] == [{"language": {"text": "Polish"}, "preferred": True}]
    assert patient["extension"] == [
        {"url": "http://hl7.org/fhir/StructureDefinition/patient-interpreterRequired", "valueBoolean": True}
    ]
    patient = resources(fhir.bundle(record(), "PHB-ACDE-FHJK"))["Patient"]
    assert "communication" not in patient and "extension" not in patient


# ------------------------------------------------------------------------------ the answers


@pytest.mark.parametrize("name", RECORDS)
def test_the_answers_are_exactly_the_rows_the_team_reads(name):
    row = RECORDS[name]()
    response = resources(fhir.bundle(row, "PHB-ACDE-FHJK"))["QuestionnaireResponse"]
    sections = record_sections(row)
    assert [g["linkId"] for g in response["item"]] == [s.key for s in sections]
    for group, section in zip(response["item"], sections):
        # Rows in order, a repeated key (the outcomes) as one item with an answer each; a local
        # offer question keeps its own words in the answer.
        answered = [(i["linkId"], a["valueString"]) for i in group["item"] for a in i["answer"]]
        assert answered == [
            (r.key, f"{r.label}: {r.value}" if r.key == "check.local_group" else r.value) for r in section.rows
        ]


@pytest.mark.parametrize("name", RECORDS)
def test_every_item_carries_the_questionnaires_own_words(name):
    """FHIR validators check an answer's text against its Questionnaire item's: "they" for a carer,
    "Outcome 2", a child's wording or an area's own local question must not differ from it."""
    known = {}

    def walk(items):
        for i in items or ():
            known[i["linkId"]] = i["text"]
            walk(i.get("item"))

    walk(fhir.questionnaire()["item"])
    response = resources(fhir.bundle(RECORDS[name](), "PHB-ACDE-FHJK"))["QuestionnaireResponse"]
    for group in response["item"]:
        assert group["text"] == known[group["linkId"]]
        for item in group["item"]:
            assert item["text"] == known[item["linkId"]], item["linkId"]


def test_outcomes_are_one_repeating_item():
    response = resources(fhir.bundle(many_outcomes(), "PHB-ACDE-FHJK"))["QuestionnaireResponse"]
    outcomes = next(g for g in response["item"] if g["linkId"] == "outcomes")["item"]
    assert len(outcomes) == 1 and outcomes[0]["linkId"] == "outcomes.outcome"
    assert [a["valueString"] for a in outcomes[0]["answer"]] == many_outcomes().outcomes


def test_rows_sharing_a_key_with_different_questions_take_the_questionnaires_wording():
    rows = (
        Row("check.local_group", "Is your care at home paid for by both?", "Yes"),
        Row("check.local_group", "Do you get help from the pain team?", "Not sure"),
        Row("check.result", "Result", "From your answers..."),
    )
    items = [json.loads(i.json()) for i in fhir._answer_items(rows)]
    assert items == [
        {
            "linkId": "check.local_group",
            "text": fhir.LOCAL_GROUP_TEXT,
            "answer": [
                {"valueString": "Is your care at home paid for by both?: Yes"},
                {"valueString": "Do you get help from the pain team?: Not sure"},
            ],
        },
        {"linkId": "check.result", "text": "Result", "answer": [{"valueString": "From your answers..."}]},
    ]


@pytest.mark.parametrize("name", RECORDS)
def test_every_answer_is_an_item_of_the_questionnaire_with_its_type(name):
    known = questionnaire_items()
    response = resources(fhir.bundle(RECORDS[name](), "PHB-ACDE-FHJK"))["QuestionnaireResponse"]
    assert response["questionnaire"] == f"{fhir.QUESTIONNAIRE_URL}|{fhir.questionnaire()['version']}"

    def walk(items, parent):
        for item in items:
            assert item["linkId"] in known, f"{item['linkId']} is not in the Questionnaire"
            where, question = known[item["linkId"]]
            assert where == parent, item["linkId"]
            if question["type"] == "group":
                assert "answer" not in item
                walk(item["item"], item["linkId"])
                continue
            assert question["type"] in ("string", "text")
            assert all(set(a) == {"valueString"} for a in item.get("answer", []))
            assert len(item.get("answer", [])) <= 1 or question.get("repeats") is True, item["linkId"]

    walk(response["item"], None)


def test_the_questionnaire_asks_every_question_of_the_check():
    from bot.eligibility import content as eligibility_content

    known = questionnaire_items()
    for question in eligibility_content()["questions"]:
        if question != "area":
            assert f"check.{question}" in known, question
    assert known["check.local_group"][1]["repeats"] is True
    assert known["outcomes.outcome"][1]["repeats"] is True


# ---------------------------------------------------------------- the referral and the Bundle


def test_the_referral_is_a_proposal_identified_by_the_record_and_its_reference():
    r = record()
    bundle = fhir.bundle(r, "PHB-ACDE-FHJK")
    request = resources(bundle)["ServiceRequest"]
    assert (request["status"], request["intent"]) == ("active", "proposal")
    assert set(request["code"]) == {"text"}  # words only: no clinical code is claimed
    urn = f"urn:uuid:{uuid.UUID(hex=r.id)}"
    assert request["identifier"][0] == {"system": "urn:ietf:rfc:3986", "value": urn}
    assert request["identifier"][1]["value"] == "PHB-ACDE-FHJK"
    assert bundle["identifier"] == {"system": "urn:ietf:rfc:3986", "value": urn}
    assert uuid.UUID(urn.removeprefix("urn:uuid:")).hex == r.id  # the idempotency key, hyphenated
    assert request["authoredOn"] == bundle["timestamp"] == "2026-11-25T20:15:00+00:00"
    consent = resources(bundle)["Consent"]
    assert consent["dateTime"] == "2026-11-25T20:10:00+00:00"
    assert consent["policyRule"]["text"].endswith("2026-11-25.1")


def test_every_entry_is_created_once_and_every_reference_is_inside_the_bundle():
    bundle = fhir.bundle(record(), "PHB-ACDE-FHJK")
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(set(urls)) == len(urls) and all(re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", u) for u in urls)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        identifier = resource["identifier"]
        identifier = identifier if isinstance(identifier, dict) else identifier[0]
        assert entry["request"] == {
            "method": "POST",
            "url": resource["resourceType"],
            "ifNoneExist": f"identifier={identifier['system']}|{identifier['value']}",
        }
    references = re.findall(r'"reference": "([^"]+)"', json.dumps(bundle))
    assert references and set(references) <= set(urls)


def test_the_same_record_always_makes_the_same_bundle(store):
    made = record()
    first = fhir.bundle(made, "PHB-ACDE-FHJK")
    assert fhir.bundle(made, "PHB-ACDE-FHJK") == first
    # ...and as read back from the database, each time.
    reference = store.submit(made).reference
    assert fhir.bundle(store.get(reference)[0], reference) == fhir.bundle(store.get(reference)[0], reference)
    other = fhir.bundle(record(), "PHB-ACDE-FHJK")
    assert not {e["fullUrl"] for e in other["entry"]} & {e["fullUrl"] for e in first["entry"]}


def test_ndjson_is_one_bundle_a_line():
    # As the store gives them: records with their reference.
    rows = [
        SimpleNamespace(**r.__dict__, reference=reference)
        for r, reference in (
            (record(), "PHB-ACDE-FHJK"),
            (record(area="cornwall-and-isles-of-scilly"), "PHB-MNPR-TWXY"),
        )
    ]
    text = fhir.ndjson(rows)
    lines = text.splitlines()
    assert text.endswith("\n") and len(lines) == 2
    for line, r in zip(lines, rows):
        assert json.loads(line) == fhir.bundle(r, r.reference)
    assert fhir.ndjson([]) == ""


# ---------------------------------------------------------------------- the staff command


@pytest.fixture
def cli(tmp_path, intake_key):
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{tmp_path / 'intake.db'}", PHB_INTAKE_KEY=intake_key)

    def run(*args):
        result = subprocess.run([str(CLI), *args], capture_output=True, text=True, timeout=120, env=env)
        assert result.returncode == 0, result.stderr
        return result

    run("migrate")
    return run, IntakeStore(env["DATABASE_URL"])


def test_export_fhir_writes_one_valid_bundle_a_record(cli, tmp_path):
    run, store = cli
    references = [
        store.submit(r).reference
        for r in (record(), record(area="cornwall-and-isles-of-scilly"), record(nhs_number="dont_know"))
    ]
    lines = run("export", "--format", "fhir").stdout.splitlines()
    assert len(lines) == 3
    for line in lines:
        bundle = json.loads(line)
        assert_valid(bundle)
        reference = next(i["value"] for i in resources(bundle)["ServiceRequest"]["identifier"] if not i.get("system"))
        assert bundle == fhir.bundle(store.get(reference)[0], reference)
    assert sorted(references) == sorted(
        json.loads(line)["entry"][3]["resource"]["identifier"][1]["value"] for line in lines
    )
    out = tmp_path / "records.ndjson"
    run("export", "--format", "fhir", "--area", "cornwall-and-isles-of-scilly", "--output", str(out))
    assert len(out.read_text().splitlines()) == 1 and oct(out.stat().st_mode & 0o777) == "0o600"


# ------------------------------------------------------------------------- delivery


def fhir_settings(url):
    return RelaySettings(
        endpoints={AREA: Endpoint(url, token="secret-token", format="fhir")}, timeout=(2, 5), verify=str(CA_FILE)
    )


def test_an_area_asking_for_fhir_gets_one_valid_bundle_by_its_key_though_attempts_fail(store):
    made = record()
    reference = store.submit(made).reference
    with Receiver() as receiver:
        receiver.fhir = True
        # A server error, then a reply lost after the receiver kept it, then success.
        receiver.plan = [503, "drop"]
        now = START
        for _ in range(3):
            relay_once(store, fhir_settings(receiver.url), now=now, rand=lambda: 0.5)
            now += dt.timedelta(hours=1)
    assert store.get(reference)[1].status == models.DELIVERED
    assert [key for key, _ in receiver.requests] == [made.id] * 3
    assert list(receiver.stored) == [made.id]
    bundle = receiver.stored[made.id]
    assert_valid(bundle)
    assert bundle == fhir.bundle(store.get(reference)[0], reference)
    assert resources(bundle)["Patient"]["name"] == [{"text": "Marker Zebedee Quill"}]


def test_json_stays_the_default(store):
    assert Endpoint("https://example.invalid").format == "json"
    assert CONTENT_TYPES == {"json": "application/json", "fhir": "application/fhir+json"}
    made = record()
    reference = store.submit(made).reference
    with Receiver() as receiver:
        relay_once(store, RelaySettings(endpoints={AREA: Endpoint(receiver.url)}, verify=str(CA_FILE)), now=START)
    assert receiver.stored[made.id] == payload(store.get(reference)[0], reference)


def test_a_record_the_fhir_models_refuse_is_dead_lettered_without_its_values(store):
    # Not a date FHIR knows (a stored date is always ISO; this one is made up to break it).
    reference = store.submit(record(date_of_birth="12/03/1950")).reference
    with Receiver() as receiver:
        receiver.fhir = True
        report = relay_once(store, fhir_settings(receiver.url), now=START)
    assert report.dead == 1 and receiver.requests == []
    last_error = store.get(reference)[1].last_error
    assert last_error == "fhir body not built (ValidationError)" and "1950" not in last_error
    assert report.errors == [(reference, last_error)]


def test_the_format_comes_from_the_area_file_and_the_environment_can_set_it():
    areas = all_areas()
    assert all(a.intake_format == "json" for a in areas.values())
    url = "https://127.0.0.1:9/intake"
    env = {
        "PHB_INTAKE_ENDPOINTS": json.dumps({AREA: url}),
        "PHB_INTAKE_FORMATS": json.dumps({AREA: "fhir"}),
        "PHB_INTAKE_ALLOWED_HOSTS": "127.0.0.1",
    }
    assert endpoints_from_config(areas, environ=env) == {AREA: Endpoint(url, None, "fhir")}
    env = {"PHB_INTAKE_ENDPOINTS": json.dumps({AREA: url}), "PHB_INTAKE_ALLOWED_HOSTS": "127.0.0.1"}
    assert endpoints_from_config(areas, environ=env) == {AREA: Endpoint(url, None, "json")}
    with pytest.raises(ValueError, match="PHB_INTAKE_FORMATS.*json, fhir.*'xml'"):
        endpoints_from_config(areas, environ={"PHB_INTAKE_FORMATS": json.dumps({AREA: "xml"})})


def test_an_area_file_chooses_fhir_and_an_unknown_format_is_refused_at_load(tmp_path):
    raw = {
        "id": "test-area",
        "name": "Test",
        "choice_label": "Test",
        "team_name": "the test team",
        "first_contact": "Ask.",
        "armed_forces": "Ask.",
        "local_offer": {"summary": "None."},
        "intake": {"endpoint": "https://intake.example.invalid/records", "format": "fhir"},
    }
    area = parse_area(raw, "test-area.yml")
    assert area.intake_format == "fhir"
    # The area's endpoint, and the environment's override of its url, keep its format.
    allowed = {"PHB_INTAKE_ALLOWED_HOSTS": "intake.example.invalid 127.0.0.1"}
    assert endpoints_from_config({area.id: area}, environ=allowed)[area.id].format == "fhir"
    env = {"PHB_INTAKE_ENDPOINTS": json.dumps({area.id: "https://127.0.0.1:9/"}), **allowed}
    assert endpoints_from_config({area.id: area}, environ=env)[area.id].format == "fhir"
    assert parse_area({**raw, "intake": {}}, "test-area.yml").intake_format == "json"
    with pytest.raises(AreaConfigError, match="test-area.yml: intake.format must be one of json, fhir"):
        parse_area({**raw, "intake": {"format": "hl7v2"}}, "test-area.yml")
    # Refused when the files are loaded, not later when a record is sent.
    for path in (ROOT / "content" / "areas").glob("*.yml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    kent = tmp_path / "kent-and-medway.yml"
    kent.write_text(
        kent.read_text(encoding="utf-8").replace("intake:\n", "intake:\n  format: FHIR\n"), encoding="utf-8"
    )
    with pytest.raises(AreaConfigError, match="kent-and-medway.yml: intake.format"):
        load_areas(tmp_path)


# -------------------------------------------------------------------------- the docs' examples

EXAMPLE_REFERENCE = "PHB-ACDE-FHJK"


def example_record() -> Record:
    """Marker values only: no real person has these details."""
    return Record(
        id="3f2a9c1e7b6d4e0f8a5c2b1d9e7f6a4c",
        area=AREA,
        created_at=dt.datetime(2026, 11, 25, 20, 15),
        consent_at=dt.datetime(2026, 11, 25, 20, 10),
        notice_version="2026-11-25.1",
        channel="socketio",
        conversation_hash=hashlib.sha256(b"example conversation").hexdigest(),
        details={
            "filled_by": "self",
            "name": "Marker Zebedee Quill",
            "date_of_birth": "1950-03-12",
            "nhs_number": "9434765919",
            "postcode": "ME14 1XX",
            "contact_method": "phone",
            "contact_detail": "07700900123",
            "best_time": "morning",
            "communication_needs": "interpreter",
            "language": "Polish",
            "anything_else": "Marker note xylophone",
        },
        eligibility_answers={"who_for": "self", "age_group": "adult", "continuing_care": "eligible"},
        eligibility_result="right_to_have",
        eligibility_reasons=["chc"],
        money_preferred="direct_payment",
        money_suggested=["direct_payment", "third_party"],
        outcomes=["By June, I will walk to the shop.", "I will see my grandson every week."],
    )


def docs_examples() -> dict:
    r = example_record()
    return {"phb-intake/1": payload(r, EXAMPLE_REFERENCE), "fhir": fhir.bundle(r, EXAMPLE_REFERENCE)}


EXAMPLE_BLOCK = re.compile(r"(<!-- example: (?P<name>\S+) -->\n```json\n)(?P<json>.*?)(\n```)", re.S)


def _shown(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def test_the_examples_in_the_docs_are_what_the_code_makes():
    doc = FORMATS_DOC.read_text("utf-8")
    found = {m["name"]: json.loads(m["json"]) for m in EXAMPLE_BLOCK.finditer(doc)}
    # The key and its URN in the words about the idempotency key are the example's.
    key = example_record().id
    assert f"`{key}`" in doc and f"`urn:uuid:{uuid.UUID(hex=key)}`" in doc
    examples = docs_examples()
    assert set(found) == set(examples)
    for name, value in examples.items():
        assert found[name] == value, (
            f"docs/intake-formats.md: the {name} example is out of date: run .venv/bin/python -m tests.intake.test_fhir"
        )
    assert_valid(examples["fhir"])


if __name__ == "__main__":
    examples = docs_examples()
    text = EXAMPLE_BLOCK.sub(
        lambda m: m.group(1) + _shown(examples[m["name"]]) + m.group(4), FORMATS_DOC.read_text("utf-8")
    )
    FORMATS_DOC.write_text(text, encoding="utf-8")
    print(f"rewrote the examples in {FORMATS_DOC.relative_to(ROOT)}")


def test_when_someone_else_filled_it_in_the_consent_and_the_request_are_theirs():
    made = resources(fhir.bundle(record(), "PHB-ACDE-FHJK"))  # filled in by family: a daughter
    who = [{"display": "Family member or carer, for the person (daughter)"}]
    assert made["Consent"]["performer"] == who and made["ServiceRequest"]["requester"] == who[0]
    own = resources(fhir.bundle(RECORDS["self, email, interpreter"](), "PHB-ACDE-FHJK"))
    assert "performer" not in own["Consent"] and "requester" not in own["ServiceRequest"]
