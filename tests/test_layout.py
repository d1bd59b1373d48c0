"""The suite's own layout: tests mirror the features, and test modules share only tests/support.

A test module that imports another runs that module's tests' set-up as a side effect, and ties
two files that should be free to move; a helper two modules need belongs in tests/support/.
"""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
SYSTEM = "system"  # tests/app/system/: what crosses every feature


def modules() -> dict[str, ast.Module]:
    return {
        str(path.relative_to(ROOT)): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(TESTS.rglob("*.py"))
        if "node_modules" not in path.parts
    }


def imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_test_module_imports_another_or_a_conftest():
    offending = {
        path: sorted(
            name
            for name in imported(tree)
            if name.startswith("tests.")
            and any(part.startswith("test_") or part == "conftest" for part in name.split("."))
        )
        for path, tree in modules().items()
    }
    offending = {path: names for path, names in offending.items() if names}
    assert not offending, f"import these from tests/support/ instead: {offending}"


def test_each_helper_is_defined_once():
    """Helpers shared by many modules live once in tests/support/, never copied."""
    shared = (
        "error_of",
        "login",
        "api_headers",
        "make_position",
        "make_meeting",
        "committed_count",
    )
    defined: dict[str, list[str]] = {name: [] for name in shared}
    for path, tree in modules().items():
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name in defined:
                defined[node.name].append(path)
    assert all(len(paths) == 1 for paths in defined.values()), defined
    assert all(path.startswith("tests/support/") for [path] in defined.values()), defined


def test_the_app_tests_mirror_the_features():
    """tests/app/<feature>/ for each feature package of app/ that has tests, and system/."""
    features = {p.name for p in (ROOT / "app").iterdir() if (p / "__init__.py").exists()}
    folders = {p.name for p in (TESTS / "app").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders - {SYSTEM} <= features, f"not a feature of app/: {folders - {SYSTEM} - features}"
    loose = sorted(p.name for p in (TESTS / "app").glob("test_*.py"))
    assert not loose, f"tests/app/ holds only feature folders: move {loose}"
