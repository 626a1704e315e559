"""docs/content-model.md and model/schema.py declare the same fields, types and defaults."""

from __future__ import annotations

import re
from pathlib import Path

from generator.model.schema import HUB, PLANNED, SECTIONS, Field

DOC = Path(__file__).resolve().parents[2] / "docs" / "content-model.md"


def _rows(fields: tuple[Field, ...], prefix: str = "") -> list[str]:
    rows = []
    for spec in fields:
        name = prefix + spec.name
        if spec.kind == "group":
            rows.extend(_rows(spec.fields, name + "."))
            continue
        default = "" if spec.default in (None, {}, ()) else f"`{str(spec.default).lower() if isinstance(spec.default, bool) else spec.default}`"
        required = "yes" if spec.required else "no"
        extension = " *(foyer)*" if spec.extension else ""
        rows.append(f"| `{name}` | {spec.kind} | {required} | {default} | {spec.doc}{extension} |")
    return rows


def expected_table(fields: tuple[Field, ...]) -> str:
    head = ["| field | type | required | default | meaning |", "| --- | --- | --- | --- | --- |"]
    return "\n".join(head + _rows(fields))


TABLES = {"hub.yaml": HUB, **{f"{name}/": fields for name, fields in SECTIONS.items()},
          "calendar.yaml": PLANNED}


def test_every_table_matches_the_schema() -> None:
    text = DOC.read_text("utf-8")
    for title, fields in TABLES.items():
        heading = f"### `{title}` fields"
        assert heading in text, f"docs/content-model.md lacks the heading {heading!r}"
        section = text.split(heading, 1)[1]
        table = re.search(r"(\| field \|.*?)(?:\n\n|\Z)", section, re.S)
        assert table, f"no table under {heading}"
        assert table.group(1).strip() == expected_table(fields), (
            f"the table under {heading} differs from model/schema.py; expected:\n"
            + expected_table(fields))


def test_contract_fields_are_all_declared() -> None:
    """Every field named by shared/content-model.md is still declared (never break it)."""
    contract = {
        "members": "name role joined location pronouns avatar links interests",
        "stories": "title date members tags summary image intent draft",
        "rituals": "title starts duration repeat until except timezone where hosts loop tags "
                   "summary intent status",
        "resources": "title kind url tags summary added contributed_by",
        "newsletters": "title number date summary intent features",
        "pages": "title menu",
    }
    for section, names in contract.items():
        declared = {f.name for f in SECTIONS[section]}
        assert set(names.split()) <= declared, section
        assert {"lang", "translation_of"} <= declared
    assert {"date", "title", "intent", "channel", "status", "notes"} == {f.name for f in PLANNED}
    hub = {f.name for f in HUB}
    assert {"title", "base_url", "description", "language", "timezone", "theme", "give_first",
            "feeds"} <= hub
