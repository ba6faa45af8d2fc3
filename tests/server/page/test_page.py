# tests/server/page/test_page.py - the search page, used as a person uses it.
#
# Headless Chromium against `atlas-search serve` on the sample index of every
# portal ($ATLAS_TEST_INDEXES/portals; fixtures in conftest.py).  Each test
# drives the page with the mouse or keyboard and checks what it shows against
# what the server's JSON API answers for the same request, so a page that
# shows stale, wrong or no numbers fails.  Waits are WebDriverWait conditions
# only (no sleeps).
import re

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

WAIT_S = 20
POMBE = 'Schizosaccharomyces pombe 972h-'
CEREVISIAE = 'Saccharomyces cerevisiae'


def wait(driver, condition, message):
    """Waits until `condition(driver)` is true; `message` (text, or a function
    giving it, called only on a timeout) says what never happened."""
    def safe(d):
        try:
            return condition(d)
        except StaleElementReferenceException:
            return False   # the page re-rendered under us: look again
    try:
        return WebDriverWait(driver, WAIT_S).until(safe)
    except TimeoutException:
        raise AssertionError(message() if callable(message) else message) from None


def css(driver, selector):
    return driver.find_elements(By.CSS_SELECTOR, selector)


def range_text(driver):
    found = css(driver, '#result-range')
    return found[0].text if found else ''


def wait_range(driver, expected):
    wait(driver, lambda d: range_text(d) == expected,
         lambda: f'the result count never read {expected!r} (it reads {range_text(driver)!r}; '
                 f'error box: {error_text(driver)!r})')


def error_text(driver):
    box = css(driver, '#error')
    return box[0].text if box and box[0].is_displayed() else ''


def hit_ids(driver):
    return [li.get_attribute('data-id') for li in css(driver, '#hits > li.hit')]


def wait_hits(driver, ids):
    wait(driver, lambda d: hit_ids(d) == ids,
         lambda: f'the hits never became {ids[:3]}... (they are {hit_ids(driver)[:3]}...)')


def count_range(offset, shown, total):
    return f'{offset + 1:,}–{offset + shown:,} of {total:,}'


def facet_counts(driver, field):
    """{value: count as shown} for a checkbox facet panel."""
    out = {}
    for li in css(driver, f'#facet-{field} .facet-values li'):
        box = li.find_element(By.CSS_SELECTOR, 'input[type=checkbox]')
        count = li.find_element(By.CSS_SELECTOR, '.count').get_attribute('data-count')
        out[box.get_attribute('value')] = int(count) if count else None
    return out


def checkbox(driver, field, value):
    for box in css(driver, f'#facet-{field} input[type=checkbox]'):
        if box.get_attribute('value') == value:
            return box
    return None


def open_page(driver, server, query=''):
    driver.get(server.url('/' + query))
    wait(driver, lambda d: d.execute_script('return document.body.dataset.state') in ('ready', 'error'),
         'the page never finished its first search')


def type_query(driver, text):
    box = driver.find_element(By.ID, 'q')
    box.clear()
    box.send_keys(text)


def test_typing_a_query_shows_its_hits(browser, server, screenshot_dir):
    open_page(browser, server)
    type_query(browser, 'ribosome')
    expected = server.search({'query': 'ribosome', 'offset': 0, 'limit': 20})
    assert expected['total'] > 0
    wait_range(browser, count_range(0, len(expected['hits']), expected['total']))
    wait_hits(browser, [h['id'] for h in expected['hits']])
    # The sample's S. pombe ribosome annotation, with its breadcrumb, snippet marks,
    # key fields and its S3 folder.
    first = expected['hits'][0]
    hit = css(browser, '#hits > li.hit')[0]
    assert hit.find_element(By.CSS_SELECTOR, '.hit-title').text == first['title']
    titles = [e.text for e in css(browser, '#hits .hit-title')]
    assert 'cytosolic ribosome' in titles
    crumbs = [li.text for li in hit.find_elements(By.CSS_SELECTOR, '.breadcrumb li')]
    assert crumbs == [b['label'] for b in first['breadcrumb']]
    marks = [m.text.lower() for m in css(browser, '#hits .snippet mark')]
    assert any('ribosom' in m for m in marks), marks
    annotation = next(h for h in css(browser, '#hits > li.hit')
                      if h.get_attribute('data-id').startswith('cryoet:annotation:10000/'))
    keys = annotation.find_element(By.CSS_SELECTOR, '.key-fields').text
    assert POMBE in keys and 'Å' in keys and 'Excellent' in keys, keys
    assert 's3://cryoet-data-portal-public/10000/' in annotation.find_element(By.CSS_SELECTOR, '.links').text
    assert 'ribosome' in browser.current_url   # the URL holds the search
    browser.save_screenshot(f'{screenshot_dir}/search-page.png')


def test_ticking_two_organisms_keeps_the_other_counts(browser, server):
    open_page(browser, server, '?source=cryoet')
    base = {'query': '', 'filters': [{'field': 'source', 'values': ['cryoet']}],
            'facets': [{'field': 'organism', 'size': 8}], 'limit': 20}
    before = server.search(base)
    wait_range(browser, count_range(0, 20, before['total']))
    shown_before = {v['value']: v['count'] for v in before['facets']['organism']}
    assert POMBE in shown_before and CEREVISIAE in shown_before and len(shown_before) >= 3
    wait(browser, lambda d: facet_counts(d, 'organism') == shown_before,
         'the organism panel does not show the server\'s counts')

    checkbox(browser, 'organism', POMBE).click()
    one = server.search({**base, 'filters': base['filters'] + [{'field': 'organism', 'values': [POMBE]}]})
    wait_range(browser, count_range(0, min(20, one['total']), one['total']))
    wait(browser, lambda d: checkbox(d, 'organism', CEREVISIAE) is not None, 'the organism panel went away')
    checkbox(browser, 'organism', CEREVISIAE).click()
    two = server.search({**base, 'filters': base['filters'] + [{'field': 'organism', 'values': [POMBE, CEREVISIAE]}]})
    assert two['total'] == shown_before[POMBE] + shown_before[CEREVISIAE]
    wait_range(browser, count_range(0, min(20, two['total']), two['total']))

    after = {v['value']: v['count'] for v in two['facets']['organism']}
    assert after == shown_before   # the server's facets are disjunctive
    wait(browser, lambda d: facet_counts(d, 'organism') == after,
         lambda: f'organism counts after ticking two: {facet_counts(browser, "organism")}, server: {after}')
    assert checkbox(browser, 'organism', POMBE).is_selected()
    assert checkbox(browser, 'organism', CEREVISIAE).is_selected()
    others = [v for v in after if v not in (POMBE, CEREVISIAE)]
    assert others and all(facet_counts(browser, 'organism')[v] > 0 for v in others)
    assert not checkbox(browser, 'organism', others[0]).is_selected()
    wait_hits(browser, [h['id'] for h in two['hits']])

    # Back undoes the second tick.
    browser.back()
    wait_range(browser, count_range(0, min(20, one['total']), one['total']))
    wait(browser, lambda d: not checkbox(d, 'organism', CEREVISIAE).is_selected(), 'back did not untick')


def test_a_range_input_changes_the_total(browser, server):
    open_page(browser, server, '?source=cryoet')
    cryoet = [{'field': 'source', 'values': ['cryoet']}]
    everything = server.search({'query': '', 'filters': cryoet, 'limit': 20})
    wait_range(browser, count_range(0, 20, everything['total']))
    unit = browser.find_element(By.CSS_SELECTOR, '#facet-voxel_spacing h3').text
    assert 'Å' in unit, unit
    box = browser.find_element(By.ID, 'range-voxel_spacing-max')
    box.send_keys('10', Keys.ENTER)
    narrow = server.search({'query': '', 'filters': cryoet + [{'field': 'voxel_spacing', 'values': ['..10']}], 'limit': 20})
    assert 0 < narrow['total'] < everything['total']
    wait_range(browser, count_range(0, min(20, narrow['total']), narrow['total']))
    wait_hits(browser, [h['id'] for h in narrow['hits']])
    assert 'voxel_spacing%3D..10' in browser.current_url or 'voxel_spacing=..10' in browser.current_url

    # Quality: the bounds are chosen by the facet's labels.
    low = Select(browser.find_element(By.ID, 'range-quality-min-select'))
    labels = [o.text for o in low.options]
    assert '5 · Excellent' in labels and '4 · Good' in labels, labels
    low.select_by_visible_text('5 · Excellent')
    best = server.search({'query': '', 'filters': cryoet + [{'field': 'voxel_spacing', 'values': ['..10']},
                                                           {'field': 'quality', 'values': ['5..']}], 'limit': 20})
    assert best['total'] != narrow['total']
    wait_range(browser, count_range(0, min(20, best['total']), best['total']))


def test_page_two_of_ten(browser, server):
    open_page(browser, server)
    everything = server.search({'query': '', 'limit': 20})
    wait_range(browser, count_range(0, 20, everything['total']))
    Select(browser.find_element(By.ID, 'page-size')).select_by_visible_text('10')
    wait_range(browser, count_range(0, 10, everything['total']))
    browser.find_element(By.CSS_SELECTOR, '#pager button[data-page="2"][aria-label="Page 2"]').click()
    second = server.search({'query': '', 'offset': 10, 'limit': 10})
    wait_range(browser, f'11–20 of {everything["total"]:,}')
    wait_hits(browser, [h['id'] for h in second['hits']])
    current = browser.find_element(By.CSS_SELECTOR, '#pager [aria-current=page]')
    assert current.text == '2'
    assert 'page=2' in browser.current_url and 'size=10' in browser.current_url
    browser.back()
    wait_range(browser, count_range(0, 10, everything['total']))


def test_download_dialog_gives_s3_commands_and_dois(browser, server):
    open_page(browser, server, '?q=ribosome&source=cryoet')
    request = {'query': 'ribosome', 'filters': [{'field': 'source', 'values': ['cryoet']}]}
    found = server.search({**request, 'limit': 20})
    wait_range(browser, count_range(0, min(20, found['total']), found['total']))
    browser.find_element(By.ID, 'download-button').click()
    dialog = browser.find_element(By.ID, 'download-dialog')
    wait(browser, lambda d: dialog.get_attribute('data-loaded') == 'yes', 'the S3 manifest never loaded')
    assert dialog.get_attribute('open') is not None
    assert dialog.get_attribute('role') == 'dialog' and dialog.get_attribute('aria-modal') == 'true'
    assert browser.execute_script('return document.getElementById("download-dialog").contains(document.activeElement)')
    text = browser.find_element(By.ID, 'manifest-text').text
    lines = [l for l in text.splitlines() if l]
    assert lines and all(re.match(r'aws s3 (sync|cp) --no-sign-request s3://', l) or l.startswith('#') for l in lines), lines[:5]
    assert any(l.startswith('aws s3 sync --no-sign-request s3://cryoet-data-portal-public/10000/') for l in lines)
    assert lines == [l for l in server.manifest('s3', request).splitlines() if l]
    link = browser.find_element(By.ID, 'manifest-link')
    assert link.is_displayed() and link.get_attribute('href').startswith('blob:')
    assert link.get_attribute('download')

    browser.find_element(By.ID, 'format-doi').click()
    wait(browser, lambda d: dialog.get_attribute('data-format') == 'doi' and dialog.get_attribute('data-loaded') == 'yes',
         'the DOI manifest never loaded')
    dois = [l for l in browser.find_element(By.ID, 'manifest-text').text.splitlines() if l and not l.startswith('#')]
    assert dois and all(re.match(r'10\.\d{4,9}/\S+$', d) for d in dois), dois[:5]
    assert '10.1101/2022.04.12.488077' in dois   # the S. pombe datasets' preprint
    assert dois == [l for l in server.manifest('doi', request).splitlines() if l and not l.startswith('#')]
    browser.find_element(By.ID, 'download-close').click()
    wait(browser, lambda d: dialog.get_attribute('open') is None, 'the close button did not close the dialog')


def test_a_shared_url_restores_the_search(browser, fresh_browser, server):
    open_page(browser, server)
    type_query(browser, 'ribosome')
    ribosome = server.search({'query': 'ribosome', 'limit': 20})
    wait_range(browser, count_range(0, 20, ribosome['total']))
    wait(browser, lambda d: checkbox(d, 'organism', POMBE) is not None, 'no organism panel')
    checkbox(browser, 'organism', POMBE).click()
    Select(browser.find_element(By.ID, 'page-size')).select_by_visible_text('10')
    pombe = server.search({'query': 'ribosome', 'filters': [{'field': 'organism', 'values': [POMBE]}], 'limit': 10})
    assert pombe['total'] > 10
    wait_range(browser, count_range(0, 10, pombe['total']))
    browser.find_element(By.CSS_SELECTOR, '#pager button[aria-label="Page 2"]').click()
    wait_range(browser, count_range(10, min(10, pombe['total'] - 10), pombe['total']))
    shared = browser.current_url

    open_page(fresh_browser, server, shared[len(server.url('/')):])
    page2 = server.search({'query': 'ribosome', 'filters': [{'field': 'organism', 'values': [POMBE]}],
                           'offset': 10, 'limit': 10})
    wait_range(fresh_browser, count_range(10, len(page2['hits']), pombe['total']))
    assert fresh_browser.find_element(By.ID, 'q').get_attribute('value') == 'ribosome'
    assert checkbox(fresh_browser, 'organism', POMBE).is_selected()
    assert not checkbox(fresh_browser, 'organism', CEREVISIAE).is_selected()
    assert fresh_browser.find_element(By.CSS_SELECTOR, '#pager [aria-current=page]').text == '2'
    assert Select(fresh_browser.find_element(By.ID, 'page-size')).first_selected_option.text == '10'
    wait_hits(fresh_browser, [h['id'] for h in page2['hits']])


def test_keyboard_alone(browser, server):
    open_page(browser, server)
    body = browser.find_element(By.TAG_NAME, 'body')
    # The tab order starts: "Skip to results", the home link, the search box.
    order = []
    for _ in range(3):
        (browser.switch_to.active_element if order else body).send_keys(Keys.TAB)
        order.append(browser.switch_to.active_element.get_attribute('id'))
    assert order == ['skip-link', 'home-link', 'q']
    browser.switch_to.active_element.send_keys('ribosome', Keys.ENTER)
    found = server.search({'query': 'ribosome', 'limit': 20})
    wait_range(browser, count_range(0, 20, found['total']))
    # Tab on until the Download button, open it with Enter: focus moves into the dialog.
    for _ in range(60):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        if browser.switch_to.active_element.get_attribute('id') == 'download-button':
            break
    assert browser.switch_to.active_element.get_attribute('id') == 'download-button', 'Tab never reached Download'
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    dialog = browser.find_element(By.ID, 'download-dialog')
    wait(browser, lambda d: dialog.get_attribute('open') is not None, 'Enter did not open the dialog')
    assert browser.execute_script('return document.getElementById("download-dialog").contains(document.activeElement)')
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    wait(browser, lambda d: dialog.get_attribute('open') is None, 'Escape did not close the dialog')
    assert browser.switch_to.active_element.get_attribute('id') == 'download-button'


def test_a_typo_shows_what_was_searched(browser, server):
    open_page(browser, server)
    type_query(browser, 'ribosme')
    answer = server.search({'query': 'ribosme', 'limit': 20})
    assert answer['did_you_mean'] == 'ribosome' and answer['total'] > 0
    wait(browser, lambda d: css(d, '#did-you-mean'), 'no "showing results for" line')
    line = browser.find_element(By.ID, 'did-you-mean').text
    assert 'Showing results for ribosome' in line, line
    wait_range(browser, count_range(0, 20, answer['total']))
    # "Search instead for" searches the words exactly as typed.
    browser.find_element(By.ID, 'search-exact').click()
    exact = server.search({'query': 'ribosme', 'typo_tolerance': False, 'limit': 20})
    assert exact['total'] != answer['total']
    if exact['total']:
        wait_range(browser, count_range(0, min(20, exact['total']), exact['total']))
    else:
        wait(browser, lambda d: d.find_element(By.ID, 'status').text.startswith('No results'), 'no "No results"')
    assert not css(browser, '#did-you-mean')


def test_a_server_error_is_shown(browser, server):
    open_page(browser, server)
    status, data = server.post_json('/v1/search', {'query': 'autor:smith', 'limit': 20})
    assert status == 400
    import json
    message = json.loads(data)['error']['message']
    type_query(browser, 'autor:smith')
    wait(browser, lambda d: message in error_text(d), lambda: f'the error {message!r} is not shown')
    assert css(browser, '#error')[0].get_attribute('role') == 'alert'
    type_query(browser, 'ribosome')
    wait(browser, lambda d: error_text(d) == '', 'the error stays after a good search')


def test_a_long_facet_has_a_search_box(browser, server):
    open_page(browser, server, '?source=htan')
    found = server.search({'query': '', 'filters': [{'field': 'source', 'values': ['htan']}],
                           'facets': [{'field': 'assay', 'size': 8}], 'limit': 20})
    assert found['facet_totals']['assay']['other'] > 0
    wait_range(browser, count_range(0, 20, found['total']))
    box = browser.find_element(By.ID, 'facet-assay-search')
    assert box.is_displayed() and box.get_attribute('aria-label')
    values = server.get_json('/v1/facets/assay?prefix=Cy&filter=source%3Dhtan')
    expected = {v['value']: v['count'] for v in values['values']}
    assert expected
    box.send_keys('Cy')
    wait(browser, lambda d: facet_counts(d, 'assay') == expected,
         lambda: f'the facet search shows {facet_counts(browser, "assay")}, the server {expected}')


def test_relaxed_matching_says_so(browser, server):
    open_page(browser, server, '?q=ribosome%20lung')
    answer = server.search({'query': 'ribosome lung', 'limit': 20})
    message = answer['relaxed']['message']
    assert 'ribosome' in message and 'lung' in message
    wait_range(browser, count_range(0, 20, answer['total']))
    assert browser.find_element(By.ID, 'relaxed').text == message
    assert not css(browser, '#did-you-mean')


def test_htan_download_is_a_drs_csv(browser, server):
    open_page(browser, server, '?source=htan&kind=file')
    request = {'query': '', 'filters': [{'field': 'source', 'values': ['htan']}, {'field': 'kind', 'values': ['file']}]}
    found = server.search({**request, 'limit': 20})
    wait_range(browser, count_range(0, 20, found['total']))
    # A file hit shows its DRS URI whole.
    drs = [c.text for c in css(browser, '#hits .copyable.main code')]
    assert drs and all(d.startswith('drs://') for d in drs), drs[:3]
    browser.find_element(By.ID, 'download-button').click()
    dialog = browser.find_element(By.ID, 'download-dialog')
    wait(browser, lambda d: dialog.get_attribute('data-format') == 'drs' and dialog.get_attribute('data-loaded') == 'yes',
         'the DRS manifest never loaded')
    lines = browser.find_element(By.ID, 'manifest-text').text.splitlines()
    assert lines[0] == 'name,drs_uri'
    rows = [l for l in lines[1:] if l and not l.startswith('#')]
    assert rows and all(re.match(r'[^,]+,drs://\S+$', r) for r in rows), rows[:3]
    assert [l for l in lines if l] == [l for l in server.manifest('drs', request).splitlines() if l]
    assert browser.find_element(By.ID, 'manifest-link').get_attribute('download').endswith('.csv')


# Holds the page's search for `query` until window.__release() is called;
# the request itself goes out at once and ignores the page's abort.
HOLD_SEARCH = '''
const query = arguments[0];
const fetchFirst = window.fetch.bind(window);
window.__held = [];
window.__release = () => window.__held.splice(0).forEach((go) => go());
window.fetch = (url, options) => {
  const body = options && options.body ? JSON.parse(options.body) : {};
  if (String(url).startsWith('/v1/search') && body.query === query) {
    const answer = fetchFirst(url, Object.assign({}, options, {signal: undefined}));
    return new Promise((resolve, reject) => window.__held.push(() => answer.then(resolve, reject)));
  }
  return fetchFirst(url, options);
};
'''


def test_a_late_answer_to_an_older_query_is_dropped(browser, server):
    open_page(browser, server)
    browser.execute_script(HOLD_SEARCH, 'lung')
    type_query(browser, 'lung')
    wait(browser, lambda d: d.execute_script('return window.__held.length') == 1, 'the search for lung never went out')
    type_query(browser, 'ribosome')
    ribosome = server.search({'query': 'ribosome', 'limit': 20})
    wait_range(browser, count_range(0, 20, ribosome['total']))
    wait_hits(browser, [h['id'] for h in ribosome['hits']])
    browser.execute_script('window.__release()')
    # Either the page says it dropped the answer, or (broken) it shows it.
    wait(browser, lambda d: d.execute_script('return document.body.dataset.staleAnswers') == '1'
         or hit_ids(d) != [h['id'] for h in ribosome['hits']],
         'the answer for lung never reached the page')
    assert hit_ids(browser) == [h['id'] for h in ribosome['hits']]
    assert range_text(browser) == count_range(0, 20, ribosome['total'])
    assert browser.find_element(By.ID, 'q').get_attribute('value') == 'ribosome'


def test_sorting_by_release_date(browser, server):
    open_page(browser, server, '?q=ribosome')
    Select(browser.find_element(By.ID, 'sort')).select_by_visible_text('Release date, newest first')
    newest = server.search({'query': 'ribosome', 'sort': 'release_date:desc', 'limit': 20})
    relevance = server.search({'query': 'ribosome', 'limit': 20})
    assert [h['id'] for h in newest['hits']] != [h['id'] for h in relevance['hits']]
    wait_hits(browser, [h['id'] for h in newest['hits']])
    assert 'sort=release_date%3Adesc' in browser.current_url
