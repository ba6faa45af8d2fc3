"""The FastAPI example answering searches on the sample index (FastAPI's TestClient, httpx)."""
import importlib
import os
import pathlib
import sys

import pytest
from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def client():
    os.environ["ATLAS_INDEX"] = str(pathlib.Path(os.environ["ATLAS_TEST_INDEXES"]) / "portals")
    sys.path.insert(0, str(pathlib.Path(__file__).parent))
    app = importlib.import_module("app")
    return TestClient(app.app)


def test_search(client):
    r = client.get("/search", params={"q": "ribosome S. pombe", "facets": "organism,kind", "limit": 5})
    assert r.status_code == 200
    body = r.json()
    assert body["total"] > 5
    assert body["hits"][0]["id"] == "cryoet:annotation:10000/TS_026/13.480/101"
    assert len(body["hits"]) == 5
    assert {v["value"] for v in body["facets"]["kind"]} >= {"annotation"}
    assert "parsed" not in body


def test_search_with_kind_and_filters(client):
    r = client.get("/search", params=[("q", "ribosome"), ("kind", "dataset"),
                                      ("filter", "organism=Schizosaccharomyces pombe 972h-"),
                                      ("filter", "quality=>=4")])
    assert r.status_code == 200
    body = r.json()
    assert body["total"] > 0
    assert all(h["kind"] == "dataset" for h in body["hits"])
    assert all(h["fields"]["organism"] == ["Schizosaccharomyces pombe 972h-"] for h in body["hits"])


def test_errors_are_400_with_the_message(client):
    r = client.get("/search", params={"q": "autor:smith"})
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_query"
    assert "unknown field 'autor'" in r.json()["error"]["message"]
    r = client.get("/search", params={"q": "x", "filter": "organism"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "invalid_request"
    assert client.get("/search", params={"q": "x", "limit": 20000}).status_code == 400
    assert client.get("/search", params={"q": "x", "limit": "many"}).status_code == 422  # FastAPI's own


def test_facets_and_manifest(client):
    r = client.get("/facets/organism", params={"prefix": "Schiz"})
    assert r.status_code == 200
    assert "Schizosaccharomyces pombe 972h-" in [v["value"] for v in r.json()["values"]]
    r = client.get("/manifest", params={"format": "s3", "q": "ribosome S. pombe", "kind": "dataset"})
    assert r.status_code == 200 and r.text.startswith("aws s3 ")
    assert client.get("/manifest", params={"format": "ftp"}).status_code == 400
