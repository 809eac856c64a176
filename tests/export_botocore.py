#!/usr/bin/env python3
"""Check that Berth's task-definition exports are valid RegisterTaskDefinition input.

Usage:
    python3 tests/export_botocore.py FILE...

Each FILE is a JSON document as `aws ecs register-task-definition --cli-input-json` takes it.
The documents are checked against the ECS service model shipped with botocore (the same model
the AWS CLI uses), with botocore's own parameter validator: unknown fields, wrong types, missing
required members and out-of-range values are reported exactly as the CLI would report them
before sending a request. Nothing is sent to AWS.

Prints one line per invalid file and a summary `export: N valid, M invalid`; exits 1 if any
file is invalid, 2 on usage errors or when botocore is missing.

Setup (once):
    python3 -m venv /tmp/bv && /tmp/bv/bin/pip install botocore
    cargo test --test taskdef_export        # writes target/export/*.json
    /tmp/bv/bin/python tests/export_botocore.py target/export/*.json
"""

import json
import sys


def load_shape():
    try:
        import botocore.session
    except ImportError:
        print("export: botocore is not installed (pip install botocore)", file=sys.stderr)
        sys.exit(2)
    model = botocore.session.get_session().get_service_model("ecs")
    return model.operation_model("RegisterTaskDefinition").input_shape


def validate_file(path, shape, validator):
    """Returns a list of problems (empty when valid)."""
    try:
        with open(path, encoding="utf-8") as f:
            params = json.load(f)
    except (OSError, ValueError) as e:
        return [f"cannot read JSON: {e}"]
    if not isinstance(params, dict):
        return ["top level is not a JSON object"]
    report = validator.validate(params, shape)
    if report.has_errors():
        return [line for line in report.generate_report().splitlines() if line.strip()]
    return []


def main(argv):
    files = argv[1:]
    if not files or any(a in ("-h", "--help") for a in files):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    from botocore.validate import ParamValidator

    shape = load_shape()
    validator = ParamValidator()
    valid = invalid = 0
    for path in files:
        problems = validate_file(path, shape, validator)
        if problems:
            invalid += 1
            print(f"{path}: invalid")
            for p in problems:
                print(f"  {p}")
        else:
            valid += 1
    print(f"export: {valid} valid, {invalid} invalid")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
