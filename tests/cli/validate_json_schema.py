#!/usr/bin/env python3
"""Validates JSON documents against a JSON schema, offline.

    validate_json_schema.py SCHEMA DOCUMENT...

Exit status: 0 when every document is valid, 1 when one is not (each error
printed on stderr with its place in the document), 2 for a usage error or an
unreadable file, 77 when the `jsonschema` module is missing (Debian:
python3-jsonschema, installed by scripts/setup.sh), so the caller can say the
check was skipped rather than passed.

The schema's own "$schema" picks the draft (SARIF 2.1.0's is draft-04). Only
"$ref"s inside the schema are followed; nothing is fetched from the network.
"""
import json
import sys

try:
    import jsonschema
    from jsonschema import validators
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"jsonschema is not installed ({e}); install python3-jsonschema", file=sys.stderr)
    sys.exit(77)


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"{path}: {e}", file=sys.stderr)
        sys.exit(2)


def main(argv):
    if len(argv) < 3:
        print("usage: validate_json_schema.py SCHEMA DOCUMENT...", file=sys.stderr)
        return 2
    schema = load(argv[1])
    cls = validators.validator_for(schema)
    cls.check_schema(schema)
    validator = cls(schema)
    bad = 0
    for path in argv[2:]:
        doc = load(path)
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errors:
            where = "/".join(str(p) for p in e.absolute_path) or "(root)"
            print(f"{path}: {where}: {e.message}", file=sys.stderr)
        bad += bool(errors)
        if not errors:
            print(f"{path}: valid ({cls.__name__})")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
