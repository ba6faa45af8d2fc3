# tests/server/page/conftest.py - fixtures of the search page's browser tests.
#
# `server`: `$ATLAS_SEARCH_BIN serve --index $ATLAS_TEST_INDEXES/portals --port 0`,
# its port read from the first stdout line ("listening on http://HOST:PORT"),
# stopped with SIGTERM at the end of the session (it must exit 0).
# `browser`: a fresh headless Chromium per test (its own profile directory),
# through Debian's /usr/bin/chromedriver; nothing is downloaded.
# `api`: the same server's JSON API, to compare what the page shows with.
#
# Run by ctest (tests/server/page.cmake) with Debian's /usr/bin/python3, which
# imports python3-selenium and python3-pytest.
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'


def _need_env(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f'{name} is not set (ctest sets it: tests/server/page.cmake)')
    return value


class Server:
    def __init__(self, base):
        self.base = base

    def url(self, path_and_query='/'):
        return self.base + path_and_query

    def get_json(self, path):
        with urllib.request.urlopen(self.base + path, timeout=30) as r:
            return json.loads(r.read())

    def post_json(self, path, body):
        req = urllib.request.Request(self.base + path, data=json.dumps(body).encode(),
                                     headers={'Content-Type': 'application/json'}, method='POST')
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def search(self, body):
        # What the page asks: near-identical siblings once (app.js searchRequest).
        status, data = self.post_json('/v1/search', {'collapse': True, **body})
        assert status == 200, (status, data[:300])
        return json.loads(data)

    def manifest(self, fmt, body):
        status, data = self.post_json('/v1/manifest?format=' + urllib.parse.quote(fmt), body)
        assert status == 200, (status, data[:300])
        return data.decode()


@pytest.fixture(scope='session')
def server():
    binary = _need_env('ATLAS_SEARCH_BIN')
    index = os.path.join(_need_env('ATLAS_TEST_INDEXES'), 'portals')
    assert os.path.isdir(index), f'no sample index at {index} (the build_test_indexes fixture makes it)'
    proc = subprocess.Popen([binary, 'serve', '--index', index, '--port', '0'],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # The access log goes to stderr: drain it so the server never blocks on a full pipe.
    log = []
    threading.Thread(target=lambda: log.extend(proc.stderr), daemon=True).start()
    first = proc.stdout.readline()
    m = re.fullmatch(r'listening on (http://[^\s:]+:(\d+))\s*', first)
    if not m:
        proc.kill()
        proc.wait()
        pytest.fail(f'the server did not say where it listens: first line {first!r}, stderr {"".join(log)[-2000:]!r}')
    threading.Thread(target=lambda: proc.stdout.read(), daemon=True).start()
    base = m.group(1).replace('://0.0.0.0:', '://127.0.0.1:')
    yield Server(base)
    proc.send_signal(signal.SIGTERM)
    try:
        rc = proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        pytest.fail('the server did not stop within 20 s of SIGTERM')
    assert rc == 0, f'the server exited {rc} after SIGTERM'


def make_browser():
    profile = tempfile.mkdtemp(prefix='atlas-page-chromium-')
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
                '--disable-background-networking', '--disable-component-update', '--disable-sync',
                '--no-first-run', '--window-size=1400,1000', f'--user-data-dir={profile}'):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.atlas_profile = profile
    return driver


def close_browser(driver):
    try:
        driver.quit()
    finally:
        shutil.rmtree(driver.atlas_profile, ignore_errors=True)


@pytest.fixture
def browser():
    driver = make_browser()
    yield driver
    close_browser(driver)


@pytest.fixture
def fresh_browser():
    """A second browser of its own (no shared history, storage or cache)."""
    driver = make_browser()
    yield driver
    close_browser(driver)


@pytest.fixture(scope='session')
def screenshot_dir():
    path = _need_env('ATLAS_SCREENSHOT_DIR')
    os.makedirs(path, exist_ok=True)
    return path
