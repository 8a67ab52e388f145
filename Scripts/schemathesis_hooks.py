"""Schemathesis hooks for Scripts/schemathesis.sh: what a schema cannot say.

openapi.yaml says what a request looks like, not what exists: which bytes are a connector
package, which cursor the server issued, which webhook URL resolves to an address the server may
call, which connectors are certified, or what an admin must name that a submitter need not. Nor
can JSON Schema say a limit in UTF-8 bytes, or one across fields (16 credentials in headers and
form fields together, 32 parts in a form). A request generated as valid (a positive case) gets
such values from the seeded service, or is brought within such limits, before it is sent, so
that "valid data is accepted" is checked for real; a request generated as invalid (a negative
case) is sent as Schemathesis made it.
"""

import os

import jsonschema
import schemathesis

with open(os.environ["CERTIFY_ST_PACKAGE"], "rb") as handle:
    PACKAGE = handle.read()
CURSOR = os.environ["CERTIFY_ST_CURSOR"]
WEBHOOK_URL = os.environ["CERTIFY_ST_WEBHOOK_URL"]
PROBE_BASE_URL = os.environ["CERTIFY_ST_PROBE_BASE_URL"]
PUBLISHER = os.environ["CERTIFY_ST_PUBLISHER"]
CONNECTOR = os.environ["CERTIFY_ST_CONNECTOR"]
CERTIFIED = os.environ["CERTIFY_ST_CERTIFIED"]
SUBMISSION = os.environ["CERTIFY_ST_SUBMISSION"]
ROLE = os.environ["CERTIFY_ST_ROLE"]

UPLOADS = {("POST", "/v1/submissions"), ("POST", "/v1/submissions/{id}/revisions")}


# Limits the server counts in UTF-8 bytes; JSON Schema's maxLength counts characters, so the
# description gives each its byte limit as maxLength (every longer string is refused) and a
# valid string with characters outside ASCII can still be too long. Such a string is made ASCII
# ('x' for each other character, which every pattern concerned allows) before it is sent.
QUERY_LIMITS = {"filename": 255}
QUERY_LIMIT = 1024
HEADER_LIMITS = {"X-Certify-Credential": 4096, "X-Certify-Probe-Base-Url": 2048}
BODY_LIMITS = {"credential": 4096, "probeBaseUrl": 2048, "url": 2048, "secret": 256}


def fit(value, limit, bytes_per_other=None):
    if not isinstance(value, str):
        return value
    size = len(value.encode("utf-8", "surrogatepass")) if bytes_per_other is None else (
        len(value) + (bytes_per_other - 1) * sum(1 for c in value if ord(c) > 127))
    return value if size <= limit else "".join(c if ord(c) < 128 else "x" for c in value)


def fit_all(container, limits, default=None, bytes_per_other=None):
    for name in list(container.keys()):
        limit = limits.get(name, default)
        if limit is None:
            continue
        value = container[name]
        if isinstance(value, list):
            container[name] = [fit(item, limit, bytes_per_other) for item in value]
        else:
            container[name] = fit(value, limit, bytes_per_other)


def is_valid(case, schema, value, bundle=None):
    # References resolve against the description's components, or against the bundle of
    # references Schemathesis made for a body schema ("#/x-bundled/...").
    root = {"components": case.operation.schema.raw_schema.get("components", {}), **(bundle or {}), **schema}
    try:
        return jsonschema.Draft202012Validator(root).is_valid(value)
    except jsonschema.exceptions.SchemaError:
        return True
    except Exception as error:  # a reference that does not resolve: leave the value as it is
        if "Referencing" in type(error).__name__ or "Unresolvable" in type(error).__name__:
            return True
        raise


def drop_invalid_headers(case):
    """Schemathesis 4.32's coverage phase can put a header value that breaks its own schema (say
    4097 zeros for X-Certify-Credential) into a case it calls valid; such a header is left out
    (every header parameter here is optional)."""
    for parameter in case.operation.headers:
        name = parameter.definition["name"]
        schema = parameter.definition.get("schema")
        value = case.headers.get(name) if case.headers else None
        if value is not None and schema and not is_valid(case, schema, value):
            del case.headers[name]


def drop_invalid_form_fields(case):
    """The same for the optional fields of a multipart form (an empty `stages`, say)."""
    if case.media_type != "multipart/form-data" or not isinstance(case.body, dict):
        return
    alternative = case.operation.get_body_for_media_type(case.media_type)
    schema = alternative.raw_schema if alternative is not None else None
    if not isinstance(schema, dict):
        return
    required = set(schema.get("required", []))
    for name, field in (schema.get("properties") or {}).items():
        if name in case.body and name not in required and name != "package":
            if not is_valid(case, field, case.body[name], {"x-bundled": schema.get("x-bundled", {})}):
                del case.body[name]


def is_positive(case):
    # The mode the case was generated in, read without `case.meta`, which re-checks the case and
    # can relabel it (see the end of before_call).
    meta = case._meta
    return meta is not None and meta.generation.mode.is_positive


@schemathesis.hook
def before_call(context, case, kwargs):
    operation = (case.method.upper(), case.path)
    # A revision would take the certified connector out of `certified`; it stays as seeded.
    if operation == ("POST", "/v1/submissions/{id}/revisions") and case.path_parameters.get("id") == CERTIFIED:
        case.path_parameters["id"] = SUBMISSION
    if not is_positive(case):
        return
    drop_invalid_headers(case)
    drop_invalid_form_fields(case)
    # At most 32 parts in a form, whatever their names (fields the server does not know are
    # ignored): a count over fields and array items together. Unknown fields go first.
    if case.media_type == "multipart/form-data" and isinstance(case.body, dict):
        declared = {"package", "credential", "probeBaseUrl", "stages"}
        def parts():
            return sum(len(v) if isinstance(v, list) else 1 for v in case.body.values())
        for name in [n for n in case.body if n not in declared]:
            if parts() <= 32:
                break
            del case.body[name]
    # At most 16 credentials in all, header and form fields together: a limit across two places.
    if isinstance(case.body, dict) and isinstance(case.body.get("credential"), list) and case.headers \
            and "X-Certify-Credential" in case.headers:
        case.body["credential"] = case.body["credential"][:15]
    if case.query:
        fit_all(case.query, QUERY_LIMITS, QUERY_LIMIT)
    # A header sent as Latin-1 that is not UTF-8 reaches the server as U+FFFD, 3 bytes.
    fit_all(case.headers, HEADER_LIMITS, bytes_per_other=3)
    if isinstance(case.body, dict):
        fit_all(case.body, BODY_LIMITS)
    body = case.body if isinstance(case.body, dict) else None
    if operation in UPLOADS:
        # A package the stages can read; probes go to a closed loopback port, never elsewhere.
        if case.media_type == "multipart/form-data" and body is not None:
            body["package"] = PACKAGE
            if "probeBaseUrl" in body:
                body["probeBaseUrl"] = PROBE_BASE_URL
        elif case.media_type != "multipart/form-data":
            case.body = PACKAGE
        if "X-Certify-Probe-Base-Url" in case.headers:
            case.headers["X-Certify-Probe-Base-Url"] = PROBE_BASE_URL
    if case.query and "cursor" in case.query:
        case.query["cursor"] = CURSOR
    if operation == ("POST", "/v1/webhooks") and body is not None:
        body["url"] = WEBHOOK_URL
        if ROLE == "admin" and not body.get("publisher"):
            body["publisher"] = PUBLISHER
    if operation == ("POST", "/v1/recertifications") and body is not None:
        # publisher wins over connector, which wins over selection: name what is certified.
        if "publisher" in body:
            body["publisher"] = PUBLISHER
        elif "connector" in body:
            body["connector"] = CONNECTOR
        elif "selection" in body:
            kind = str(body["selection"]).split(":", 1)[0]
            body["selection"] = {"publisher": f"publisher:{PUBLISHER}", "connector": f"connector:{CONNECTOR}"}.get(
                kind, "all")
    # Every edit above keeps a valid case valid. Schemathesis re-checks a case a hook edited, but
    # takes any body holding bytes (the package) for invalid, since it cannot validate binary:
    # the edits are taken as the case's values, so the case stays positive.
    case._sync_validated_hashes()
