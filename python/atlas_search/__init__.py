"""atlas_search: full-text, ranked, fielded search over scientific imaging portals' metadata.

The atlas-search C++ library (Xapian + SQLite), embedded: open an index that
``atlas-index`` (or :func:`build_index`) wrote and search it from Python.

    >>> import atlas_search
    >>> s = atlas_search.Searcher("build/index")
    >>> r = s.search("ribosome S. pombe", facets=["organism"], limit=3)
    >>> r["total"], r["hits"][0]["id"]
    (55, 'cryoet:annotation:10000/TS_026/13.480/101')

Results are plain dicts and lists with exactly the shape of the JSON that
``atlas-search --request`` prints (README, "The structured request").  Errors
are exceptions named after the library's error codes, all subclasses of
:class:`Error`.  Searching and building release the GIL: two threads with a
Searcher each use two cores.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any, Iterator, Optional, Sequence, Union

from . import _native

__all__ = [
    "Searcher", "build_index", "schema_version", "known_sources", "__version__",
    "Error", "InvalidRequest", "InvalidQuery", "IndexNotFound", "Unavailable",
    "SchemaMismatch", "IndexCorrupt", "IndexIOError", "InternalError",
]

__version__: str = getattr(_native, "version", "0.0.0")

# The library's limits (atlas/search.h).
MAX_LIMIT = 1000
MAX_OFFSET = 1_000_000


# --- errors ---------------------------------------------------------------------------

class Error(Exception):
    """An error of the atlas-search library.

    ``code`` is the library's error code name (``"invalid_query"``, ...) and
    ``message`` its one-line message, which names the offending input
    (``str(error)`` is the message too).  Catch a subclass to act on one code.
    """

    code: str = "internal"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class InvalidRequest(Error):
    """invalid_request: a malformed request or an out-of-range value (a limit, filter,
    facet, sort or group the request cannot have): fix the request."""
    code = "invalid_request"


class InvalidQuery(Error):
    """invalid_query: query syntax, an unknown field, kind or source, a bad value:
    show the message to the user."""
    code = "invalid_query"


class IndexNotFound(Error):
    """not_found: no index (or source, or record) where one was named."""
    code = "not_found"


class Unavailable(Error):
    """unavailable: the index is missing, locked or being swapped: retry later."""
    code = "unavailable"


class SchemaMismatch(Error):
    """schema_mismatch: the index was built by another schema version: rebuild it."""
    code = "schema_mismatch"


class IndexCorrupt(Error):
    """corrupt: data on disk is damaged: alert, rebuild the index."""
    code = "corrupt"


class IndexIOError(Error):
    """io: a file or directory could not be read or written."""
    code = "io"


class InternalError(Error):
    """internal: a bug in the library: log it."""
    code = "internal"


_ERRORS = {cls.code: cls for cls in (InvalidRequest, InvalidQuery, IndexNotFound, Unavailable,
                                      SchemaMismatch, IndexCorrupt, IndexIOError, InternalError)}
_native.register_errors(_ERRORS)


# --- building requests ----------------------------------------------------------------

def _check(name: str, value: Any, types: Union[type, tuple], what: str) -> None:
    # bool is an int in Python; a limit of True is a mistake, not 1.
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise TypeError(f"{name} takes {what}, not bool")
    if not isinstance(value, types):
        raise TypeError(f"{name} takes {what}, not {type(value).__name__}")


def _text(name: str, value: Any) -> str:
    """A str; bytes are read as UTF-8 (ill-formed bytes reach the library as lone
    surrogates, which it refuses with InvalidRequest)."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "surrogateescape")
    _check(name, value, str, "a str")
    return value


def _names(name: str, value: Any) -> list:
    """kinds / sources: "dataset,run", or a list of names."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, (list, tuple)):
        for v in value:
            _check(name + " item", v, str, "a str")
        return list(value)
    raise TypeError(f"{name} takes a str or a list of str, not {type(value).__name__}")


def _filter(value: Any) -> Any:
    """A filter as a dict, or the command line's text form 'organism=S. pombe'."""
    if isinstance(value, str):
        return _native.filter_from_text(value)
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"a filter is a dict or a str like 'organism=S. pombe', not {type(value).__name__}")


def _filters(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, (str, Mapping)):
        return [_filter(value)]
    if isinstance(value, (list, tuple)):
        return [_filter(v) for v in value]
    raise TypeError(f"filters takes a list of dicts or str, not {type(value).__name__}")


def _listish(name: str, value: Any) -> list:
    """facets / sort: one item or a list of them (each a str or a dict)."""
    if value is None:
        return []
    if isinstance(value, (str, Mapping)):
        return [value]
    if isinstance(value, (list, tuple)):
        for v in value:
            if not isinstance(v, (str, Mapping)):
                raise TypeError(f"{name} items are str or dict, not {type(v).__name__}")
        return list(value)
    raise TypeError(f"{name} takes a str, a dict or a list of them, not {type(value).__name__}")


def _request(query: Any, kinds: Any, sources: Any, filters: Any, facets: Any, sort: Any,
             offset: Any, limit: Any, group_by: Any, group_size: Any, explain: Any,
             typo_tolerance: Any, collapse: Any, snippet_bytes: Any, has_children: Any) -> dict:
    request: dict = {"query": _text("query", query)}
    k = _names("kinds", kinds)
    if k:
        request["kinds"] = k
    s = _names("sources", sources)
    if s:
        request["sources"] = s
    f = _filters(filters)
    if f:
        request["filters"] = f
    if has_children is not None:
        _check("has_children", has_children, (list, tuple), "a list of dicts")
        request["has_children"] = list(has_children)
    fa = _listish("facets", facets)
    if fa:
        request["facets"] = fa
    so = _listish("sort", sort)
    if so:
        request["sort"] = so
    for name, value in (("offset", offset), ("limit", limit), ("group_size", group_size),
                        ("snippet_bytes", snippet_bytes)):
        if value is not None:
            _check(name, value, int, "an int")
            request[name] = value
    if group_by:
        request["group_by"] = _text("group_by", group_by)
    for name, value in (("explain", explain), ("typo_tolerance", typo_tolerance),
                        ("collapse", collapse)):
        _check(name, value, bool, "a bool")
        request[name] = value
    return request


def _from_mapping(request: Mapping) -> dict:
    """A request dict as given, its text-form filters turned into dicts."""
    out = dict(request)
    if "filters" in out:
        out["filters"] = _filters(out["filters"])
    return out


def _encode(request: dict) -> str:
    # ensure_ascii: lone surrogates become \\udcxx escapes, which the library's
    # JSON reader refuses (InvalidRequest) instead of Python failing to encode.
    try:
        return json.dumps(request, ensure_ascii=True, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise TypeError(f"the request cannot be written as JSON: {e}") from None


# --- the searcher ---------------------------------------------------------------------

class Searcher:
    """A read-only searcher over an index directory written by ``atlas-index``.

    ``Searcher(path, threads=2)`` opens the current generation of the index in
    ``path``; each call searches the newest generation (a rebuild published
    since is opened first), as the C++ ``atlas::Searcher`` does.  ``threads=2``
    lets one search split a huge ranked match set over two cores and count
    facets beside the ranking; ``threads=1`` for a backend already busy on
    every core.

    A Searcher may be shared between threads (its calls take turns); for
    throughput, give each thread its own.  The GIL is released while the
    library works, so two threads with two Searchers run on two cores.

    Raises IndexNotFound (no index), SchemaMismatch (rebuild it), IndexCorrupt,
    Unavailable (being swapped: retry), IndexIOError.
    """

    def __init__(self, path: Union[str, "os.PathLike[str]"], threads: int = 2) -> None:
        _check("threads", threads, int, "an int (1 or 2)")
        self._native = _native.Searcher(os.fspath(path), threads)

    def __repr__(self) -> str:
        return f"atlas_search.Searcher({self._native.path!r})"

    @property
    def path(self) -> str:
        """The index directory this Searcher was opened on."""
        return self._native.path

    @property
    def generation(self) -> str:
        """The generation directory being searched (changes when a rebuild is published)."""
        return self._native.generation

    @property
    def built_at(self) -> str:
        """When the open generation was built (ISO 8601, UTC), or ''."""
        return self._native.built_at

    @property
    def record_count(self) -> int:
        """Records in the open generation."""
        return self._native.record_count

    @property
    def kinds(self) -> list:
        """Kinds that have records in the open generation, sorted."""
        return self._native.kinds

    def refresh(self) -> None:
        """Open the newest published generation now (search() does this first anyway)."""
        self._native.refresh()

    def search(self, query: Union[str, bytes, Mapping] = "", kinds: Any = None, sources: Any = None,
               filters: Any = None, facets: Any = None, sort: Any = None, offset: int = 0,
               limit: int = 10, group_by: Optional[str] = None, explain: bool = False,
               typo_tolerance: bool = True, collapse: bool = False,
               group_size: Optional[int] = None, snippet_bytes: Optional[int] = None,
               has_children: Optional[Sequence[Mapping]] = None) -> dict:
        """Run one search; the response as a dict (the JSON of ``atlas-search --request``).

        Either keyword arguments, or one request dict as the only argument
        (README "The structured request": ``{"query": ..., "kinds": [...],
        "filters": [...], "facets": [...], ...}``; unknown members raise
        InvalidRequest).

        query           the query language: ``'ribosome S. pombe'``, ``'quality:>=4'``;
                        '' matches every record
        kinds, sources  a list of names or one comma-separated str: ``'dataset,run'``
        filters         a list of ``{"field", "values", "mode"}`` dicts (mode: any, none,
                        exists, missing) or the command line's text forms
                        (``'organism=S. pombe'``, ``'quality=>=4'``, ``'ground_truth=yes'``,
                        ``'organism!=*'``); ORed within a filter, ANDed across
        facets          ``['organism', 'quality:5', {"field": "author", "prefix": "Ma"}]``
        sort            ``'release_date:desc'`` or a list of keys; default relevance
        offset, limit   paging (limit 0-1000)
        group_by        ``'dataset'``: hits grouped under their dataset (group_size per group)
        explain         each hit says why it is where it is
        typo_tolerance  search close words of the index for a word that matches nothing
        collapse        near-identical siblings shown once, with a count

        The dict has ``total`` (exact), ``hits`` (each with ``rank``, ``id``, ``kind``,
        ``source``, ``title``, ``breadcrumb``, ``snippet`` (HTML), ``score``,
        ``fields``, ``links``), ``facets`` and ``facet_totals`` when asked,
        ``parsed``, ``took_ms``, and more (README).

        Raises InvalidQuery, InvalidRequest, Unavailable, IndexIOError,
        IndexCorrupt; TypeError for arguments of the wrong type.
        """
        if isinstance(query, Mapping):
            if (kinds, sources, filters, facets, sort, offset, limit, group_by, explain,
                    typo_tolerance, collapse, group_size, snippet_bytes, has_children) != (
                    None, None, None, None, None, 0, 10, None, False, True, False, None, None,
                    None):
                raise TypeError("search() takes a request dict or keyword arguments, not both")
            request = _from_mapping(query)
        else:
            _check("offset", offset, int, "an int")
            _check("limit", limit, int, "an int")
            request = _request(query, kinds, sources, filters, facets, sort, offset, limit,
                               group_by, group_size, explain, typo_tolerance, collapse,
                               snippet_bytes, has_children)
        return json.loads(self._native.search(_encode(request)))

    def hits(self, query: Union[str, bytes, Mapping] = "", kinds: Any = None,
             sources: Any = None, filters: Any = None, sort: Any = None, offset: int = 0,
             limit: Optional[int] = None, explain: bool = False, typo_tolerance: bool = True,
             collapse: bool = False, snippet_bytes: Optional[int] = None,
             has_children: Optional[Sequence[Mapping]] = None,
             page_size: int = MAX_LIMIT) -> Iterator[dict]:
        """Every hit of a result set, in order, as a generator (one hit dict at a time).

        The arguments are search()'s (or one request dict); ``limit`` is the most
        hits to yield in all (None: the whole result set, up to offset
        1,000,000).  Pages of ``page_size`` hits are fetched as needed, each from
        the newest generation.  Grouping is search()'s alone (InvalidRequest).
        """
        _check("page_size", page_size, int, "an int")
        if not 1 <= page_size <= MAX_LIMIT:
            raise InvalidRequest(f"page_size {page_size}: takes 1 to {MAX_LIMIT}")
        if isinstance(query, Mapping):
            request = _from_mapping(query)
            request.pop("limit", None)  # a page's size; the generator reads them all
            offset = request.pop("offset", offset)
        else:
            request = _request(query, kinds, sources, filters, None, sort, offset, None, None,
                               None, explain, typo_tolerance, collapse, snippet_bytes,
                               has_children)
        if request.get("group_by"):
            raise InvalidRequest("hits() pages through hits; group_by is for search()")
        request.pop("facets", None)
        _check("offset", offset, int, "an int")
        if limit is not None:
            _check("limit", limit, int, "an int or None")
            if limit < 0:
                raise InvalidRequest(f"limit {limit}: takes 0 or more, or None")
        return self._pages(request, offset, limit, page_size)

    def _pages(self, request: dict, offset: int, most: Optional[int],
               page_size: int) -> Iterator[dict]:
        given = 0
        while most is None or given < most:
            want = page_size if most is None else min(page_size, most - given)
            if offset >= MAX_OFFSET:
                return
            request["offset"] = offset
            request["limit"] = want
            page = json.loads(self._native.search(_encode(request)))
            hits = page.get("hits", [])
            for hit in hits:
                yield hit
            given += len(hits)
            offset += len(hits)
            if len(hits) < want or offset >= page["total"]:
                return

    def facet_values(self, field: str, prefix: str = "", query: Union[str, bytes] = "",
                     filters: Any = None, size: int = 20, kinds: Any = None,
                     sources: Any = None) -> dict:
        """The values of one facet for a query, with counts: a facet panel's search box.

        ``facet_values("organism", prefix="Schiz")`` lists the organisms that have
        a word starting with "Schiz", most frequent first, counted over the
        records matching ``query``, ``kinds``, ``sources`` and ``filters``
        (except those on ``field`` itself).  Returns ``{"field", "prefix",
        "label", "values": [{"value", "key", "count", ...}], "other",
        "missing", "distinct"}`` (the server's ``/v1/facets/{field}``).
        """
        _check("field", field, str, "a str")
        _check("size", size, int, "an int")
        request = _request(query, kinds, sources, filters, None, None, 0, 0, None, None, False,
                           True, False, None, None)
        request["facets"] = [{"field": field, "size": size, "prefix": _text("prefix", prefix)}]
        return json.loads(self._native.facet(_encode(request)))

    def manifest(self, format: str, query: Union[str, bytes, Mapping] = "", kinds: Any = None,
                 sources: Any = None, filters: Any = None, sort: Any = None, offset: int = 0,
                 most: int = 100_000, typo_tolerance: bool = True) -> dict:
        """The download manifest of a whole result set (``atlas-search --manifest``).

        ``format`` is ``"s3"`` (aws s3 cp/sync commands), ``"drs"`` (a
        name,drs_uri CSV for the Cancer Genomics Cloud), ``"doi"`` or ``"https"``.
        Reads at most ``most`` records.  Returns ``{"lines": [...], "skipped":
        [{"id", "reason"}], "records": n, "truncated": bool}``: the lines to run
        or import, the records without a route of that format and why,
        how many records had one, and whether the result set was cut at ``most``.
        """
        _check("format", format, str, "a str: s3, drs, doi or https")
        _check("most", most, int, "an int")
        if most < 0:
            raise InvalidRequest(f"most {most}: takes 0 or more")
        if isinstance(query, Mapping):
            request = _from_mapping(query)
        else:
            request = _request(query, kinds, sources, filters, None, sort, offset, None, None,
                               None, False, typo_tolerance, False, None, None)
        return self._native.manifest(_encode(request), format, most)


# --- building and versions ------------------------------------------------------------

def build_index(sources: Union[str, "os.PathLike[str]", Mapping, Sequence[str]],
                out: Union[str, "os.PathLike[str]"], allow_shrink: bool = False,
                fresh: bool = False, full: bool = False) -> dict:
    """Build a new generation of the index in ``out`` and publish it (``atlas-index build``).

    ``sources`` is a sources file (``{"sources": [{"name", "path"}]}``, relative
    paths relative to it), a dict ``{"cryoet": "/data/mirror", ...}``, or a
    list of ``"name=path"`` strings.  Searchers open on ``out`` follow the new
    generation on their next search.  Returns the build report as a dict:
    ``generation``, ``records``, ``records_per_kind``, ``records_per_source``,
    ``rejected``, ``carried_over``, ``warnings``, ``issues`` (each with
    ``severity``, ``file``, ``field``, ``record``, ``message`` and the one-line
    ``line``), ``notes``, ``seconds``, ``index_bytes``, ``update`` (``updated``,
    ``full_reason``, ``unchanged``, ``changed``, ``added``, ``removed``, ``deleted``...).

    Over an existing index the build is an update when few records changed
    (only those are written again; README "Updates"); ``full=True`` writes
    every record again.

    Raises InvalidRequest (no sources, an unknown adapter, a source that
    yields nothing or shrank by half without allow_shrink), IndexNotFound (a
    source path or sources file does not exist), Unavailable (another build
    holds the lock), IndexIOError, IndexCorrupt.  The current generation is
    untouched on any error.
    """
    _check("allow_shrink", allow_shrink, bool, "a bool")
    _check("fresh", fresh, bool, "a bool")
    _check("full", full, bool, "a bool")
    out = os.fspath(out)
    _check("out", out, str, "a str or path")
    if isinstance(sources, (str, os.PathLike)):
        spec: Any = os.fspath(sources)
    elif isinstance(sources, Mapping):
        spec = []
        for name, path in sources.items():
            _check("sources name", name, str, "a str")
            spec.append((name, os.fspath(path)))
    elif isinstance(sources, (list, tuple)):
        spec = []
        for item in sources:
            _check("sources item", item, str, "a str 'name=path'")
            name, eq, path = item.partition("=")
            if not eq:
                raise InvalidRequest(f"source '{item}': takes NAME=PATH")
            spec.append((name, path))
    else:
        raise TypeError("sources takes a sources file's path, a dict name -> path or a list of "
                        f"'name=path', not {type(sources).__name__}")
    return _native.build_index(spec, out, allow_shrink, fresh, full)


def schema_version() -> int:
    """The index schema version this library reads and writes (another is SchemaMismatch)."""
    return _native.schema_version()


def known_sources() -> list:
    """The portals' adapters this library can index: cryoet, htan, hoa, panosc, minerva."""
    return _native.known_sources()
