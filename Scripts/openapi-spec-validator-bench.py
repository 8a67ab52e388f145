#!/usr/bin/env python3
"""Times openapi-spec-validator over swagger files, for `certify bench schema`.

Usage: openapi-spec-validator-bench.py FILE...   Prints: files, rejected, seconds (validate calls only).
"""
import json, sys, time

from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

total = 0.0
rejected = 0
count = 0
for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8-sig") as f:
            spec = json.load(f)
    except Exception:
        continue
    count += 1
    start = time.perf_counter()
    try:
        validate(spec)
    except Exception:
        rejected += 1
    total += time.perf_counter() - start
print(f"{count} {rejected} {total:.3f}")
