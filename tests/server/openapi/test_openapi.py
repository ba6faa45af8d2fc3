"""The server's OpenAPI description (server/openapi.json) against real responses.

Starts `$ATLAS_SEARCH_BIN serve --index $ATLAS_TEST_INDEXES/portals --port 0`, fetches
/openapi.json from it (it must be the repository's file), sends real requests to every
route, in many shapes, and validates each response body against the schema that the
document gives for that route, method, status and content type.  A member the
document does not list where it says additionalProperties: false, a wrong type, a
missing required member or an undocumented status fails the test.

Dialect: OpenAPI 3.1.0, whose Schema Objects *are* JSON Schema 2020-12 (the document
says so in jsonSchemaDialect).  That lets one validator, jsonschema's
Draft202012Validator, check responses with exactly the document's semantics: no
OpenAPI-3.0 `nullable` to translate, and `const`, type lists, `dependentRequired`
(`corrections` comes with `did_you_mean`, `groups` with `group_by`) and `if`/`then`
(`ready: true` comes with the generation) mean what they say.  The document has no
recursive schema (has_children's four levels are spelt out, and so are three levels of
PaNOSC includes), so `$ref`s are resolved by inlining, the same with any jsonschema
version (Debian 12 ships 4.10).

The PaNOSC search API under /api answers LoopBack's errors, not /v1's: the routes' own
errors are validated as `PanoscError`, the server's (405, 414, 503 overloaded) as `Error`.

Standard library + jsonschema + pytest only.  Run by ctest (tests/server/openapi.cmake):
  /usr/bin/python3 -m pytest -q tests/server/openapi
with ATLAS_SEARCH_BIN (the atlas-search binary) and ATLAS_TEST_INDEXES (the folder
tests/build_test_indexes.sh fills) in the environment.
"""

import copy
import gzip
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import urllib.parse
import zlib
from pathlib import Path

import jsonschema
import pytest

REPO = Path(__file__).resolve().parents[3]
DOC_PATH = REPO / "server" / "openapi.json"
DOC = json.loads(DOC_PATH.read_text(encoding="utf-8"))
SCHEMAS = DOC["components"]["schemas"]
SOURCES = ["cryoet", "htan", "hoa", "panosc", "minerva"]

# The routes of the HTTP contract, with their methods.
CONTRACT_ROUTES = {
    "/v1/search": {"get", "post"},
    "/v1/records/{id}": {"get"},
    "/v1/facets/{field}": {"get"},
    "/v1/manifest": {"get", "post"},
    "/v1/fields": {"get"},
    "/v1/stats": {"get"},
    "/health": {"get"},
    "/ready": {"get"},
    "/metrics": {"get"},
    "/openapi.json": {"get"},
    "/": {"get"},
    "/page/{file}": {"get"},
}
# The PaNOSC search API (server/panosc_routes.cpp): per model, a find, a count and a find by
# pid.  Its errors are LoopBack's ({"error":{"statusCode","name","message","code"}},
# PanoscError), but for those the server's error handler writes for every path (405, 414,
# 503 overloaded, a path no route serves): those are `Error`.
PANOSC_MODELS = {"Datasets": "PanoscDataset", "Documents": "PanoscDocument", "Instruments": "PanoscInstrument"}
PANOSC_ROUTES = {f"/api/{m}{rest}" for m in PANOSC_MODELS for rest in ("", "/count", "/{pid}")}
CONTRACT_ROUTES.update({t: {"get"} for t in PANOSC_ROUTES})
# Routes that read parameters or a body, and so can refuse them (400).
BAD_REQUEST_ROUTES = {"/v1/search", "/v1/records/{id}", "/v1/facets/{field}", "/v1/manifest"} | PANOSC_ROUTES
ETAG_ROUTES = {("/v1/search", "get"), ("/v1/search", "post"), ("/v1/records/{id}", "get"),
               ("/v1/facets/{field}", "get"), ("/v1/fields", "get"),
               ("/v1/stats", "get")} | {(t, "get") for t in PANOSC_ROUTES}

# (path template, method, status) of every response validated, for the last test.
VALIDATED = set()


# --------------------------------------------------------------------- the document
def deref(node, seen=()):
    """`node` with every "$ref" (all of them "#/...") replaced by what it points to."""
    if isinstance(node, dict):
        if "$ref" in node:
            target = node["$ref"]
            assert target.startswith("#/"), f"external $ref {target}"
            assert target not in seen, f"recursive $ref {target}"
            value = DOC
            for part in target[2:].split("/"):
                value = value[part.replace("~1", "/").replace("~0", "~")]
            rest = {k: v for k, v in node.items() if k != "$ref"}
            out = deref(value, seen + (target,))
            return {"allOf": [out, deref(rest, seen)]} if rest else out
        return {k: deref(v, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [deref(v, seen) for v in node]
    return node


_validators = {}


def validator(schema):
    key = json.dumps(schema, sort_keys=True)
    if key not in _validators:
        _validators[key] = jsonschema.Draft202012Validator(deref(schema))
    return _validators[key]


def schema_errors(schema, instance):
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:400]}"
            for e in validator(schema).iter_errors(instance)]


def component(name):
    return {"$ref": f"#/components/schemas/{name}"}


# --------------------------------------------------------------------- the server
class Server:
    def __init__(self, index_dir, extra=()):
        binary = os.environ.get("ATLAS_SEARCH_BIN")
        if not binary:
            pytest.fail("ATLAS_SEARCH_BIN is not set (ctest sets it: tests/server/openapi.cmake)")
        self.stderr = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [binary, "serve", "--index", str(index_dir), "--bind", "127.0.0.1", "--port", "0", *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self.stderr)
        line = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline()))
        reader.start()
        reader.join(30)
        first = line[0].decode("utf-8", "replace") if line else ""
        m = re.fullmatch(r"listening on http://([^\s:]+|\[[0-9a-fA-F:]+\]):([0-9]+)\n", first)
        if not m:
            self.stop()
            raise RuntimeError(f"serve printed {first!r} first, not 'listening on http://HOST:PORT'; "
                               f"stderr: {self.stderr_text()[-2000:]}")
        self.host, self.port = m.group(1).strip("[]"), int(m.group(2))
        assert self.port != 0

    def stderr_text(self):
        self.stderr.seek(0)
        return self.stderr.read().decode("utf-8", "replace")

    def stop(self, timeout=20):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def request(self, method, target, body=None, headers=None, decode=True):
        """(status, headers, body bytes); the body gunzipped when the server gzipped it."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            hdrs = dict(headers or {})
            if isinstance(body, (dict, list)):
                body = json.dumps(body).encode()
                hdrs.setdefault("Content-Type", "application/json")
            elif isinstance(body, str):
                body = body.encode()
            try:
                conn.request(method, target, body=body, headers=hdrs)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server may answer (413) and close before it has read all of a body
            resp = conn.getresponse()
            data = resp.read()
            if decode and resp.getheader("Content-Encoding") == "gzip":
                data = gzip.decompress(data)
            return resp.status, resp.headers, data
        finally:
            conn.close()


@pytest.fixture(scope="module")
def indexes():
    value = os.environ.get("ATLAS_TEST_INDEXES")
    if not value:
        pytest.fail("ATLAS_TEST_INDEXES is not set (ctest sets it: tests/server/openapi.cmake)")
    return Path(value)


@pytest.fixture(scope="module")
def server(indexes):
    s = Server(indexes / "portals")
    yield s
    rc = s.stop()
    assert rc == 0, f"serve exited {rc} on SIGTERM; stderr: {s.stderr_text()[-2000:]}"


# --------------------------------------------------------------------- checking a response
def media_type(value):
    return (value or "").split(";")[0].strip().lower()


def check(response, template, method, expect=None):
    """Validates a response against the document's entry for (template, method, status).

    Returns the parsed JSON body (or the text of a text body)."""
    status, headers, body = response
    if expect is not None:
        assert status == expect, f"{method.upper()} {template}: {status}, not {expect}: {body[:600]!r}"
    op = DOC["paths"][template][method]
    entry = op["responses"].get(str(status)) or op["responses"].get("default")
    assert entry is not None, (f"{method.upper()} {template} answered {status}, which the document "
                               f"does not list: {body[:300]!r}")
    entry = deref(entry)
    VALIDATED.add((template, method, status))
    for name, header in entry.get("headers", {}).items():
        if header.get("required") and headers.get(name) is None:
            pytest.fail(f"{method.upper()} {template} {status}: no {name} header")
    if (template, method) in ETAG_ROUTES and status in (200, 304):
        assert headers.get("ETag"), f"{method.upper()} {template} {status}: no ETag"
    if status == 503 and headers.get("Retry-After") is not None:
        assert re.fullmatch(r"[0-9]+", headers["Retry-After"]), headers["Retry-After"]
    content = entry.get("content")
    if not content:
        assert body == b"", f"{method.upper()} {template} {status}: a body where none is documented"
        return None
    got = headers.get("Content-Type")
    matches = [k for k in content if media_type(k) == media_type(got)]
    assert matches, (f"{method.upper()} {template} {status}: Content-Type {got!r}, documented: "
                     f"{list(content)}")
    schema = content[matches[0]]["schema"]
    if media_type(got) == "application/json":
        try:
            parsed = json.loads(body)
        except ValueError as e:
            pytest.fail(f"{method.upper()} {template} {status}: not JSON ({e}): {body[:300]!r}")
        errors = schema_errors(schema, parsed)
        assert not errors, (f"{method.upper()} {template} {status} does not match the document:\n  "
                            + "\n  ".join(errors[:20]))
        return parsed
    text = body.decode("utf-8")
    assert not schema_errors(schema, text)
    return text


def check_error(response, template, method, status, code=None, mentions=()):
    body = check(response, template, method, expect=status)
    if code is not None:
        assert body["error"]["code"] == code, body
    for word in mentions:
        assert word in body["error"]["message"], f"{word!r} not in {body['error']['message']!r}"
    return body


def check_panosc_error(response, template, status, code, mentions=()):
    """A LoopBack error of /api: its statusCode is the HTTP status, and its code and message say why."""
    body = check(response, template, "get", expect=status)
    assert not schema_errors(component("PanoscError"), body), body
    assert body["error"]["statusCode"] == status, body
    assert body["error"]["code"] == code, body
    for word in mentions:
        assert word in body["error"]["message"], f"{word!r} not in {body['error']['message']!r}"
    return body


def get(server, path, params=None, headers=None):
    target = path + ("?" + urllib.parse.urlencode(params, doseq=True) if params else "")
    return server.request("GET", target, headers=headers)


def search_get(server, params, expect=200, headers=None):
    return check(get(server, "/v1/search", params, headers), "/v1/search", "get", expect)


def search_post(server, body, expect=200, headers=None):
    if expect == 200:
        errors = schema_errors(DOC["paths"]["/v1/search"]["post"]["requestBody"]["content"]
                               ["application/json"]["schema"], body)
        assert not errors, f"the document refuses a request the server takes: {body}: {errors}"
    return check(server.request("POST", "/v1/search", body=body, headers=headers), "/v1/search", "post",
                 expect)


def record_target(record_id):
    return "/v1/records/" + urllib.parse.quote(record_id, safe="")


# ===================================================================== the document itself
def walk(node, path=""):
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{path}/{i}")


def test_document_is_openapi_3_1():
    assert DOC["openapi"] == "3.1.0"
    assert DOC["jsonSchemaDialect"] == "https://json-schema.org/draft/2020-12/schema"
    assert DOC["info"]["title"] and DOC["info"]["version"]
    meta = jsonschema.Draft202012Validator
    for name, schema in SCHEMAS.items():
        meta.check_schema(schema)
        meta.check_schema(deref(schema))
    # Every $ref resolves (deref asserts), and none is external.
    for path, node in walk(DOC):
        if isinstance(node, dict) and "$ref" in node:
            deref(node)
    for group in ("parameters", "responses", "headers"):
        for name, item in DOC["components"][group].items():
            deref(item)


def test_every_object_schema_says_what_else_it_takes():
    # additionalProperties false, or a schema for the members it does not name: an
    # object schema without it would let anything through.
    loose = [path for path, node in walk(SCHEMAS)
             if isinstance(node, dict) and node.get("type") == "object"
             and "additionalProperties" not in node]
    assert loose == []
    for name in ("SearchRequest", "Filter", "ChildFilter", "SearchResponse", "Hit", "Breadcrumb",
                 "FacetValue", "FacetTotals", "Group", "RecordResponse", "FacetSearchResponse",
                 "Fields", "FieldInfo", "SourceInfo", "Stats", "Ready", "Health", "Error",
                 "PanoscFilter", "PanoscScope", "PanoscCount", "PanoscError"):
        assert SCHEMAS[name]["additionalProperties"] is False, name
    # The PaNOSC objects come from several sources (dumps as written, mapped portals): they
    # say the types of the properties they know and let the others through.
    panosc_objects = [name for name in SCHEMAS if re.fullmatch(
        r"Panosc(Dataset|Document|Instrument)(2|3|Properties)?|Panosc(Parameter|Sample|Technique|File|Member"
        r"|Person|Affiliation|Found)", name)]
    assert len(panosc_objects) == 20, panosc_objects
    for name in panosc_objects:
        assert SCHEMAS[name]["additionalProperties"] is True, name
        assert SCHEMAS[name]["properties"], name


def test_document_describes_the_contract():
    assert set(DOC["paths"]) == set(CONTRACT_ROUTES)
    for template, methods in CONTRACT_ROUTES.items():
        item = DOC["paths"][template]
        assert {m for m in item if m in ("get", "post", "put", "delete", "patch", "head")} == methods
        for method in methods:
            op = item[method]
            statuses = set(op["responses"])
            assert {"200", "405", "414", "503"} <= statuses, (template, method, statuses)
            assert ("400" in statuses) == (template in BAD_REQUEST_ROUTES), (template, method)
            if "requestBody" in op:
                assert "413" in statuses, (template, method)
            if (template, method) in ETAG_ROUTES:
                assert "304" in statuses, (template, method)
                assert "ETag" in op["responses"]["200"]["headers"], (template, method)
            for status, entry in op["responses"].items():
                entry = deref(entry)
                if status in ("200", "304"):
                    continue
                schema = entry["content"]["application/json"]["schema"]
                ours = {"error": {"code": {"405": "method_not_allowed", "414": "uri_too_long",
                                           "503": "overloaded"}.get(status, "internal"), "message": "x"}}
                if template not in PANOSC_ROUTES:
                    assert not schema_errors(schema, ours), (template, status)
                    continue
                # /api: LoopBack's errors where the route answers, the server's own where its
                # error handler or admission does (405, 414, 503 overloaded, 500 internal).
                loopback = {"400": ("Error", "invalid_request"), "404": ("Error", "MODEL_NOT_FOUND"),
                            "500": ("Error", "corrupt"), "503": ("Error", "unavailable")}
                if status in loopback:
                    name, code = loopback[status]
                    sample = {"error": {"statusCode": int(status), "name": name, "message": "x", "code": code}}
                    assert not schema_errors(schema, sample), (template, status)
                    wrong = copy.deepcopy(sample)
                    wrong["error"]["statusCode"] = 400 if status != "400" else 404
                    assert schema_errors(schema, wrong), (template, status, "takes another status")
                assert (status in ("405", "414", "500", "503")) == (not schema_errors(schema, ours)), \
                    (template, status)
    for template in ("/v1/records/{id}", "/v1/facets/{field}") + tuple(t for t in PANOSC_ROUTES if "{pid}" in t):
        assert "404" in DOC["paths"][template]["get"]["responses"]
    for model, schema in PANOSC_MODELS.items():
        found = DOC["paths"][f"/api/{model}"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert found["type"] == "array" and found["maxItems"] == 1000
        assert found["items"] == {"allOf": [component(schema), component("PanoscFound")]}
        by_pid = DOC["paths"][f"/api/{model}/{{pid}}"]["get"]["responses"]["200"]["content"]["application/json"]
        assert by_pid["schema"] == component(schema)
        count = DOC["paths"][f"/api/{model}/count"]["get"]["responses"]["200"]["content"]["application/json"]
        assert count["schema"] == component("PanoscCount")
    assert SCHEMAS["PanoscFound"]["required"] == ["score"]
    for template in PANOSC_ROUTES:
        responses = DOC["paths"][template]["get"]["responses"]
        assert ("404" in responses) == ("{pid}" in template), template
        assert ("X-Total-Count" in responses["200"]["headers"]) == (template.count("/") == 2), template
        assert "Retry-After" in deref(responses["503"])["headers"]
    assert "Retry-After" in deref(DOC["components"]["responses"]["Unavailable"])["headers"]
    # The limits, in the schema where a schema can say them.
    req = SCHEMAS["SearchRequest"]["properties"]
    assert req["limit"]["maximum"] == 1000
    assert req["offset"]["maximum"] == 10000
    assert req["query"]["maxLength"] == 2048
    assert req["filters"]["maxItems"] == 32 and req["facets"]["maxItems"] == 32
    assert req["group_size"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 3}
    assert SCHEMAS["Filter"]["properties"]["values"]["oneOf"][1]["maxItems"] == 256
    assert SCHEMAS["FacetRequest"]["oneOf"][1]["properties"]["size"]["maximum"] == 1000
    assert "offset + limit ≤ 10,000" in SCHEMAS["SearchRequest"]["description"]
    assert "Retry-After" in SCHEMAS["SearchRequest"]["description"]
    # The request's members are those request_from_json reads (query/request_json.cpp).
    source = (REPO / "query" / "request_json.cpp").read_text(encoding="utf-8")
    block = re.search(r'only_members\(doc, where,\s*\{([^}]*)\}', source).group(1)
    assert set(re.findall(r'"([a-z_]+)"', block)) == set(req)
    assert set(SCHEMAS["Filter"]["properties"]) == set(
        re.findall(r'"([a-z_]+)"', re.search(r'\{"field", "values", "value", "mode"\}', source).group(0)))
    codes = set(SCHEMAS["ErrorCode"]["enum"])
    assert codes == {"invalid_request", "invalid_query", "not_found", "unavailable", "io", "corrupt",
                     "schema_mismatch", "internal", "too_large", "uri_too_long", "method_not_allowed",
                     "overloaded"}


def test_panosc_document_is_the_library():
    """The /api parameters, filter members, operators, relations and caps are those the code has."""
    def constant(path, name):
        source = (REPO / path).read_text(encoding="utf-8")
        return int(re.search(rf"\b{name} = ([0-9]+);", source).group(1))

    most = {name: constant("panosc/include/atlas/panosc.h", name)
            for name in ("kMaxFilterBytes", "kMaxFilterDepth", "kMaxLimit", "kMaxSkip", "kMaxRanked")}
    most.update({name: constant("panosc/filter.cpp", name) for name in ("kMaxValues", "kMaxPatterns",
                                                                        "kMaxPatternBytes")})
    assert most == {"kMaxFilterBytes": 8192, "kMaxFilterDepth": 16, "kMaxLimit": 1000, "kMaxSkip": 100000,
                    "kMaxRanked": 100000, "kMaxValues": 256, "kMaxPatterns": 8, "kMaxPatternBytes": 128}, most
    for scope in (SCHEMAS["PanoscFilter"], SCHEMAS["PanoscScope"]):
        assert scope["properties"]["limit"]["oneOf"][0]["maximum"] == most["kMaxLimit"]
        assert scope["properties"]["skip"]["oneOf"][0]["maximum"] == most["kMaxSkip"]
        assert scope["properties"]["offset"]["oneOf"][0]["maximum"] == most["kMaxSkip"]
    operators = SCHEMAS["PanoscCondition"]["oneOf"][1]["properties"]
    for op in ("like", "nlike", "ilike", "nilike"):
        assert operators[op]["maxLength"] == most["kMaxPatternBytes"], op
    for op in ("inq", "nin"):
        assert operators[op]["maxItems"] == most["kMaxValues"], op
    for text in (SCHEMAS["PanoscFilter"]["description"], DOC["components"]["parameters"]["panoscFilter"]["description"]):
        for words in ("8 KiB", "16 levels", "`limit` at most 1,000", "`skip` at most 100,000", "at most 8 ",
                      "128 bytes", "256 values"):
            assert words in text, words
    assert "100,000 records" in DOC["components"]["parameters"]["panoscQuery"]["description"]
    assert DOC["components"]["parameters"]["panoscQuery"]["schema"]["maxLength"] == 2048

    # The filter's members and operators (panosc/filter.cpp), the relations (panosc/relations.cpp).
    source = re.sub(r'"\s*\n\s*"', "", (REPO / "panosc" / "filter.cpp").read_text(encoding="utf-8"))
    scope_members, include_members = [set(m.split(", ")) for m in sorted(
        re.findall(r"unknown member '\{\}' \(takes ([a-z, ]+)(?:\{\})?\)", source), key=len, reverse=True)]
    assert scope_members == set(SCHEMAS["PanoscScope"]["properties"])
    assert scope_members | {"query"} == set(SCHEMAS["PanoscFilter"]["properties"])  # the top level's own
    assert include_members == set(SCHEMAS["PanoscInclude"]["oneOf"][2]["properties"]) == {"relation", "scope"}
    op_list = re.search(r'kOpList = "([a-z, ]+)"', source).group(1).split(", ")
    assert set(operators) == set(op_list) | {"options"}
    relations = re.findall(r'\{Entity::(\w+), "(\w+)", Entity::\w+, Way::\w+\}',
                           (REPO / "panosc" / "relations.cpp").read_text(encoding="utf-8"))
    assert len(relations) == 12, relations

    def properties(name):
        schema = SCHEMAS[name]
        found = set(schema["properties"])
        for part in schema.get("allOf", []):
            found |= set(deref(part)["properties"])
        return found

    schemas_of = {"dataset": ["PanoscDataset", "PanoscDataset2", "PanoscDataset3"],
                  "document": ["PanoscDocument", "PanoscDocument2", "PanoscDocument3"],
                  "instrument": ["PanoscInstrument", "PanoscInstrument2", "PanoscInstrument3"],
                  "member": ["PanoscMember"]}
    for entity, names in schemas_of.items():
        for name in names:
            assert {rel for frm, rel in relations if frm == entity} <= properties(name), name
    # Each route's parameters: those panosc_routes.cpp takes; its paths: either first letter.
    routes = (REPO / "server" / "panosc_routes.cpp").read_text(encoding="utf-8")
    takes = [set(re.findall(r'"(\w+)"', m)) for m in re.findall(r"check_params\(req, res, \{([^}]*)\}", routes)]
    assert takes == [{"filter", "query"}, {"where", "query"}, {"filter"}], takes
    for template in PANOSC_ROUTES:
        params = [deref(p) for p in DOC["paths"][template]["get"]["parameters"]]
        names = {p["name"] for p in params if p["in"] == "query"}
        expected = takes[1] if template.endswith("/count") else takes[2] if "{pid}" in template else takes[0]
        assert names == expected, (template, names)
        assert all(p.get("description") for p in params), template
        assert {p["name"] for p in params if p["in"] == "header"} == {"If-None-Match"}, template
    patterns = re.findall(r'R"\((/api/.*?)\)"', routes)
    assert len(patterns) == 3, patterns
    for model in PANOSC_MODELS:
        for path in (f"/api/{model}", f"/api/{model[0].lower()}{model[1:]}"):
            assert re.fullmatch(patterns[1], path) and re.fullmatch(patterns[0], path + "/count"), path
            assert model[0].lower() + model[1:] in DOC["paths"][f"/api/{model}"]["get"]["description"]
    assert not any(re.fullmatch(p, "/api/Samples") for p in patterns)


# ===================================================================== the CLI's JSON
CLI_REQUESTS = [
    {"query": "lung", "facets": ["organ", "quality", "voxel_spacing:5", {"field": "organism", "prefix": "Sch"}],
     "limit": 20},
    {"query": "ribosome", "group_by": "dataset", "group_size": 2, "limit": 5, "explain": True},
    {"query": "ribosme"},
    {"query": "ribosome membrane kidney", "explain": True},
    {"query": "tomograms of the human lung younger than 40"},
    {"query": "ribosome", "collapse": True, "kinds": ["annotation"], "limit": 50},
    {"query": "", "limit": 1000, "explain": True},
    {"query": "", "limit": 1000, "offset": 1000},
]


@pytest.mark.parametrize("request_body", CLI_REQUESTS, ids=lambda r: r["query"] or "(all)")
def test_cli_request_json_matches_search_response(indexes, request_body):
    binary = os.environ["ATLAS_SEARCH_BIN"]
    out = subprocess.run([binary, "--index", str(indexes / "portals"), "--request", "-"],
                         input=json.dumps(request_body), capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 1), out.stderr
    errors = schema_errors(component("SearchResponse"), json.loads(out.stdout))
    assert not errors, "\n".join(errors[:20])


def test_schemas_refuse_what_they_do_not_list(indexes):
    """The test would see a member the document does not list, or a wrong type."""
    binary = os.environ["ATLAS_SEARCH_BIN"]
    request_body = {"query": "ribosome", "facets": ["organism", "quality"], "limit": 2, "explain": True,
                    "group_by": "dataset"}
    out = subprocess.run([binary, "--index", str(indexes / "portals"), "--request", "-"],
                         input=json.dumps(request_body), capture_output=True, text=True, timeout=120)
    good = json.loads(out.stdout)
    assert not schema_errors(component("SearchResponse"), good)

    def spoilt(change):
        doc = copy.deepcopy(good)
        change(doc)
        return schema_errors(component("SearchResponse"), doc)

    hit = ["groups", 0, "hits", 0]

    def at(doc, path):
        for p in path:
            doc = doc[p]
        return doc

    cases = {
        "extra top member": lambda d: d.update(extra=1),
        "extra hit member": lambda d: at(d, hit).update(extra=1),
        "extra breadcrumb member": lambda d: at(d, hit + ["breadcrumb", 0]).update(extra=1),
        "extra explain member": lambda d: at(d, hit + ["explain"]).update(extra=1),
        "extra group member": lambda d: at(d, ["groups", 0]).update(extra=1),
        "extra facet value member": lambda d: d["facets"]["quality"][0].update(lo=1),
        "extra facet totals member": lambda d: d["facet_totals"]["organism"].update(extra=1),
        "total a string": lambda d: d.update(total=str(d["total"])),
        "score a string": lambda d: at(d, hit).update(score="1.5"),
        "rank 0": lambda d: at(d, hit).update(rank=0),
        "count negative": lambda d: d["facets"]["organism"][0].update(count=-1),
        "links a list": lambda d: at(d, hit).update(links=[]),
        "field value an object of another shape": lambda d: at(d, hit + ["fields"]).update(x={"v": 1}),
        "no hits": lambda d: d.pop("hits"),
        "groups without group_by": lambda d: d.pop("group_by"),
    }
    for name, change in cases.items():
        assert spoilt(change), f"the schema let through: {name}"
    error = {"error": {"code": "invalid_request", "message": "x"}}
    assert not schema_errors(component("Error"), error)
    assert schema_errors(component("Error"), {"error": {"code": "nope", "message": "x"}})
    assert schema_errors(component("Error"), {"error": {"code": "internal", "message": "x"}, "more": 1})
    assert schema_errors(component("Error"), {"error": {"code": "internal", "message": "a\nb"}})


# ===================================================================== the served document
def test_served_document_is_the_file(server):
    status, headers, body = get(server, "/openapi.json")
    served = check((status, headers, body), "/openapi.json", "get", 200)
    assert served == DOC, "GET /openapi.json is not server/openapi.json"
    assert body.strip() == DOC_PATH.read_bytes().strip()


# ===================================================================== search
GET_SEARCHES = [
    {"q": "lung", "facets": "organ,quality,voxel_spacing:5,release_date"},
    {"q": "ribosome", "kind": "dataset,run", "source": "cryoet"},
    {"q": "ribosome", "kind": ["dataset", "annotation"]},
    {"q": "ribosome", "filter": ["organism=Schizosaccharomyces pombe 972h-,Saccharomyces cerevisiae",
                                 "quality=>=4"], "facets": "organism:20,quality"},
    {"q": "", "filter": ["deposition=*", "organism!=Homo sapiens"], "kind": "dataset"},
    {"q": "", "filter": "tissue!=*", "source": ["htan", "hoa"], "limit": "3"},
    {"q": "", "sort": "release_date:desc", "kind": "dataset", "limit": "5"},
    {"q": "ribosome", "sort": "title", "offset": "5", "limit": "5"},
    {"q": "ribosome", "group": "dataset", "limit": "3", "explain": "1"},
    {"q": "ribosome S. pombe", "explain": "1"},
    {"q": "ribosme"},
    {"q": "ribosome membrane kidney"},
    {"q": "tomograms of the human lung younger than 40"},
    {"q": "", "limit": "0", "facets": "source,kind,organism:50,quality,voxel_spacing,release_date"},
    {"q": "", "limit": "1000"},
]


@pytest.mark.parametrize("params", GET_SEARCHES, ids=lambda p: urllib.parse.urlencode(p, doseq=True)[:60])
def test_get_search(server, params):
    body = search_get(server, params)
    assert body["query"] == params["q"]
    if "limit" in params:
        assert body["limit"] == int(params["limit"])


POST_SEARCHES = [
    {"query": "lung", "facets": ["organ", "quality", "voxel_spacing:5", "release_date",
                                 {"field": "organism", "prefix": "Sch", "size": 5}]},
    {"query": "ribosome", "kinds": ["dataset"],
     "filters": [{"field": "organism", "values": ["Schizosaccharomyces pombe 972h-", "Saccharomyces cerevisiae"]},
                 {"field": "quality", "values": [">=4"]},
                 {"field": "deposition", "mode": "exists"}],
     "has_children": [{"kind": "annotation",
                       "filters": [{"field": "ground_truth", "values": [True]},
                                   {"field": "object", "values": ["cytosolic ribosome"]}]}],
     "facets": ["organism", {"field": "quality", "size": 5}, "release_date", {"field": "author", "prefix": "Ma"}],
     "sort": "release_date:desc", "group_by": "", "group_size": 3, "offset": 0, "limit": 2},
    {"query": "", "kinds": "dataset", "has_children": [{"kind": "run", "query": "",
                                                        "has_children": [{"kind": "annotation", "query": "ribosome"}]}]},
    {"query": "", "filters": [{"field": "quality", "values": 5}, {"field": "ground_truth", "value": True}]},
    {"query": "", "filters": [{"field": "organism", "values": ["Homo sapiens"], "mode": "none"},
                              {"field": "tissue", "mode": "missing"}], "sources": ["hoa", "htan"]},
    {"query": "ribosome", "sort": [{"field": "quality", "order": "desc"}]},
    {"query": "ribosome", "sort": {"field": "title"}},
    {"query": "", "sort": ["release_date:asc"], "kinds": "dataset"},
    {"query": "ribosome", "group_by": "dataset", "group_size": 2, "limit": 4, "offset": 1, "explain": True},
    {"query": "ribosme", "typo_tolerance": True},
    {"query": "ribosme", "typo_tolerance": False},
    {"query": "ribosome membrane kidney", "explain": True},
    {"query": "tomograms of the human lung younger than 40", "explain": True},
    {"query": "ribosome", "kinds": ["annotation"], "collapse": True, "limit": 50},
    {"q": "lung", "snippet_bytes": 40},
    {"query": "source:htan", "kinds": ["publication"], "limit": 20},
    {"query": "", "limit": 50, "offset": 1000, "explain": True},
    {"query": "", "limit": 1000, "offset": 1000},
    {},
]


@pytest.mark.parametrize("request_body", POST_SEARCHES, ids=lambda r: json.dumps(r)[:60])
def test_post_search(server, request_body):
    search_post(server, request_body)


def test_post_search_is_the_cli_response(server, indexes):
    """`POST /v1/search` answers exactly what `atlas-search --request` prints (but took_ms)."""
    binary = os.environ["ATLAS_SEARCH_BIN"]
    for request_body in POST_SEARCHES[:12]:
        served = search_post(server, request_body)
        out = subprocess.run([binary, "--index", str(indexes / "portals"), "--request", "-"],
                             input=json.dumps(request_body), capture_output=True, text=True, timeout=120)
        printed = json.loads(out.stdout)
        for d in (served, printed):
            d.pop("took_ms")
        assert served == printed, json.dumps(request_body)


def test_get_and_post_search_agree(server):
    by_get = search_get(server, {"q": "ribosome", "kind": "dataset,annotation", "source": "cryoet",
                                 "filter": ["quality=>=4"], "facets": "organism:20,quality",
                                 "sort": "release_date:desc", "offset": "2", "limit": "7"})
    by_post = search_post(server, {"query": "ribosome", "kinds": ["dataset", "annotation"],
                                   "sources": ["cryoet"], "filters": [{"field": "quality", "values": [">=4"]}],
                                   "facets": ["organism:20", "quality"], "sort": "release_date:desc",
                                   "offset": 2, "limit": 7})
    for d in (by_get, by_post):
        d.pop("took_ms")
    assert by_get == by_post


def test_every_optional_shape_was_seen(server):
    """The shapes the schema describes as optional come back from the server (and so are checked)."""
    seen = {}
    seen["facets"] = search_post(server, {"query": "lung", "facets": ["organ", "voxel_spacing"]})
    assert seen["facets"]["facets"]["organ"] and seen["facets"]["facet_totals"]["voxel_spacing"]["unit"]
    typo = search_get(server, {"q": "ribosme"})
    assert typo["corrections"] == [{"from": "ribosme", "to": ["ribosome"]}] and typo["did_you_mean"]
    relaxed = search_get(server, {"q": "ribosome membrane kidney"})
    assert relaxed["relaxed"]["of"] == 3 and relaxed["relaxed"]["message"]
    words = search_get(server, {"q": "tomograms of the human lung younger than 40"})
    assert {u["what"] for u in words["understood"]} >= {"kind", "optional", "range"}
    explained = search_get(server, {"q": "ribosome S. pombe", "explain": "1"})
    assert all(h["explain"]["parts"] for h in explained["hits"])
    grouped = search_get(server, {"q": "ribosome", "group": "dataset", "limit": "3"})
    assert grouped["group_by"] == "dataset" and grouped["groups"] and grouped["hits"] == []
    assert grouped["group_total"] >= len(grouped["groups"])
    collapsed = search_post(server, {"query": "ribosome", "kinds": ["annotation"], "collapse": True, "limit": 50})
    assert any(h.get("similar") for h in collapsed["hits"])
    more = search_post(server, {"query": "source:htan", "kinds": ["publication"], "limit": 20})
    assert any(h.get("fields_more") for h in more["hits"])
    everything = search_get(server, {"q": "", "limit": "1000"})
    assert {h["source"] for h in everything["hits"]} == set(SOURCES)
    assert any(isinstance(v, dict) and "label" in v
               for h in everything["hits"] for vs in h["fields"].values()
               for v in (vs if isinstance(vs, list) else [vs]))


# ===================================================================== records
def test_records_of_each_source(server):
    for source in SOURCES:
        body = search_get(server, {"q": "", "source": source, "limit": "3"})
        assert body["hits"], source
        for hit in body["hits"]:
            response = server.request("GET", record_target(hit["id"]))
            record = check(response, "/v1/records/{id}", "get", 200)
            assert record["record"]["id"] == hit["id"]
            assert record["record"]["fields"] == hit["fields"]
            assert record["record"]["links"] == hit["links"]
    dataset = check(server.request("GET", record_target("cryoet:dataset:10000")), "/v1/records/{id}", "get", 200)
    assert dataset["children"].get("run", 0) > 0 and dataset["children"].get("annotation", 0) > 0


def test_record_not_found(server):
    check_error(server.request("GET", record_target("cryoet:dataset:99999999")), "/v1/records/{id}", "get",
                404, "not_found")
    check_error(server.request("GET", record_target("no such id / at all")), "/v1/records/{id}", "get", 404)


# ===================================================================== facets
FACET_SEARCHES = [
    ("organism", {"prefix": "Sch"}),
    ("organism", {}),
    ("organism", {"prefix": "homo", "q": "lung", "size": "3"}),
    ("author", {"prefix": "Ma", "filter": "quality=>=4", "size": "50"}),
    ("quality", {}),
    ("voxel_spacing", {"q": "ribosome"}),
    ("release_date", {"filter": ["organism=Schizosaccharomyces pombe 972h-"]}),
    ("ground_truth", {}),
    ("organ", {"prefix": "lu", "size": "1000"}),
]


@pytest.mark.parametrize("field,params", FACET_SEARCHES, ids=lambda x: str(x))
def test_facet_search(server, field, params):
    body = check(get(server, f"/v1/facets/{field}", params), "/v1/facets/{field}", "get", 200)
    assert body["field"] == field
    assert body["prefix"] == params.get("prefix", "")
    assert len(body["values"]) <= int(params.get("size", 1000))
    if field in ("quality", "voxel_spacing", "release_date"):
        assert all("from" in v and "to" in v for v in body["values"])
    if field == "voxel_spacing":
        assert body["unit"]


def test_facet_search_errors(server):
    r = get(server, "/v1/facets/no_such_field", {"prefix": "a"})
    check(r, "/v1/facets/{field}", "get")
    assert r[0] in (400, 404)
    check_error(get(server, "/v1/facets/organism", {"size": "1001"}), "/v1/facets/{field}", "get", 400,
                mentions=["size", "1001"])


# ===================================================================== index routes
def test_fields(server):
    body = check(get(server, "/v1/fields"), "/v1/fields", "get", 200)
    names = {f["name"] for f in body["fields"]}
    assert {"organism", "quality", "voxel_spacing", "release_date"} <= names
    assert {s["name"] for s in body["sources"]} == set(SOURCES)
    assert "dataset" in body["kinds"]


def test_stats_and_ready(server):
    stats = check(get(server, "/v1/stats"), "/v1/stats", "get", 200)
    assert set(stats["sources"]) == set(SOURCES)
    assert stats["records"] == sum(s["records"] for s in stats["sources"].values())
    for s in stats["sources"].values():
        assert s["records"] == sum(s["kinds"].values())
    everything = search_get(server, {"q": "", "limit": "0"})
    assert stats["records"] == everything["total"]
    ready = check(get(server, "/ready"), "/ready", "get", 200)
    assert ready["ready"] is True
    assert ready["records"] == stats["records"] and ready["generation"] == stats["generation"]
    health = check(get(server, "/health"), "/health", "get", 200)
    assert health == {"status": "ok"}


def test_not_ready_without_an_index(tmp_path):
    """A server over a folder with no index yet starts, and is not ready: 503 on every search route."""
    empty = Server(tmp_path)
    try:
        check(empty.request("GET", "/ready"), "/ready", "get", 503)
        check(empty.request("GET", "/health"), "/health", "get", 200)
        for target, template in (("/v1/search?q=lung", "/v1/search"), ("/v1/stats", "/v1/stats"),
                                 (record_target("cryoet:dataset:10000"), "/v1/records/{id}")):
            r = empty.request("GET", target)
            check(r, template, "get")
            assert r[0] == 503, (target, r[0])
        for target, template in (("/api/Datasets", "/api/Datasets"), ("/api/Documents/count", "/api/Documents/count"),
                                 ("/api/Instruments/ESRF%2FBM18", "/api/Instruments/{pid}")):
            check_panosc_error(empty.request("GET", target), template, 503, "unavailable", ["holds no index"])
        check(empty.request("GET", "/v1/fields"), "/v1/fields", "get", 200)
    finally:
        assert empty.stop() == 0


# ===================================================================== ETag, gzip
def test_etag_and_not_modified(server):
    cases = [("GET", "/v1/search?q=ribosome&facets=organism", None, "/v1/search", "get"),
             ("POST", "/v1/search", {"query": "ribosome", "facets": ["organism"]}, "/v1/search", "post"),
             ("GET", record_target("cryoet:dataset:10000"), None, "/v1/records/{id}", "get"),
             ("GET", "/v1/facets/organism?prefix=Sch", None, "/v1/facets/{field}", "get"),
             ("GET", "/v1/fields", None, "/v1/fields", "get"),
             ("GET", "/v1/stats", None, "/v1/stats", "get")]
    for method, target, body, template, op in cases:
        first = server.request(method, target, body=body)
        check(first, template, op, 200)
        etag = first[1]["ETag"]
        again = server.request(method, target, body=body, headers={"If-None-Match": etag})
        check(again, template, op, 304)
        other = server.request(method, target, body=body, headers={"If-None-Match": '"not-it"'})
        check(other, template, op, 200)


def test_gzip(server):
    for target, template in (("/v1/search?q=lung&limit=50", "/v1/search"), ("/v1/fields", "/v1/fields"),
                             ("/v1/stats", "/v1/stats")):
        raw = server.request("GET", target, headers={"Accept-Encoding": "gzip"}, decode=False)
        assert raw[1].get("Content-Encoding") == "gzip", target
        unzipped = (raw[0], raw[1], gzip.decompress(raw[2]))
        check(unzipped, template, "get", 200)
        plain = server.request("GET", target)
        assert plain[1].get("Content-Encoding") is None
        check(plain, template, "get", 200)


# ===================================================================== manifests, metrics, page
def test_manifest(server):
    status, headers, body = get(server, "/v1/manifest", {"format": "s3", "q": "ribosome", "kind": "dataset"})
    text = check((status, headers, body), "/v1/manifest", "get", 200)
    assert media_type(headers["Content-Type"]) == "text/plain"
    lines = [l for l in text.splitlines() if l]
    assert lines and all(l.startswith("aws s3 ") or l.startswith("# ") for l in lines), lines[:5]
    text = check(server.request("POST", "/v1/manifest?format=doi",
                                body={"query": "", "sources": ["hoa"], "kinds": ["dataset"]}),
                 "/v1/manifest", "post", 200)
    assert any(l.startswith("10.") or "doi.org" in l for l in text.splitlines())
    check_error(get(server, "/v1/manifest", {"format": "zip", "q": "lung"}), "/v1/manifest", "get", 400,
                mentions=["format"])
    check_error(server.request("POST", "/v1/manifest?format=s3", body={"query": "x", "feild": 1}),
                "/v1/manifest", "post", 400, "invalid_request", mentions=["feild"])
    text = check(get(server, "/v1/manifest", {"format": "https", "q": "lung", "source": "hoa"}),
                 "/v1/manifest", "get", 200)
    assert any(l.startswith("https://") for l in text.splitlines())
    text = check(get(server, "/v1/manifest", {"format": "drs", "q": "source:htan", "kind": "file", "limit": "50"}),
                 "/v1/manifest", "get", 200)
    assert any(re.match(r"# htan:file:\S+: ", l) for l in text.splitlines())


def test_metrics(server):
    status, headers, body = get(server, "/metrics")
    check((status, headers, body), "/metrics", "get", 200)
    assert headers["Content-Type"].replace(" ", "").startswith("text/plain;version=0.0.4")
    assert re.search(rb"^# (HELP|TYPE) \w+", body, re.M)
    for line in body.decode().splitlines():
        if line and not line.startswith("#"):
            assert re.fullmatch(r'[a-zA-Z_:][a-zA-Z0-9_:]*'
                                r'(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? \S+( -?[0-9]+)?', line), line


def test_search_page(server):
    status, headers, body = get(server, "/")
    check((status, headers, body), "/", "get", 200)
    assert b"<html" in body.lower()
    for asset in re.findall(rb'(?:src|href)="/page/([A-Za-z0-9_.-]+)"', body):
        check(get(server, "/page/" + asset.decode()), "/page/{file}", "get", 200)
    check_error(get(server, "/page/no-such-file.js"), "/page/{file}", "get", 404, "not_found")


# ===================================================================== errors
def test_unknown_member(server):
    check_error(server.request("POST", "/v1/search", body={"query": "x", "feild": 1}), "/v1/search", "post",
                400, "invalid_request", mentions=["feild"])
    check_error(server.request("POST", "/v1/search",
                               body={"query": "x", "filters": [{"feild": "organism", "values": ["a"]}]}),
                "/v1/search", "post", 400, "invalid_request", mentions=["feild"])
    assert schema_errors(component("SearchRequest"), {"query": "x", "feild": 1})


def test_bad_requests(server):
    check_error(server.request("POST", "/v1/search", body="{not json"), "/v1/search", "post", 400,
                "invalid_request")
    check_error(server.request("POST", "/v1/search", body=[1, 2]), "/v1/search", "post", 400, "invalid_request")
    check_error(server.request("POST", "/v1/search", body={"limit": "ten"}), "/v1/search", "post", 400,
                "invalid_request", mentions=["limit"])
    check_error(search_raw(server, {"q": "autor:Ma"}), "/v1/search", "get", 400, "invalid_query",
                mentions=["autor"])
    check_error(server.request("POST", "/v1/search", body={"query": "x", "facets": ["autor"]}), "/v1/search",
                "post", 400, mentions=["autor"])
    check_error(search_raw(server, {"q": "x", "filter": "autor=Ma"}), "/v1/search", "get", 400,
                mentions=["autor"])
    check_error(search_raw(server, {"q": "x", "filter": "organism"}), "/v1/search", "get", 400,
                "invalid_request", mentions=["filter"])
    check_error(search_raw(server, {"q": "x", "sort": "nope:desc"}), "/v1/search", "get", 400, mentions=["nope"])
    check_error(search_raw(server, {"q": "x", "limit": "ten"}), "/v1/search", "get", 400, mentions=["limit"])
    check_error(search_raw(server, {"q": "x", "group": "run"}), "/v1/search", "get", 400, mentions=["run"])
    check_error(search_raw(server, {"q": "quality:>=banana"}), "/v1/search", "get", 400, "invalid_query",
                mentions=["banana"])
    check_error(search_raw(server, {"q": "AND"}), "/v1/search", "get", 400, "invalid_query")
    check_error(server.request("POST", "/v1/search", body={"sort": ["title", "id"]}), "/v1/search", "post", 400,
                "invalid_request", mentions=["sort"])
    assert schema_errors(component("SearchRequest"), {"sort": ["title", "id"]})
    check_error(search_raw(server, {"q": "x", "limt": "5"}), "/v1/search", "get", 400, "invalid_request",
                mentions=["limt"])
    check_error(search_raw(server, {"q": "x", "explain": "yes please"}), "/v1/search", "get", 400,
                mentions=["explain"])
    check_error(search_raw(server, {"q": "x", "kind": "nokind"}), "/v1/search", "get", 400, "invalid_query",
                mentions=["nokind"])


def search_raw(server, params):
    return get(server, "/v1/search", params)


def test_unknown_route_and_wrong_method(server):
    for target in ("/v2/search", "/v1/searches", "/v1/records", "/nope", "/v1/facets"):
        status, headers, body = server.request("GET", target)
        assert status == 404, (target, status)
        parsed = json.loads(body)
        assert not schema_errors(component("Error"), parsed), parsed
        assert parsed["error"]["code"] == "not_found"
    for method, target, template in (("DELETE", "/v1/search", "/v1/search"), ("PUT", "/v1/search", "/v1/search"),
                                     ("POST", "/v1/stats", "/v1/stats"), ("POST", "/v1/fields", "/v1/fields"),
                                     ("POST", "/health", "/health"), ("DELETE", record_target("cryoet:dataset:10000"),
                                                                      "/v1/records/{id}")):
        op = "get" if "get" in DOC["paths"][template] else "post"
        r = server.request(method, target, body=b"" if method != "DELETE" else None)
        check_error(r, template, op, 405, "method_not_allowed")
        assert r[1].get("Allow"), (method, target)


def test_too_large_body(server):
    body = json.dumps({"query": "lung " + "a" * (70 * 1024)}).encode()
    check_error(server.request("POST", "/v1/search", body=body, headers={"Content-Type": "application/json"}),
                "/v1/search", "post", 413, "too_large")
    check_error(server.request("POST", "/v1/manifest?format=s3", body=body,
                               headers={"Content-Type": "application/json"}),
                "/v1/manifest", "post", 413, "too_large")


def test_too_long_uri(server):
    check_error(get(server, "/v1/search", {"q": "lung " + "a" * 9000}), "/v1/search", "get", 414, "uri_too_long")
    check_error(get(server, "/v1/facets/organism", {"prefix": "a" * 9000}), "/v1/facets/{field}", "get", 414,
                "uri_too_long")


def test_overloaded(indexes):
    """Beyond its workers and queue the server answers 503 `overloaded` with Retry-After at once.

    `--threads 1 --queue 0` and a connection that never finishes its request hold the only
    worker (flags of serve beyond the contract's; README "Serve it")."""
    import socket
    import time
    s = Server(indexes / "portals", ["--threads", "1", "--queue", "0"])
    # A connection that comes before the worker waits for one is told 503 too: at the
    # start ("listening on" is printed before the worker waits) and right after each
    # answer (admission.cpp counts a worker idle only once it waits again).
    for _ in range(50):
        time.sleep(0.1)
        if s.request("GET", "/health")[0] == 200:
            break
    time.sleep(0.2)
    hold = socket.create_connection((s.host, s.port))
    try:
        hold.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        time.sleep(0.3)
        for method, target, body, template, op in (
                ("GET", "/v1/search?q=lung", None, "/v1/search", "get"),
                ("POST", "/v1/search", {"query": "lung"}, "/v1/search", "post"),
                ("GET", "/v1/stats", None, "/v1/stats", "get"),
                ("GET", "/ready", None, "/ready", "get"),
                ("GET", "/api/Datasets", None, "/api/Datasets", "get"),
                ("GET", "/api/Documents/count", None, "/api/Documents/count", "get")):
            r = s.request(method, target, body=body)
            check_error(r, template, op, 503, "overloaded")
            assert re.fullmatch(r"[0-9]+", r[1].get("Retry-After") or ""), r[1].get("Retry-After")
    finally:
        hold.close()
        assert s.stop() == 0


# ===================================================================== limits
def nested_children(depth):
    node = {"kind": "annotation"}
    kinds = ["run", "tomogram", "annotation", "run", "tomogram", "annotation"]
    for level in range(depth - 1):
        node = {"kind": kinds[level], "has_children": [node]}
    return {"query": "", "kinds": ["dataset"], "has_children": [node]}


def many_facets(n):
    return {"query": "", "limit": 0,
            "facets": [{"field": "organism", "prefix": f"{chr(97 + i % 26)}{i}"} for i in range(n)]}


# (name, request at the limit, request over it, in the schema too, words the message names)
LIMITS = [
    ("limit", {"limit": 1000}, {"limit": 1001}, True, ["limit", "1001"]),
    ("offset+limit", {"offset": 9000, "limit": 1000}, {"offset": 9001, "limit": 1000}, False, ["offset"]),
    ("offset", {"offset": 10000, "limit": 0}, {"offset": 10001, "limit": 0}, True, ["offset", "10001"]),
    # 64 words of 31 letters (a word over 64 bytes is refused on its own)
    ("query bytes", {"query": ("a" * 31 + " ") * 64}, {"query": ("a" * 31 + " ") * 64 + "b"}, True, ["query"]),
    ("query words", {"query": " ".join(f"w{i}" for i in range(64))},
     {"query": " ".join(f"w{i}" for i in range(65))}, False, ["query"]),
    ("parentheses", {"query": "(" * 16 + "ribosome" + ")" * 16},
     {"query": "(" * 17 + "ribosome" + ")" * 17}, False, []),
    ("filters", {"filters": [{"field": "organism", "mode": "exists"}] * 32},
     {"filters": [{"field": "organism", "mode": "exists"}] * 33}, True, ["filters"]),
    ("filter values", {"filters": [{"field": "organism", "values": [f"v{i}" for i in range(256)]}]},
     {"filters": [{"field": "organism", "values": [f"v{i}" for i in range(257)]}]}, True, ["filters", "257"]),
    ("facets", many_facets(32), many_facets(33), True, ["facets"]),
    ("facet size", {"facets": [{"field": "organism", "size": 1000}]},
     {"facets": [{"field": "organism", "size": 1001}]}, True, ["organism", "1001"]),
    ("facet size text", {"facets": ["organism:1000"]}, {"facets": ["organism:1001"]}, True, ["1001"]),
    ("group_size", {"group_by": "dataset", "group_size": 100}, {"group_by": "dataset", "group_size": 101}, True,
     ["group_size", "101"]),
    ("group_size 0", {"group_by": "dataset", "group_size": 1}, {"group_by": "dataset", "group_size": 0}, True,
     ["group_size"]),
    ("has_children depth", nested_children(4), nested_children(5), True, ["has_children"]),
    ("has_children count", {"has_children": [{"kind": "run"}] * 32}, {"has_children": [{"kind": "run"}] * 33},
     True, ["has_children"]),
    ("kinds", {"kinds": ["dataset"] * 256}, {"kinds": ["dataset"] * 257}, True, ["kinds"]),
    ("sort keys", {"sort": ["title"]}, {"sort": ["title", "id"]}, True, ["sort"]),
    ("snippet_bytes", {"snippet_bytes": 2000}, {"snippet_bytes": 2001}, True, ["snippet_bytes", "2001"]),
    ("wildcards", {"query": " OR ".join(f"{c}*" for c in "abcdefgh")},
     {"query": " OR ".join(f"{c}*" for c in "abcdefghi")}, False, ["wildcards", "9"]),
    ("limit with explain", {"limit": 50, "explain": True}, {"limit": 51, "explain": True}, False,
     ["explain", "51"]),
]


@pytest.mark.parametrize("name,at_limit,over,in_schema,mentions", LIMITS, ids=[x[0] for x in LIMITS])
def test_limits(server, name, at_limit, over, in_schema, mentions):
    search_post(server, at_limit)
    check_error(server.request("POST", "/v1/search", body=over), "/v1/search", "post", 400, mentions=mentions)
    if in_schema:
        assert schema_errors(component("SearchRequest"), over), f"the document takes {name} over its limit"


def test_get_limits(server):
    search_get(server, {"q": "", "limit": "1000"})
    check_error(search_raw(server, {"q": "", "limit": "1001"}), "/v1/search", "get", 400, mentions=["limit", "1001"])
    check_error(search_raw(server, {"q": "", "offset": "9991", "limit": "10"}), "/v1/search", "get", 400,
                mentions=["offset"])
    check_error(search_raw(server, {"q": "", "filter": [f"organism=v{i}" for i in range(33)]}), "/v1/search",
                "get", 400, mentions=["filter", "33"])
    check_error(search_raw(server, {"q": "", "facets": "organism:1001"}), "/v1/search", "get", 400,
                mentions=["1001"])
    limit = DOC["components"]["parameters"]["limit"]["schema"]
    assert not schema_errors(limit, 1000) and schema_errors(limit, 1001)


# ===================================================================== /api: the PaNOSC search API
DATASET1 = "20.500.12269/panosc-dataset1"
DOCUMENT1 = "10.5072/panosc-document1"
# Every relation of each model (panosc/relations.cpp), and a member's person and affiliation.
EVERY_INCLUDE = {
    "Datasets": ["documents", "instrument", "parameters", "samples", "techniques", "files"],
    "Documents": ["datasets", {"relation": "members", "scope": {"include": ["person", "affiliation"]}}, "parameters"],
    "Instruments": ["datasets"],
}
RELATIONS = {"Datasets": {"documents", "instrument", "parameters", "samples", "techniques", "files"},
             "Documents": {"datasets", "members", "parameters"}, "Instruments": {"datasets"}}


def panosc_filter(value):
    """The filter as the server's clients send it (JSON text); it is one the document takes."""
    errors = schema_errors(component("PanoscFilter"), value)
    assert not errors, f"the document refuses a filter the server takes: {value}: {errors}"
    return json.dumps(value)


def api(server, model, params=None, rest="", expect=200, headers=None):
    """GET /api/{model}{rest}, validated against the template of the model's route."""
    template = f"/api/{model[0].upper()}{model[1:]}" + ("/{pid}" if rest.startswith("/") and rest != "/count"
                                                        else rest)
    response = get(server, f"/api/{model}{rest}", params, headers)
    return check(response, template, "get", expect), response


def pid_path(pid):
    return "/" + urllib.parse.quote(pid, safe="")


@pytest.mark.parametrize("model", sorted(PANOSC_MODELS))
def test_panosc_find(server, model):
    found, (_, headers, _) = api(server, model)
    assert found and int(headers["X-Total-Count"]) == len(found)
    assert all("pid" in o and o["score"] == 0 for o in found)
    assert [o["pid"] for o in found] == sorted(o["pid"] for o in found)  # LoopBack's default order
    assert not any(RELATIONS[model] & set(o) for o in found), "a relation not asked for"
    # The path with a lower-case first letter (LoopBack's are case-blind) answers the same.
    lower, _ = api(server, model[0].lower() + model[1:])
    assert lower == found
    # limit and skip (or offset, or as text) page; X-Total-Count counts before them.
    page, (_, page_headers, _) = api(server, model, {"filter": panosc_filter({"limit": 2, "skip": 1})})
    assert page == found[1:3] and page_headers["X-Total-Count"] == headers["X-Total-Count"]
    same, _ = api(server, model, {"filter": panosc_filter({"limit": "2", "offset": "1"})})
    assert same == page
    ordered, _ = api(server, model, {"filter": panosc_filter({"order": "pid DESC", "limit": 3})})
    assert [o["pid"] for o in ordered] == [o["pid"] for o in found[::-1][:3]]
    none, (_, none_headers, _) = api(server, model, {"filter": panosc_filter({"where": {"pid": "no such pid"}})})
    assert none == [] and none_headers["X-Total-Count"] == "0"


@pytest.mark.parametrize("model", sorted(PANOSC_MODELS))
def test_panosc_find_with_every_include(server, model):
    found, _ = api(server, model, {"filter": panosc_filter({"include": EVERY_INCLUDE[model]})})
    assert found and all(set(o) >= RELATIONS[model] for o in found)
    if model == "Datasets":
        assert any(o["parameters"] for o in found) and any(o["files"] for o in found)
        assert all(o["instrument"] is None or o["instrument"]["pid"] == o["instrumentId"] for o in found)
        assert any(o["documents"] for o in found) and any(t.get("panetId") for o in found for t in o["techniques"])
        assert {type(p["value"]) for o in found for p in o["parameters"]} >= {int, float, str}
    if model == "Documents":
        members = [m for o in found for m in o["members"]]
        assert members and all("person" in m and "affiliation" in m for m in members)
        assert any(m["affiliation"] is None for m in members) and any(m["affiliation"] for m in members)
        assert any(o["datasets"] for o in found) and any(o["parameters"] for o in found)
    if model == "Instruments":
        assert any(o["datasets"] for o in found) and any("facility" not in o for o in found)
    # Nested includes, as deep as the document spells them out and one deeper.
    deep = {"Datasets": {"documents": {"datasets": {"documents": {"members": "person"}}}},
            "Documents": {"datasets": {"instrument": {"datasets": ["techniques", "documents"]}}},
            "Instruments": {"datasets": {"documents": {"datasets": "instrument"}}}}[model]
    nested, _ = api(server, model, {"filter": panosc_filter({"include": [deep]})})
    assert nested and len(nested) == len(found)


def test_panosc_inner_join_and_units(server):
    """An include with a where is an inner join; parameter values compare in SI (README's examples)."""
    techniques = {"include": [{"relation": "techniques", "scope": {"where": {"name": "x-ray absorption"}}}]}
    joined, (_, headers, _) = api(server, "Datasets", {"filter": panosc_filter(techniques)})
    assert headers["X-Total-Count"] == "2" and joined[0]["pid"] == "20.500.12269/panosc-dataset3"
    assert all(t["name"] == "x-ray absorption" for o in joined for t in o["techniques"])
    energy = {"include": [{"relation": "parameters", "scope": {"where": {"and": [
        {"name": "photon_energy"}, {"value": {"between": [0.88, 0.99]}}, {"unit": "keV"}]}}}]}
    by_energy, _ = api(server, "Datasets", {"filter": panosc_filter(energy)})
    assert [o["pid"] for o in by_energy] == ["20.500.12269/panosc-dataset2"]
    assert any(p["value"] == 930 and p["unit"] == "eV" for p in by_energy[0]["parameters"])
    chadwick = {"where": {"type": "proposal"}, "include": [{"relation": "members", "scope": {
        "where": {"role": "principal investigator"},
        "include": [{"relation": "person", "scope": {"where": {"fullName": "James Chadwick"}}}]}}]}
    proposals, _ = api(server, "Documents", {"filter": panosc_filter(chadwick)})
    assert proposals and all(m["person"]["fullName"] == "James Chadwick" for o in proposals for m in o["members"])


def test_panosc_fields_may_leave_out_the_pid(server):
    """`fields` shows only what it lists, pid too (as LoopBack); `score` always comes on a find."""
    found, _ = api(server, "Datasets", {"filter": panosc_filter({"fields": ["title"], "limit": 5})})
    assert found and all(set(o) == {"title", "score"} for o in found)
    found, _ = api(server, "Documents", {"filter": panosc_filter({
        "fields": {"summary": False, "score": False}, "include": [{"relation": "members", "scope": {
            "fields": {"role": True}}}], "limit": 5})})
    assert all("summary" not in o and "score" in o and all(set(m) == {"role"} for m in o["members"])
               for o in found)
    one, _ = api(server, "Datasets", {"filter": panosc_filter({"fields": {"title": True}})}, pid_path(DATASET1))
    assert one == {"title": "PaNOSC Test Dataset 1"}


def test_panosc_count(server):
    for model in PANOSC_MODELS:
        _, (_, headers, _) = api(server, model)
        counted, _ = api(server, model, rest="/count")
        assert counted == {"count": int(headers["X-Total-Count"])}
        lower, _ = api(server, model[0].lower() + model[1:], rest="/count")
        assert lower == counted
    esrf, _ = api(server, "Instruments", {"where": json.dumps({"facility": "ESRF"})}, "/count")
    assert esrf == {"count": 2}
    assert not schema_errors(component("PanoscWhere"), {"facility": "ESRF"})
    _, (_, headers, _) = api(server, "Datasets", {"query": "lung"})
    lung, _ = api(server, "Datasets", {"query": "lung"}, "/count")
    assert lung == {"count": int(headers["X-Total-Count"])} and lung["count"] > 0
    where = {"or": [{"title": {"like": "PaNOSC%"}}, {"isPublic": False}]}
    assert not schema_errors(component("PanoscWhere"), where)
    some, _ = api(server, "Datasets", {"where": json.dumps(where)}, "/count")
    assert some == {"count": 4}


def test_panosc_find_by_pid(server):
    # The pid URL-encoded, as clients send it (/api/Datasets/20.500.12269%2Fpanosc-dataset1).
    status, headers, body = get(server, "/api/Datasets/20.500.12269%2Fpanosc-dataset1")
    one = check((status, headers, body), "/api/Datasets/{pid}", "get", 200)
    assert one["pid"] == DATASET1 and "score" not in one and not RELATIONS["Datasets"] & set(one)
    lower, _ = api(server, "datasets", rest=pid_path(DATASET1))
    assert lower == one
    full, _ = api(server, "Datasets", {"filter": panosc_filter({"include": EVERY_INCLUDE["Datasets"]})},
                  pid_path(DATASET1))
    assert set(full) >= RELATIONS["Datasets"] and full["instrument"]["name"] == "LoKI" and "score" not in full
    # An include's where narrows the list but never hides the object.
    narrowed, _ = api(server, "Datasets", {"filter": panosc_filter({"include": [
        {"relation": "techniques", "scope": {"where": {"name": "no such technique"}}}]})}, pid_path(DATASET1))
    assert narrowed["pid"] == DATASET1 and narrowed["techniques"] == []
    document, _ = api(server, "Documents", {"filter": panosc_filter({"include": EVERY_INCLUDE["Documents"]})},
                      pid_path(DOCUMENT1))
    assert document["pid"] == DOCUMENT1 and document["members"][0]["person"]["fullName"]
    assert "score" not in document
    for model in PANOSC_MODELS:
        found, _ = api(server, model, {"filter": panosc_filter({"limit": 3})})
        for o in found:
            by_pid, _ = api(server, model, {"filter": panosc_filter({"include": EVERY_INCLUDE[model]})},
                            pid_path(o["pid"]))
            assert by_pid["pid"] == o["pid"] and "score" not in by_pid


def test_panosc_query_ranks(server):
    """`query=` finds the objects whose records match, best first, each scored."""
    ranked = {}
    for model in ("Datasets", "Documents"):
        ranked[model], (_, headers, _) = api(server, model, {"query": "lung"})
        scores = [o["score"] for o in ranked[model]]
        assert scores and all(0 < s < 1 for s in scores), scores  # the federated search drops others
        assert scores == sorted(scores, reverse=True)
        assert int(headers["X-Total-Count"]) == len(scores)
    top, _ = api(server, "Datasets", {"query": "lung", "filter": panosc_filter({"limit": 5})})
    assert top == ranked["Datasets"][:5] and all(o["pid"].startswith("hoa:dataset:") for o in top)
    ordered, _ = api(server, "Datasets", {"query": "lung", "filter": panosc_filter({"order": "score ASC"})})
    assert [o["score"] for o in ordered] == sorted(o["score"] for o in ranked["Datasets"])
    # Objects no record stands for (HOA's beamlines) are ranked by their datasets' records
    # ("lung": the beamlines the lung scans were made on), else by their own text fields
    # with the lowest score (a weight of 0), still inside (0, 1).
    lung, _ = api(server, "Instruments", {"query": "lung"})
    assert {o["pid"] for o in lung} == {"ESRF/BM05", "ESRF/BM18"}
    assert all(1 / 11 < o["score"] < 1 for o in lung)
    beamline, _ = api(server, "Instruments", {"query": "BM18"})
    assert [o["pid"] for o in beamline][:1] == ["ESRF/BM18"] and all(0 < o["score"] < 1 for o in beamline)


def test_panosc_etag(server):
    for target, template in (("/api/Datasets?filter=%7B%22limit%22%3A3%7D", "/api/Datasets"),
                             ("/api/Documents?query=lung", "/api/Documents"),
                             ("/api/Instruments/count", "/api/Instruments/count"),
                             ("/api/Datasets/20.500.12269%2Fpanosc-dataset1", "/api/Datasets/{pid}")):
        first = server.request("GET", target)
        check(first, template, "get", 200)
        assert first[1]["ETag"].startswith('W/"gen-')
        check(server.request("GET", target, headers={"If-None-Match": first[1]["ETag"]}), template, "get", 304)
        check(server.request("GET", target, headers={"If-None-Match": '"not-it"'}), template, "get", 200)
    for model in PANOSC_MODELS:  # each route
        for rest in ("", "/count", "/" + urllib.parse.quote(
                {"Datasets": DATASET1, "Documents": DOCUMENT1, "Instruments": "ESRF/BM18"}[model], safe="")):
            template = f"/api/{model}" + (rest if rest in ("", "/count") else "/{pid}")
            first = server.request("GET", f"/api/{model}{rest}")
            check(first, template, "get", 200)
            check(server.request("GET", f"/api/{model}{rest}", headers={"If-None-Match": first[1]["ETag"]}),
                  template, "get", 304)


def test_panosc_gzip(server):
    raw = server.request("GET", "/api/Datasets?filter=%7B%22include%22%3A%5B%22parameters%22%5D%7D",
                         headers={"Accept-Encoding": "gzip"}, decode=False)
    assert raw[1].get("Content-Encoding") == "gzip"
    check((raw[0], raw[1], gzip.decompress(raw[2])), "/api/Datasets", "get", 200)


def nested_where(depth):
    where = {"title": "x"}
    for _ in range(depth):
        where = {"and": [where]}
    return {"where": where}


# (model, rest, params, status, code, words the message names)
PANOSC_ERRORS = [
    ("Datasets", "", {"filter": "{bad"}, 400, "invalid_request", ["filter is not valid JSON"]),
    ("Datasets", "", {"filter": '{"where":{"title":{"regexp":"x"}}}'}, 400, "invalid_request",
     ["filter.where.title", "unknown operator 'regexp'"]),
    ("Documents", "", {"filter": '{"feild":1}'}, 400, "invalid_request", ["feild"]),
    ("Instruments", "", {"filter": '{"include":"documents"}'}, 400, "invalid_request",
     ["'documents' is not a relation of Instrument"]),
    ("Datasets", "", {"filter": "[]"}, 400, "invalid_request", ["not an object"]),
    ("Datasets", "", {"filtr": "{}"}, 400, "invalid_request", ["does not take parameter 'filtr'"]),
    ("Datasets", "", {"filter": ["{}", "null"]}, 400, "invalid_request", ["more than once"]),
    ("Datasets", "", {"query": "AND"}, 400, "invalid_query", []),
    ("Datasets", "", {"query": "autor:Ma"}, 400, "invalid_query", ["autor"]),
    ("Datasets", "", {"query": "a" * 3000}, 400, "invalid_request", ["query"]),
    ("Documents", "/count", {"where": '{"title":{"foo":1}}'}, 400, "invalid_request",
     ["where.title", "unknown operator 'foo'"]),
    ("Documents", "/count", {"filter": "{}"}, 400, "invalid_request", ["does not take parameter 'filter'"]),
    ("Instruments", "/count", {"where": "{"}, 400, "invalid_request", ["where is not valid JSON"]),
    ("Datasets", "/count", {"query": "lung AND"}, 400, "invalid_query", []),
    ("Datasets", "/count", {"where": json.dumps(nested_where(17)["where"])}, 400, "invalid_request",
     ["nested more than 16 levels deep"]),
    ("Datasets", pid_path(DATASET1), {"filter": "{bad"}, 400, "invalid_request", ["filter is not valid JSON"]),
    ("Datasets", pid_path(DATASET1), {"query": "lung"}, 400, "invalid_request", ["does not take parameter 'query'"]),
    ("Documents", pid_path(DOCUMENT1), {"filter": '{"include":"instrument"}'}, 400, "invalid_request",
     ["'instrument' is not a relation of Document"]),
    ("Instruments", pid_path("ESRF/BM18"), {"filter": '{"limit":-1}'}, 400, "invalid_request",
     ["filter.limit", "-1"]),
    ("Datasets", pid_path("no/such pid"), {}, 404, "MODEL_NOT_FOUND", ['Unknown "Dataset" id "no/such pid".']),
    ("Documents", pid_path("10.5072/nope"), {}, 404, "MODEL_NOT_FOUND", ['Unknown "Document" id "10.5072/nope".']),
    ("Instruments", pid_path("nope"), {}, 404, "MODEL_NOT_FOUND", ['Unknown "Instrument" id "nope".']),
    ("Datasets", "/count/x", {}, 404, "MODEL_NOT_FOUND", ['"count/x"']),
]


@pytest.mark.parametrize("model,rest,params,status,code,mentions", PANOSC_ERRORS,
                         ids=[f"{m}{r}?{urllib.parse.urlencode(p, doseq=True)[:40]}" for m, r, p, *_ in PANOSC_ERRORS])
def test_panosc_errors(server, model, rest, params, status, code, mentions):
    template = f"/api/{model}" + (rest if rest in ("", "/count") else "/{pid}")
    body = check_panosc_error(get(server, f"/api/{model}{rest}", params), template, status, code, mentions)
    assert body["error"]["name"] == "Error"
    # LoopBack's shape, not the /v1 one.
    assert schema_errors(component("Error"), body)


def test_panosc_server_errors(server):
    """What the server's own handlers answer on /api: the /v1 `Error`."""
    for target in ("/api/Samples", "/api", "/api/", "/api/Datasets/", "/api/DATASETS"):
        status, headers, body = server.request("GET", target)
        assert status == 404, (target, status)
        parsed = json.loads(body)
        assert not schema_errors(component("Error"), parsed), parsed
        assert parsed["error"]["code"] == "not_found"
    for method, target, template in (("POST", "/api/Datasets", "/api/Datasets"),
                                     ("DELETE", "/api/Documents/count", "/api/Documents/count"),
                                     ("PUT", "/api/Instruments/ESRF%2FBM18", "/api/Instruments/{pid}")):
        r = server.request(method, target, body=b"" if method != "DELETE" else None)
        check_error(r, template, "get", 405, "method_not_allowed")
        assert r[1].get("Allow") == "GET"
    check_error(get(server, "/api/Datasets", {"query": "lung " + "a" * 9000}), "/api/Datasets", "get", 414,
                "uri_too_long")
    # A filter of 8 KiB is over the URI's own cap before the filter's: 414, not 400.
    big = {"where": {"title": "a" * 8200}}
    assert not schema_errors(component("PanoscFilter"), big)
    check_error(get(server, "/api/Datasets", {"filter": json.dumps(big)}), "/api/Datasets", "get", 414,
                "uri_too_long")


# (name, a filter at the limit, one over it, whether the schema refuses it too, words the message names)
PANOSC_LIMITS = [
    ("limit", {"limit": 1000}, {"limit": 1001}, True, ["filter.limit", "1001"]),
    ("skip", {"skip": 100000}, {"skip": 100001}, True, ["filter.skip", "100001"]),
    ("offset", {"offset": 100000}, {"offset": 100001}, True, ["filter.offset", "100001"]),
    ("scope limit", {"include": [{"relation": "parameters", "scope": {"limit": 1000}}]},
     {"include": [{"relation": "parameters", "scope": {"limit": 1001}}]}, True, ["scope.limit", "1001"]),
    ("depth", nested_where(15), nested_where(16), False, ["nested more than 16 levels deep"]),
    ("pattern bytes", {"where": {"title": {"like": "a" * 128}}}, {"where": {"title": {"like": "a" * 129}}}, True,
     ["129 bytes", "128"]),
    ("patterns", {"where": {"or": [{"title": {"like": f"a{i}"}} for i in range(8)]}},
     {"where": {"or": [{"title": {"like": f"a{i}"}} for i in range(9)]}}, False, ["more than 8 patterns"]),
    ("inq values", {"where": {"pid": {"inq": [f"p{i}" for i in range(256)]}}},
     {"where": {"pid": {"inq": [f"p{i}" for i in range(257)]}}}, True, ["257 values"]),
    ("options", {"where": {"title": {"like": "paNOSC", "options": "i"}}},
     {"where": {"title": {"like": "paNOSC", "options": "x"}}}, True, ["options"]),
    ("order", {"order": ["title desc", "pid"]}, {"order": "title DOWN"}, True, ["title DOWN"]),
    ("fields", {"fields": {"title": True}}, {"fields": {"title": 1}}, True, ["filter.fields.title"]),
    ("between", {"where": {"size": {"between": [1, 2]}}}, {"where": {"size": {"between": [1]}}}, True,
     ["[low, high]"]),
]


@pytest.mark.parametrize("name,at_limit,over,in_schema,mentions", PANOSC_LIMITS, ids=[x[0] for x in PANOSC_LIMITS])
def test_panosc_limits(server, name, at_limit, over, in_schema, mentions):
    api(server, "Datasets", {"filter": panosc_filter(at_limit)})
    check_panosc_error(get(server, "/api/Datasets", {"filter": json.dumps(over)}), "/api/Datasets", 400,
                       "invalid_request", mentions)
    if in_schema:
        assert schema_errors(component("PanoscFilter"), over), f"the document takes {name} over its limit"


def test_panosc_schemas_refuse_what_they_do_not_allow(server):
    """The test would see a wrong type where the document knows the property, or a missing score."""
    found, _ = api(server, "Documents", {"filter": panosc_filter({"include": EVERY_INCLUDE["Documents"],
                                                                   "limit": 5})})
    items = DOC["paths"]["/api/Documents"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert not schema_errors(items, found)

    def spoilt(change):
        doc = copy.deepcopy(found)
        change(doc)
        return schema_errors(items, doc)

    cases = {
        "no score": lambda d: d[0].pop("score"),
        "score a string": lambda d: d[0].update(score="0"),
        "score negative": lambda d: d[0].update(score=-1),
        "isPublic a string": lambda d: d[0].update(isPublic="true"),
        "title a number": lambda d: d[0].update(title=1),
        "members an object": lambda d: d[0].update(members={}),
        "person a string": lambda d: d[0]["members"][0].update(person="x"),
        "parameter value an object": lambda d: d[0].update(parameters=[{"name": "x", "value": {}}]),
        "dataset of a document with a numeric title": lambda d: d[0].update(datasets=[{"pid": "x", "title": 3}]),
        "an item a list": lambda d: d.append([]),
    }
    for name, change in cases.items():
        assert spoilt(change), f"the schema let through: {name}"
    assert not spoilt(lambda d: d[0].update(extra={"any": "thing"})), "extra properties come from sources"
    assert schema_errors(component("PanoscCount"), {"count": 1, "more": 2})
    assert schema_errors(component("PanoscCount"), {"count": -1})
    assert schema_errors(component("PanoscError"), {"error": {"statusCode": 400, "name": "BadRequestError",
                                                              "message": "x", "code": "invalid_request"}})
    assert schema_errors(component("PanoscError"), {"error": {"statusCode": 404, "name": "Error", "message": "x",
                                                              "code": "not_found"}})


def reseal(generation):
    """Rewrites a generation's MANIFEST for the files it now holds (sizes and CRC-32)."""
    manifest = generation / "MANIFEST"
    header = manifest.read_text().splitlines()[:2]
    lines = []
    for f in sorted(p for p in generation.rglob("*") if p.is_file() and p.name != "MANIFEST"):
        data = f.read_bytes()
        lines.append(f"{len(data)} {zlib.crc32(data):08x} {f.relative_to(generation).as_posix()}")
    manifest.write_text("\n".join(header + lines) + "\n")


def test_panosc_unavailable_and_unreadable(indexes, tmp_path):
    """An index without the PaNOSC file (built before it existed) is 503 on every /api route; one whose
    file cannot be read is 500; both in LoopBack's shape."""
    for name, change, status, code in (
            ("no-panosc", lambda f: f.unlink(), 503, "unavailable"),
            ("corrupt", lambda f: f.write_text('{"model":"Dataset","record":"x","object":3}\n'), 500, "corrupt")):
        copy_dir = tmp_path / name
        shutil.copytree(indexes / "portals", copy_dir, symlinks=True)
        change(copy_dir / "CURRENT" / "panosc.jsonl")
        reseal(copy_dir / "CURRENT")  # as such a build would have listed its files
        s = Server(copy_dir)
        try:
            check(s.request("GET", "/ready"), "/ready", "get", 200)
            for model in PANOSC_MODELS:
                for rest in ("", "/count", "/x"):
                    template = f"/api/{model}" + (rest if rest != "/x" else "/{pid}")
                    r = s.request("GET", f"/api/{model}{rest}")
                    check_panosc_error(r, template, status, code, ["panosc.jsonl"])
                    if status == 503:
                        assert r[1]["Retry-After"] == "1"
            # A filter is read before the index: still a 400.
            check_panosc_error(s.request("GET", "/api/Datasets?filter=%7Bbad"), "/api/Datasets", 400,
                               "invalid_request")
        finally:
            assert s.stop() == 0


# ===================================================================== last
def test_every_route_was_validated():
    missing = [(t, m) for t, methods in CONTRACT_ROUTES.items() for m in methods if (t, m, 200) not in VALIDATED]
    assert missing == [], f"no 200 response validated for {missing}"
    statuses = {s for _, _, s in VALIDATED}
    assert {200, 304, 400, 404, 405, 413, 414} <= statuses, sorted(statuses)
    # /api: every route's answer, its 304, its LoopBack 400 and 503 (and 500), a by-pid 404;
    # the server's own 405 and 414 there.
    for template in PANOSC_ROUTES:
        wanted = {200, 304, 400, 500, 503} | ({404} if "{pid}" in template else set())
        missing = wanted - {s for t, _, s in VALIDATED if t == template}
        assert not missing, f"{template}: no {sorted(missing)} response validated"
    api_statuses = {s for t, _, s in VALIDATED if t in PANOSC_ROUTES}
    assert {405, 414} <= api_statuses, sorted(api_statuses)


def test_sigterm_and_access_log(indexes):
    s = Server(indexes / "portals")
    check(s.request("GET", "/health"), "/health", "get", 200)
    check(s.request("GET", "/v1/search?q=lung"), "/v1/search", "get", 200)
    assert s.stop() == 0
    log = [l for l in s.stderr_text().splitlines() if re.search(r' (GET|POST|PUT|DELETE|HEAD) "/', l)]
    assert len(log) == 2, log
    assert '"/health"' in log[0] and '"/v1/search?q=lung"' in log[1], log
