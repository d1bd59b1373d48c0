"""The README's one settings table names every setting the code reads from the environment,
and the Makefile's own (`make run PORT=...`), and no other section repeats the table."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text()
READ_FROM_ENVIRONMENT = re.compile(
    r"""environ(?:\.get|\.setdefault)?\(\s*["']([A-Z][A-Z0-9_]+)["']"""
)
MAKE_VARIABLE = re.compile(r"^([A-Z][A-Z0-9_]+) \?=", re.MULTILINE)


def settings_table() -> str:
    section = README.split("\n### Settings\n", 1)[1].split("\n#", 1)[0]
    return "\n".join(line for line in section.splitlines() if line.startswith("|"))


def sources() -> list[Path]:
    python = [ROOT / "config.py", ROOT / "wsgi.py", ROOT / "deploy" / "gunicorn.conf.py"]
    for folder in ("app", "tests"):
        python += sorted((ROOT / folder).rglob("*.py"))
    return python


def test_every_setting_read_from_the_environment_is_in_the_table():
    table = settings_table()
    names = set(MAKE_VARIABLE.findall((ROOT / "Makefile").read_text()))
    for path in sources():
        names |= set(READ_FROM_ENVIRONMENT.findall(path.read_text()))
    assert "SECRET_KEY" in names and "PORT" in names  # the scan finds what it should
    missing = sorted(name for name in names if f"`{name}`" not in table)
    assert not missing, f"README's settings table lacks {missing}"


def test_only_the_settings_section_has_a_settings_table():
    assert README.count("| setting | default | what |") == 1
