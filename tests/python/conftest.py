"""Fixtures of the atlas_search package's tests (tests/python/python.cmake runs them).

ATLAS_TEST_INDEXES is the ctest fixture's folder (tests/build_test_indexes.sh):
its `portals` index holds the bundled sample of every portal.  PYTHONPATH
holds the package as the build lays it out (<build>/python).
"""
import os
import pathlib

import pytest

import atlas_search


@pytest.fixture(scope="session")
def index_dir() -> str:
    root = os.environ.get("ATLAS_TEST_INDEXES")
    if not root:
        pytest.fail("ATLAS_TEST_INDEXES is not set (run through ctest)")
    path = pathlib.Path(root) / "portals"
    assert (path / "CURRENT").exists(), f"no sample index in {path}"
    return str(path)


@pytest.fixture(scope="session")
def searcher(index_dir) -> atlas_search.Searcher:
    return atlas_search.Searcher(index_dir)


@pytest.fixture(scope="session")
def data_dir() -> pathlib.Path:
    return pathlib.Path(__file__).resolve().parents[2] / "data"
