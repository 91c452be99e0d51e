"""Checks shared by the FHIR tests (tests/intake/test_fhir.py, tests/e2e/test_fhir_delivery.py): every
resource valid by two libraries, and our Questionnaire's items by linkId."""

import json

from fhir.resources import construct_fhir_element
from fhir.resources.bundle import Bundle as R4BBundle
from fhirclient.models.bundle import Bundle as R4Bundle
from fhirclient.models.fhirelementfactory import FHIRElementFactory

from bot.intake import fhir


def resources(bundle):
    return {e["resource"]["resourceType"]: e["resource"] for e in bundle["entry"]}


def assert_valid(bundle):
    """Valid by fhir.resources (R4B) and by fhirclient (R4), each resource on its own and in the
    Bundle, and nothing in it that either library does not know (a round trip changes nothing)."""
    assert json.loads(R4BBundle.parse_obj(bundle).json()) == bundle
    assert R4Bundle(bundle, strict=True).as_json() == bundle
    for resource in resources(bundle).values():
        assert json.loads(construct_fhir_element(resource["resourceType"], resource).json()) == resource
        assert FHIRElementFactory.instantiate(resource["resourceType"], resource).as_json() == resource


def questionnaire_items():
    """linkId -> (parent linkId, item) for every item of our Questionnaire."""
    found = {}

    def walk(items, parent):
        for item in items:
            assert item["linkId"] not in found, f"{item['linkId']} is used twice"
            found[item["linkId"]] = (parent, item)
            walk(item.get("item", []), item["linkId"])

    walk(fhir.questionnaire()["item"], None)
    return found
