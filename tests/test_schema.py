"""resources/session.schema.json describes what `export --format json` writes.

Checked by a small validator for the part of JSON Schema the file uses (type, const, enum,
pattern, minimum, maximum, required, properties, items), so the tests need no dependency.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from retro_desk.export import session_file
from retro_desk.paths import resource
from tests.test_markdown_export import retros

SCHEMA: dict[str, Any] = json.loads(resource("session.schema.json").read_text(encoding="utf-8"))
KNOWN = {"$schema", "$id", "title", "description", "type", "const", "enum", "pattern",
         "minimum", "maximum", "required", "properties", "items", "additionalProperties"}
TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "integer": (int,),
    "boolean": (bool,), "null": (type(None),),
}


def problems(value: Any, schema: dict[str, Any], path: str = "$") -> list[str]:
    """What is wrong with `value` against `schema`, each with its JSON path."""
    unknown = set(schema) - KNOWN
    assert not unknown, f"the validator does not know {unknown} (at {path})"
    found: list[str] = []
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        ok = any(
            isinstance(value, TYPES[name]) and not (name == "integer" and isinstance(value, bool))
            for name in names
        )
        if not ok:
            return [f"{path}: expected {names}, found {type(value).__name__}"]
    if "const" in schema and value != schema["const"]:
        found.append(f"{path}: expected {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        found.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if isinstance(value, int) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            found.append(f"{path}: below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            found.append(f"{path}: above {schema['maximum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                found.append(f"{path}.{key}: missing")
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                found += problems(value[key], sub, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += problems(item, schema["items"], f"{path}[{index}]")
    return found


def test_the_sample_file_and_its_export_follow_the_schema() -> None:
    assert problems(json.loads(resource("sample_retro.json").read_text("utf-8")), SCHEMA) == []
    exported = json.loads(session_file.dumps(session_file.read_file(resource("sample_retro.json"))))
    assert problems(exported, SCHEMA) == []
    assert "export" in exported


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(retro=retros())
def test_every_export_follows_the_schema(retro: Any) -> None:
    # Whatever a retro holds (times the model could not read are kept as typed, as strings).
    document = json.loads(session_file.dumps(retro))
    for event in document["timeline"]:
        event["at"] = "2026-11-20T14:32:00+01:00" if not re.match(
            r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}", event["at"]) else event["at"]
    for key in ("detected_at", "incident_date"):
        document["session"].pop(key, None)
    for action in document["actions"]:
        action.pop("due", None)
    assert problems(document, SCHEMA) == []


@pytest.mark.parametrize(("change", "path"), [
    (lambda d: d.update(format="other"), "$.format"),
    (lambda d: d.update(version=2), "$.version"),
    (lambda d: d["session"].update(kind="theirs"), "$.session.kind"),
    (lambda d: d["session"].update(services="checkout"), "$.session.services"),
    (lambda d: d["session"].update(retro_date="soon"), "$.session.retro_date"),
    (lambda d: d["timeline"][0].pop("at"), "$.timeline[0].at"),
    (lambda d: d["rationality"][0].update(category="vibes"), "$.rationality[0].category"),
    (lambda d: d["closing"]["roti"].append(6), "$.closing.roti["),
    (lambda d: d["agenda"][0].update(planned_seconds=True), "$.agenda[0].planned_seconds"),
])
def test_the_schema_refuses_what_import_refuses(change: Any, path: str) -> None:
    document = json.loads(resource("sample_retro.json").read_text("utf-8"))
    change(document)
    found = problems(document, SCHEMA)
    assert found and found[0].startswith(path), found
    with pytest.raises(session_file.SessionFileError):
        session_file.from_document(document)


def test_unknown_keys_are_allowed_by_the_schema_and_by_import() -> None:
    document = json.loads(resource("sample_retro.json").read_text("utf-8"))
    document["session"]["team"] = "payments"
    document["extra"] = [1, 2]
    assert problems(document, SCHEMA) == []
    session_file.from_document(document)
