"""A portal backend's search endpoint, served from the embedded library (atlas_search).

What the CryoET portal's API (a FastAPI application) would add to serve search from
its own process, with no search server beside it:

    GET /search?q=ribosome&kind=annotation&filter=quality%3D%3E%3D4&facets=organism&limit=10
        -> {"total", "offset", "limit", "hits": [...], "facets": {...}, "facet_totals": {...}, ...}
    GET /facets/{field}?prefix=Schiz&q=ribosome     -> a facet panel's search box
    GET /manifest?format=s3&q=ribosome              -> the download commands, as text

Parameters are those of `atlas-search serve`'s /v1/search (`filter` in the command
line's form, repeatable; `kind`, `source` comma-separated or repeated).  A bad
request or query is a 400 with the library's one-line message,
{"error": {"code": "invalid_query", "message": "unknown field 'autor' ..."}}; an index
being swapped or missing a 503.

Run it (Debian's python3-fastapi and python3-uvicorn):

    ATLAS_INDEX=build/index PYTHONPATH=build/python \\
        /usr/bin/python3 -m uvicorn app:app --app-dir examples/fastapi_portal --port 8000

FastAPI runs these plain `def` endpoints on a thread pool; each takes a Searcher from
a small pool (one per core: a Searcher serves one thread at a time), and the
library releases the GIL while it searches, so searches run on every core.
"""
from __future__ import annotations

import contextlib
import os
import queue
import threading
from typing import Iterator, List, Optional

from fastapi import FastAPI, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse

import atlas_search

app = FastAPI(title="portal search (atlas_search example)", version=atlas_search.__version__)


class SearcherPool:
    """One Searcher per core, opened on first use (the index may be built after start)."""

    def __init__(self, index: str, size: int) -> None:
        self.index = index
        self.size = size
        self.free: "queue.Queue[atlas_search.Searcher]" = queue.Queue()
        self.opened = 0
        self.lock = threading.Lock()

    @contextlib.contextmanager
    def searcher(self) -> Iterator[atlas_search.Searcher]:
        with self.lock:
            if self.free.empty() and self.opened < self.size:
                self.free.put(atlas_search.Searcher(self.index, threads=1))
                self.opened += 1
        s = self.free.get()
        try:
            yield s
        finally:
            self.free.put(s)


pool = SearcherPool(os.environ.get("ATLAS_INDEX", "build/index"), os.cpu_count() or 2)

STATUS = {"invalid_request": 400, "invalid_query": 400, "not_found": 503, "unavailable": 503}


@app.exception_handler(atlas_search.Error)
def library_error(_: Request, error: atlas_search.Error) -> JSONResponse:
    return JSONResponse(status_code=STATUS.get(error.code, 500),
                        content={"error": {"code": error.code, "message": error.message}})


def names(values: Optional[List[str]]) -> List[str]:
    return [v for item in values or [] for v in item.split(",") if v]


@app.get("/search")
def search(q: str = "", kind: Optional[List[str]] = Query(None), source: Optional[List[str]] = Query(None),
           filter: Optional[List[str]] = Query(None), facets: Optional[str] = None,
           sort: Optional[str] = None, offset: int = 0, limit: int = 10) -> dict:
    """Hits and facet counts for the portal's search page."""
    if offset < 0 or limit < 0 or offset + limit > 10_000:
        raise atlas_search.InvalidRequest(f"offset {offset}, limit {limit}: offset + limit takes 0 to 10000")
    with pool.searcher() as s:
        result = s.search(q, kinds=names(kind), sources=names(source), filters=filter or [],
                          facets=[f for f in (facets or "").split(",") if f], sort=sort,
                          offset=offset, limit=limit)
    # What a portal page shows; the library's response has more (parsed, understood, ...).
    keep = ("query", "total", "offset", "limit", "hits", "facets", "facet_totals", "did_you_mean",
            "corrections", "relaxed", "took_ms")
    return {k: result[k] for k in keep if k in result}


@app.get("/facets/{field}")
def facet_values(field: str, prefix: str = "", q: str = "", kind: Optional[List[str]] = Query(None),
                 filter: Optional[List[str]] = Query(None), size: int = 20) -> dict:
    """The values of one facet starting with a prefix, counted for a query."""
    with pool.searcher() as s:
        return s.facet_values(field, prefix=prefix, query=q, kinds=names(kind), filters=filter or [],
                              size=size)


@app.get("/manifest", response_class=PlainTextResponse)
def manifest(format: str, q: str = "", kind: Optional[List[str]] = Query(None),
             source: Optional[List[str]] = Query(None), filter: Optional[List[str]] = Query(None)) -> str:
    """The download manifest of the whole result set; records without a route as '# id: reason'."""
    with pool.searcher() as s:
        m = s.manifest(format, q, kinds=names(kind), sources=names(source), filters=filter or [])
    lines = m["lines"] + [f"# {r['id']}: {r['reason']}" for r in m["skipped"]]
    if m["truncated"]:
        lines.append("# stopped after 100000 records: narrow the search for the rest")
    return "\n".join(lines) + "\n"
