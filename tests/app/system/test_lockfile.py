"""The lock (requirements/*.txt, written by `make lock`) agrees with pyproject.toml.

A dependency added, dropped or re-ranged in pyproject.toml without `make lock` fails here, so a
fresh clone never installs something other than what the suite ran on.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[3]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
APP_LOCK = ROOT / "requirements" / "app.txt"
TEST_LOCK = ROOT / "requirements" / "test.txt"
DIRECT = "concord (pyproject.toml)"  # how uv annotates a dependency pyproject.toml names


@dataclass(frozen=True)
class Pin:
    name: str
    version: str
    marker: str
    hashed: bool


def read_lock(path: Path) -> tuple[list[Pin], set[str]]:
    """The pins of a lock file, and the names it says pyproject.toml asked for."""
    pins, direct, current = [], set(), None
    for line in re.sub(r"\\\n", " ", path.read_text()).splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            if current is not None and DIRECT in stripped:
                direct.add(current)
            continue
        requirement_text, *hashes = stripped.split(" --hash=")
        requirement = Requirement(requirement_text)
        (spec,) = requirement.specifier  # exactly one specifier, and it must be ==
        assert spec.operator == "==", f"{path.name}: {requirement_text} is not an exact pin"
        current = canonicalize_name(requirement.name)
        marker = str(requirement.marker) if requirement.marker else ""
        pins.append(Pin(current, spec.version, marker, bool(hashes)))
    return pins, direct


def declared(requirements: list[str]) -> dict[str, Requirement]:
    parsed = (Requirement(text) for text in requirements)
    return {canonicalize_name(requirement.name): requirement for requirement in parsed}


RUNTIME = declared(PYPROJECT["dependencies"])
TEST_EXTRAS = declared(PYPROJECT["optional-dependencies"]["test"])
LOCKS = {
    "app.txt": (APP_LOCK, RUNTIME),
    "test.txt": (TEST_LOCK, RUNTIME | TEST_EXTRAS),
}


@pytest.mark.parametrize("lock_name", LOCKS)
def test_every_dependency_is_pinned_within_its_range(lock_name):
    path, wanted = LOCKS[lock_name]
    pins, _ = read_lock(path)
    problems = []
    for name, requirement in sorted(wanted.items()):
        found = [pin for pin in pins if pin.name == name]
        if not found:
            problems.append(f"{requirement} is not in the lock")
        for pin in found:
            if not requirement.specifier.contains(pin.version, prereleases=True):
                problems.append(f"{requirement} is locked at {pin.version}")
    assert not problems, f"{lock_name} disagrees with pyproject.toml (run `make lock`): {problems}"


@pytest.mark.parametrize("lock_name", LOCKS)
def test_the_lock_was_made_for_exactly_the_declared_dependencies(lock_name):
    path, wanted = LOCKS[lock_name]
    _, direct = read_lock(path)
    assert direct == set(wanted), (
        f"{lock_name} was locked for other dependencies than pyproject.toml's (run `make lock`): "
        f"only in the lock {sorted(direct - set(wanted))}, "
        f"only in pyproject.toml {sorted(set(wanted) - direct)}"
    )


@pytest.mark.parametrize("lock_name", LOCKS)
def test_every_pin_carries_hashes(lock_name):
    pins, _ = read_lock(LOCKS[lock_name][0])
    assert pins
    assert [pin.name for pin in pins if not pin.hashed] == []


def test_the_runtime_lock_is_the_tested_versions():
    """app.txt is resolved under test.txt: the app runs on the versions the suite ran on."""
    tested = {(pin.name, pin.version) for pin in read_lock(TEST_LOCK)[0]}
    untested = [pin for pin in read_lock(APP_LOCK)[0] if (pin.name, pin.version) not in tested]
    assert untested == []
