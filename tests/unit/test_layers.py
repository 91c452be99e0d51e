"""The house's walls (issue 25): bot/ never imports Rasa, rasa_sdk, actions/ or processes/, and its modules and
packages import each other without a cycle, so any part can be read and tested on its own."""

from __future__ import annotations

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
FORBIDDEN = {"rasa", "rasa_sdk", "actions", "rasa_plugins", "nlu_components", "processes"}


def modules() -> dict[str, pathlib.Path]:
    found = {}
    for path in (ROOT / "bot").rglob("*.py"):
        if "migrations" in path.parts:  # Alembic's scripts, run by it, import every table's module
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imports(path: pathlib.Path) -> set[str]:
    """Every module name an import in the file could mean (`from a import b` may be a.b)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return names


def graph(level: int) -> dict[str, set[str]]:
    """Who imports whom inside bot/, by module (level 0) or by package under bot/ (level 2)."""
    mods = modules()
    cut = (lambda name: name) if level == 0 else (lambda name: ".".join(name.split(".")[:level]))
    edges: dict[str, set[str]] = {cut(name): set() for name in mods}
    for name, path in mods.items():
        edges[cut(name)] |= {cut(other) for other in imports(path) if other in mods and cut(other) != cut(name)}
    return edges


def cycle_in(edges: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1 on the current path, 2 done

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt, path + [nxt])):
                return found
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (found := visit(start, [start])):
            return found
    return None


def test_bot_imports_nothing_of_rasa_or_the_adapters():
    wrong = sorted(
        (name, other) for name, path in modules().items() for other in imports(path) if other.split(".")[0] in FORBIDDEN
    )
    assert wrong == []


def test_no_module_cycle_in_bot():
    assert cycle_in(graph(0)) is None


def test_no_package_cycle_in_bot():
    assert cycle_in(graph(2)) is None


def test_the_cycle_finder_finds_cycles():
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_the_walk_sees_bots_real_imports():
    edges = graph(2)
    assert "bot.storage" in edges["bot.intake"] and "bot.storage" in edges["bot.insight"]
    assert "bot.privacy" in edges["bot.feedback"]


def test_no_test_module_imports_another():
    # Shared helpers live in support modules (tests/intake/factory.py, tests/unit/tracker_replay.py),
    # so running or changing one test file never depends on another's tests.
    wrong = sorted(
        (str(path.relative_to(ROOT)), other)
        for path in (ROOT / "tests").rglob("*.py")
        for other in imports(path)
        if other.startswith("tests.") and other.rsplit(".", 1)[-1].startswith("test_")
    )
    assert wrong == []


def test_the_rasa_adapters_stay_thin():
    # Issue 25: the guide engine is bot/guides/; actions/ only turns a tracker into a Turn and a
    # Decision into events, in 500 lines or fewer.
    lines = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in (ROOT / "actions").glob("*.py"))
    assert lines <= 500, f"actions/ has {lines} lines"
