# Type hints for atlas_search (the implementation is __init__.py over the _native extension).
import os
from typing import Any, Iterator, Literal, Mapping, Optional, Sequence, TypedDict, Union

__version__: str
MAX_LIMIT: int
MAX_OFFSET: int

_Path = Union[str, os.PathLike[str]]
_Text = Union[str, bytes]
_Names = Union[None, str, Sequence[str]]
_Filter = Union[str, Mapping[str, Any]]
_Filters = Union[None, _Filter, Sequence[_Filter]]
_Items = Union[None, str, Mapping[str, Any], Sequence[Union[str, Mapping[str, Any]]]]

class Error(Exception):
    code: str
    message: str
    def __init__(self, message: str) -> None: ...

class InvalidRequest(Error): ...
class InvalidQuery(Error): ...
class IndexNotFound(Error): ...
class Unavailable(Error): ...
class SchemaMismatch(Error): ...
class IndexCorrupt(Error): ...
class IndexIOError(Error): ...
class InternalError(Error): ...

class SkippedRecord(TypedDict):
    id: str
    reason: str

class ManifestResult(TypedDict):
    lines: list[str]
    skipped: list[SkippedRecord]
    records: int
    truncated: bool

class Searcher:
    def __init__(self, path: _Path, threads: int = ...) -> None: ...
    @property
    def path(self) -> str: ...
    @property
    def generation(self) -> str: ...
    @property
    def built_at(self) -> str: ...
    @property
    def record_count(self) -> int: ...
    @property
    def kinds(self) -> list[str]: ...
    def refresh(self) -> None: ...
    def search(self, query: Union[_Text, Mapping[str, Any]] = ..., kinds: _Names = ...,
               sources: _Names = ..., filters: _Filters = ..., facets: _Items = ...,
               sort: _Items = ..., offset: int = ..., limit: int = ...,
               group_by: Optional[str] = ..., explain: bool = ..., typo_tolerance: bool = ...,
               collapse: bool = ..., group_size: Optional[int] = ...,
               snippet_bytes: Optional[int] = ...,
               has_children: Optional[Sequence[Mapping[str, Any]]] = ...) -> dict[str, Any]: ...
    def hits(self, query: Union[_Text, Mapping[str, Any]] = ..., kinds: _Names = ...,
             sources: _Names = ..., filters: _Filters = ..., sort: _Items = ..., offset: int = ...,
             limit: Optional[int] = ..., explain: bool = ..., typo_tolerance: bool = ...,
             collapse: bool = ..., snippet_bytes: Optional[int] = ...,
             has_children: Optional[Sequence[Mapping[str, Any]]] = ...,
             page_size: int = ...) -> Iterator[dict[str, Any]]: ...
    def facet_values(self, field: str, prefix: str = ..., query: _Text = ...,
                     filters: _Filters = ..., size: int = ..., kinds: _Names = ...,
                     sources: _Names = ...) -> dict[str, Any]: ...
    def manifest(self, format: Literal["s3", "drs", "doi", "https"],
                 query: Union[_Text, Mapping[str, Any]] = ..., kinds: _Names = ...,
                 sources: _Names = ..., filters: _Filters = ..., sort: _Items = ...,
                 offset: int = ..., most: int = ..., typo_tolerance: bool = ...) -> ManifestResult: ...

def build_index(sources: Union[_Path, Mapping[str, _Path], Sequence[str]], out: _Path,
                allow_shrink: bool = ..., fresh: bool = ..., full: bool = ...) -> dict[str, Any]: ...
def schema_version() -> int: ...
def known_sources() -> list[str]: ...
