#!/usr/bin/env python3
"""openapi-spec-validator's verdict on swagger files, for certify's oracle test.

Usage: openapi-spec-validator-verdicts.py FILE...
Prints one JSON object: {FILE: {"valid": true|false|null, "errors": ["<path>: <message>", ...]}},
"valid" null when the file is not JSON. Every error is listed (iter_errors), at most 20 a file.
"""
import json, sys

from openapi_spec_validator import OpenAPIV2SpecValidator

result = {}
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8-sig") as f:
            spec = json.load(f)
    except Exception:
        result[path] = {"valid": None, "errors": []}
        continue
    errors = []
    try:
        for error in OpenAPIV2SpecValidator(spec).iter_errors():
            where = "/" + "/".join(str(part) for part in getattr(error, "absolute_path", []) or [])
            errors.append(f"{where}: {error.message}"[:300])
            if len(errors) >= 20:
                break
    except Exception as crash:  # the validator itself failing counts as a rejection
        errors.append(f"(validator failed: {type(crash).__name__}: {crash})"[:300])
    result[path] = {"valid": not errors, "errors": errors}
json.dump(result, sys.stdout, indent=1)
