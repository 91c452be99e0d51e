import copy

import pytest
import yaml

from bot.areas import (
    AREAS_DIR,
    AreaConfigError,
    all_areas,
    get_area,
    known_area_id,
    load_areas,
    parse_area,
    resolve_area,
)

KENT = "kent-and-medway"
CORNWALL = "cornwall-and-isles-of-scilly"


def raw(area_id):
    return yaml.safe_load((AREAS_DIR / f"{area_id}.yml").read_text())


def test_shipped_areas_load():
    assert set(all_areas()) == {"default", KENT, CORNWALL}


def test_cornwall_contacts_are_the_ones_in_the_source():
    area = get_area(CORNWALL)
    assert area.contact("phone").value == "01726 627659"
    assert area.contact("email").value == "personalhelathbudgets1@nhs.net"
    assert not area.contact("phone").example and "seeds/003" in area.contact("phone").source


def test_kent_has_no_invented_contacts():
    # The Kent and Medway source page gives no address or number: ours must say they are examples.
    area = get_area(KENT)
    assert area.contacts and all(c.example for c in area.contacts)
    assert area.opening_hours.example


def test_default_area_names_no_contacts():
    assert get_area("default").contacts == ()
    assert get_area("default").is_default


@pytest.mark.parametrize("area_id", [None, "", "atlantis", "../etc/passwd"])
def test_unknown_area_falls_back_to_default(area_id):
    assert get_area(area_id).id == "default"
    assert known_area_id(area_id) is None


@pytest.mark.parametrize("value", [KENT, CORNWALL, "default"])
def test_known_area_ids(value):
    assert known_area_id(value) == value


def test_metadata_of_the_wrong_type_is_not_trusted():
    assert known_area_id({"area": KENT}) is None
    assert known_area_id(42) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I live in Kent", KENT),
        ("medway", KENT),
        ("we're in KERNOW", CORNWALL),
        ("my mum is on the Isles of Scilly", CORNWALL),
        ("cornwall-and-isles-of-scilly", CORNWALL),
        ("somewhere near Truro", None),
        ("London", None),
        ("", None),
        (None, None),
        ("kentucky", None),
    ],
)
def test_resolve_area(text, expected):
    area = resolve_area(text)
    assert (area.id if area else None) == expected


def test_every_area_lists_the_legal_right_groups_in_its_local_offer():
    for area_id in (KENT, CORNWALL):
        ids = {g.id for g in get_area(area_id).local_offer_groups}
        assert {"chc_home", "childrens_continuing_care", "section_117", "wheelchair"} <= ids


def test_cornwall_local_offer_has_its_own_groups():
    ids = {g.id for g in get_area(CORNWALL).local_offer_groups}
    assert {"ltc_high_use", "complex_pain_trial"} <= ids


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: r.pop("team_name"), "team_name"),
        (lambda r: r.update(id="Kent And Medway"), "lower-case"),
        (lambda r: r["contacts"].append({"kind": "fax", "value": "x", "example": True}), "kind"),
        (lambda r: r["contacts"].append({"kind": "phone", "value": "call us", "example": True}), "phone"),
        (lambda r: r["contacts"].append({"kind": "email", "value": "nobody", "example": True}), "email"),
        (lambda r: r["contacts"].append({"kind": "website", "value": "http://x.org", "example": True}), "https"),
        # A real (non-example) contact must say where it came from.
        (lambda r: r["contacts"].append({"kind": "phone", "value": "01632 960001"}), "source"),
        (lambda r: r["contacts"].append({"kind": "phone", "value": "01632 960001", "example": "yes"}), "true or false"),
        (lambda r: r["opening_hours"]["weekly"].update(monday=["17:00", "09:00"]), "opening_hours"),
        (lambda r: r["local_offer"].pop("summary"), "summary"),
    ],
)
def test_bad_area_config_is_rejected_with_a_reason(change, message):
    data = copy.deepcopy(raw(KENT))
    change(data)
    with pytest.raises(AreaConfigError, match=message):
        parse_area(data, "test.yml")


def test_file_name_must_match_id(tmp_path):
    for name in ("default", KENT):
        (tmp_path / f"{name}.yml").write_text((AREAS_DIR / f"{name}.yml").read_text())
    (tmp_path / "kent.yml").write_text((AREAS_DIR / f"{KENT}.yml").read_text())
    with pytest.raises(AreaConfigError, match="file name"):
        load_areas(tmp_path)


def test_a_default_area_is_required(tmp_path):
    (tmp_path / f"{KENT}.yml").write_text((AREAS_DIR / f"{KENT}.yml").read_text())
    with pytest.raises(AreaConfigError, match="default"):
        load_areas(tmp_path)


def test_adding_an_area_needs_no_code(tmp_path):
    for name in ("default", KENT):
        (tmp_path / f"{name}.yml").write_text((AREAS_DIR / f"{name}.yml").read_text())
    new = raw(KENT)
    new.update(id="example-area", name="Example Area", choice_label="Example Area", aliases=["exampleshire"])
    (tmp_path / "example-area.yml").write_text(yaml.safe_dump(new))
    areas = load_areas(tmp_path)
    assert areas["example-area"].name == "Example Area"
