"""Validate scenario files against docs/scenario.schema.json (JSON Schema 2020-12).

Usage: python tests/scenario_schema.py FILE...   (prints `schema: N valid, M invalid`)
Also checks the schema itself, and that a few deliberately wrong scenarios are rejected,
so a schema that accepts everything cannot pass.
"""
import json
import sys

import jsonschema

SCHEMA_PATH = "docs/scenario.schema.json"

MUST_FAIL = [
    {"berth": 2, "name": "x", "cluster": {}},
    {"berth": 1, "cluster": {}},
    {"berth": 1, "name": "x", "cluster": {"instances": [{"type": "m5.huge"}]}},
    {"berth": 1, "name": "x", "cluster": {}, "services": [{"serviceName": "w", "taskDefinition": "w"}]},
    {"berth": 1, "name": "x", "cluster": {}, "timeline": [{"at": "5x", "action": "terminateInstance", "instance": "i-01"}]},
    {"berth": 1, "name": "x", "cluster": {}, "timeline": [{"at": "5m", "action": "terminateInstance"}]},
    {"berth": 1, "name": "x", "cluster": {}, "colour": "red"},
]


def main(paths):
    with open(SCHEMA_PATH) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    bad = 0
    for path in paths:
        with open(path) as f:
            doc = json.load(f)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors:
            print(f"{path}: {'/'.join(map(str, e.path)) or '(top)'}: {e.message}")
        bad += bool(errors)
    for i, doc in enumerate(MUST_FAIL):
        if validator.is_valid(doc):
            print(f"schema accepts deliberately wrong scenario #{i}: {json.dumps(doc)}")
            bad += 1
    print(f"schema: {len(paths) - min(bad, len(paths))} valid, {bad} invalid")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
