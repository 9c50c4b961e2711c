"""The specification's JSON schemas (vendored in reconcile/schemas/0.2/), for the tests."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas" / "0.2"


@cache
def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text())
        resource = Resource.from_contents(schema, default_specification=DRAFT7)
        # By their $id, and by the relative name the schemas use for each other ("type.json").
        resources.append((schema["$id"], resource))
        resources.append((path.name, resource))
    return Registry().with_resources(resources)


def validate(name: str, instance) -> None:
    """Raise jsonschema.ValidationError unless `instance` is valid by schema `name`."""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text())
    Draft7Validator(schema, registry=_registry()).validate(instance)
