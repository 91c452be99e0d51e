"""Outdated content (hazard H6, docs/safety/hazard-log.md): every file of content says when it was
last checked against its sources, and the build fails once that is longer ago than allowed."""

import datetime as dt
import pathlib

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
REVIEW = yaml.safe_load((ROOT / "content" / "review.yml").read_text(encoding="utf-8"))
CONTENT = sorted(
    {"domain.yml", *(str(p.relative_to(ROOT)) for p in (ROOT / "content").rglob("*.yml"))} - {"content/review.yml"}
)


def allowed_days(path):
    return REVIEW["area_every_days"] if path.startswith("content/areas/") else REVIEW["every_days"]


def test_every_file_of_content_is_listed_and_every_listed_file_exists():
    assert sorted(REVIEW["files"]) == CONTENT


@pytest.mark.parametrize("path", CONTENT)
def test_content_was_checked_recently_enough(path):
    entry = REVIEW["files"][path]
    checked = entry["checked"]
    assert isinstance(checked, dt.date), f"{path}: `checked` must be a date like 2026-11-25"
    age = (dt.date.today() - checked).days
    assert age >= 0, f"{path}: checked in the future"
    assert age <= allowed_days(path), (
        f"{path} was last checked {age} days ago (allowed: {allowed_days(path)}): check it against its "
        f"sources and update content/review.yml"
    )
    assert entry["by"] and entry["sources"]


@pytest.mark.parametrize("path", CONTENT)
def test_sources_exist(path):
    seeds = ROOT.parent / "shared" / "seeds"
    for source in REVIEW["files"][path]["sources"]:
        if source.startswith("seeds/"):
            # The seed pages live beside the repository in development; the README lists them.
            number = source.split("/")[1]
            assert number in {"000", "001", "002", "003", "004"}, source
            if seeds.exists():
                assert list(seeds.glob(f"{number}_*.txt")), source
        else:
            assert (ROOT / source).exists(), source
