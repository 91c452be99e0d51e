"""The hazard log (docs/safety/hazard-log.md) is only as good as its evidence: every test it names
must exist, every hazard must have evidence, and every rating must follow the log's own matrix."""

import ast
import pathlib
import re

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
LOG = (ROOT / "docs" / "safety" / "hazard-log.md").read_text(encoding="utf-8")
LIKELIHOOD = ["Very low", "Low", "Medium", "High", "Very high"]
SEVERITY = ["Minor", "Significant", "Considerable", "Major", "Catastrophic"]
MATRIX = {  # the log's table, rows from Very high down
    "Very high": [3, 4, 4, 5, 5],
    "High": [2, 3, 3, 4, 5],
    "Medium": [2, 2, 3, 3, 4],
    "Low": [1, 2, 2, 3, 4],
    "Very low": [1, 1, 2, 2, 3],
}
# The hazards the safety case must cover at least (issue 10).
REQUIRED = [
    "crisis",
    "not eligible",
    "wrong area",
    "another person",
    "lost or duplicated",
    "out of date",
    "misunderstood",
    "disability",
]
REFERENCE = re.compile(r"`(tests/[\w/.-]+)::([^`]+)`")
RISK = re.compile(r"\*\*Risk (before|after)\*\*: (Very low|Low|Medium|High|Very high) × (\w+) = (\d)")


def hazards():
    return {
        m.group(1): m.group(2)
        for m in re.finditer(r"^## (H\d+: [^\n]+)\n(.*?)(?=^## |\Z)", LOG, re.MULTILINE | re.DOTALL)
    }


HAZARDS = hazards()


def test_the_matrix_in_the_log_is_the_one_checked_here():
    for likelihood, ratings in MATRIX.items():
        assert f"| {likelihood} | " + " | ".join(map(str, ratings)) + " |" in LOG


def test_every_required_hazard_is_in_the_log():
    titles = " ".join(HAZARDS).lower()
    missing = [word for word in REQUIRED if word not in titles]
    assert not missing, missing


@pytest.mark.parametrize("title", HAZARDS)
def test_each_hazard_is_complete_and_rated_by_the_matrix(title):
    body = HAZARDS[title]
    for part in ("**Cause**", "**Effect**", "**Harm**", "**Controls**"):
        assert part in body, f"{title}: no {part}"
    risks = {m.group(1): m.groups()[1:] for m in RISK.finditer(body)}
    assert set(risks) == {"before", "after"}, f"{title}: risk before and after, as 'L × S = n'"
    for when, (likelihood, severity, rating) in risks.items():
        assert severity in SEVERITY, f"{title}: {severity}"
        expected = MATRIX[likelihood][SEVERITY.index(severity)]
        assert int(rating) == expected, f"{title}: {likelihood} × {severity} is {expected}, not {rating}"
    assert int(risks["after"][2]) <= int(risks["before"][2])
    assert REFERENCE.search(body), f"{title}: no test is named as evidence"


REFERENCES = sorted(set(REFERENCE.findall(LOG)))


def test_the_log_names_tests():
    assert len(REFERENCES) >= 40


@pytest.mark.parametrize("path, name", REFERENCES, ids=[f"{p}::{n}" for p, n in REFERENCES])
def test_every_named_test_exists(path, name):
    file = ROOT / path
    assert file.exists(), f"{path} does not exist"
    if file.suffix == ".py":
        tree = ast.parse(file.read_text(encoding="utf-8"))
        functions = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
        assert name in functions and name.startswith("test_"), f"{path} has no test {name}"
    else:  # Rasa conversation tests: a story of that name
        stories = yaml.safe_load(file.read_text(encoding="utf-8"))["stories"]
        assert name in {s["story"] for s in stories}, f"{path} has no story {name!r}"


def test_a_missing_test_would_be_caught():
    fake = "`tests/unit/test_safety.py::test_that_does_not_exist`"
    path, name = REFERENCE.search(fake).groups()
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    assert name not in {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def _function(path, name):
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return tree, next(
        n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name
    )


def _asserts(tree, function, seen=frozenset()):
    """Whether the function asserts, itself or through a helper defined in the same file."""
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.With) and any("raises" in ast.unparse(item.context_expr) for item in node.items):
            return True
    helpers = {n.name: n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    called = {n.func.id for n in ast.walk(function) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    return any(_asserts(tree, helpers[c], seen | {function.name}) for c in called & set(helpers) - seen)


@pytest.mark.parametrize(
    "path, name",
    [r for r in REFERENCES if r[0].endswith(".py")],
    ids=[f"{p}::{n}" for p, n in REFERENCES if p.endswith(".py")],
)
def test_every_named_test_asserts_something_and_is_not_skipped(path, name):
    tree, function = _function(path, name)
    assert _asserts(tree, function), f"{path}::{name} asserts nothing"
    decorators = [ast.unparse(d) for d in function.decorator_list]
    assert not any("skip" in d or "xfail" in d for d in decorators), f"{path}::{name} is skipped: {decorators}"


def controls(title_word):
    """(text, references, checks) for each control of the hazard whose title has the word."""
    body = next(body for title, body in HAZARDS.items() if title_word in title.lower())
    block = body.split("**Controls**", 1)[1].split("**Risk after**", 1)[0]
    found = []
    for text in re.split(r"\n  - ", block)[1:]:
        checks = re.search(r"Checks: (.+?)\.(?:\s|$)", text, re.DOTALL)
        found.append((text, REFERENCE.findall(text), re.findall(r"`([^`]+)`", checks.group(1)) if checks else []))
    return found


def _source(path, name):
    """A test's source, with the module-level values it uses (a table of expected words)."""
    text = (ROOT / path).read_text(encoding="utf-8")
    if path.endswith(".py"):
        tree, function = _function(path, name)
        used = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
        values = [
            ast.get_source_segment(text, n)
            for n in tree.body
            if isinstance(n, ast.Assign) and any(isinstance(t, ast.Name) and t.id in used for t in n.targets)
        ]
        return "\n".join([ast.get_source_segment(text, function), *values])
    story = next(s for s in yaml.safe_load(text)["stories"] if s["story"] == name)
    return yaml.safe_dump(story, allow_unicode=True)


@pytest.mark.parametrize("control", controls("crisis"), ids=lambda c: c[0][:50])
def test_each_crisis_control_names_what_its_tests_check_and_they_do(control):
    """Issue 20: a cited test must assert what the control claims, not merely exist. Each control
    of H1 says what its tests check ("Checks: `999`, ..."); every one of those words or values
    must be in the source of a test the control cites."""
    text, references, checks = control
    assert references, f"no test cited: {text[:80]}"
    assert checks, f"no 'Checks:' list: {text[:80]}"
    sources = "\n".join(_source(path, name) for path, name in references)
    missing = [c for c in checks if c not in sources]
    assert not missing, f"{missing} in no cited test of: {text[:80]}"
