"""Real-browser tests of the slides: a static deck opens offline, and RISE runs live in JupyterLab.

Static: one deck is built (tools/slide_decks.py, the code `make slides` runs) from a temporary
copy of notebook 01 with the slide metadata applied, and opened from file:// in headless
Chromium with every non-local request aborted. The test asserts that nothing tried to reach
the network, that the deck has more than one slide, that a key press advances it, and that
MathJax typeset an equation.

Live: JupyterLab (127.0.0.1, token) serves a copy of a notebook with its slide metadata set;
the test opens it, runs RISE's "slideshow" command and checks that RISE shows the slides.

Needs Debian's `chromium` (or $CHROMIUM_PATH), the `playwright` package (no browser download)
and, for the deck, `npm` to fetch reveal.js and MathJax once into slides/_assets (gitignored).
Without them the tests are skipped and say why (pytest -ra lists the reason).
"""
import json
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import nbformat
import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
import slide_decks  # noqa: E402
import slides  # noqa: E402

# Chromium, the JupyterLab server (127.0.0.1, a token, a copy of notebooks/) and the kernel-idle
# probe of tests/test_browser.py. Its fixtures `browser` and `lab_server` serve here too: pytest
# finds a fixture among a module's names.
import test_browser  # noqa: E402
from test_browser import CHROMIUM, KERNEL_IDLE  # noqa: E402

browser, lab_server = test_browser.browser, test_browser.lab_server

NOTEBOOK = "01_forward_pass.ipynb"      # has display equations and several sections
ASSETS = REPO / "slides" / "_assets"    # the same cache `make slides` fills

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(),
                       reason=f"SKIPPED THE SLIDE BROWSER TESTS: no Chromium at {CHROMIUM} "
                              "(apt-get install chromium, or set CHROMIUM_PATH)"),
]


def build_decks(tmp_path_factory, notebooks):
    """The decks of `notebooks` in a temporary folder, built as `make slides` builds them, with
    their assets copied beside them (skips if reveal.js/MathJax cannot be fetched)."""
    out = tmp_path_factory.mktemp("decks")
    try:
        slide_decks.fetch_assets(ASSETS)
    except (RuntimeError, subprocess.SubprocessError, OSError) as error:
        pytest.skip(f"SKIPPED THE SLIDE DECK TESTS: cannot fetch reveal.js/MathJax: {error}")
    shutil.copytree(ASSETS, out / "_assets")
    return slide_decks.build(out, notebooks, timeout=300)


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """A deck of notebook 01."""
    (path,) = build_decks(tmp_path_factory, [REPO / "notebooks" / NOTEBOOK])
    return path


def test_static_deck_works_offline_advances_and_renders_math(browser, deck):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    attempted = []

    def block_remote(route):
        url = route.request.url
        if url.startswith(("file://", "data:", "blob:")):
            route.continue_()
        else:
            attempted.append(url)
            route.abort()

    context.route("**/*", block_remote)
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(deck.as_uri(), wait_until="load", timeout=30_000)
        # reveal.js is loaded as an AMD module (no global): read its state from the DOM. It
        # marks .reveal "ready" once initialised, the shown slide "present", and (history:
        # true) writes the position into the URL: #/2 or #/2/1.
        page.wait_for_selector(".reveal.ready", timeout=30_000)
        n_slides = page.locator(".reveal .slides > section").count()
        assert n_slides > 1, f"the deck has {n_slides} slide(s)"
        before = page.evaluate("() => location.hash")
        page.locator("body").press("ArrowRight")
        page.wait_for_function("(b) => location.hash !== b", arg=before, timeout=10_000)
        assert page.evaluate("() => location.hash") in ("#/1", "#/0/1")
        # MathJax 2 (CommonHTML output) replaces each typeset equation by a .MJXc-display or
        # .mjx-chtml element; "Math input error" would mean it ran but failed.
        page.wait_for_function("() => document.querySelectorAll('.mjx-chtml').length > 0",
                               timeout=60_000)
        assert "Math input error" not in page.inner_text("body")
    except Exception:
        page.screenshot(path=str(deck.with_suffix(".failure.png")))
        raise
    finally:
        context.close()
    assert attempted == [], f"the deck tried to reach the network: {attempted}"


# --------------------------------------------------------------------------- live RISE



# --------------------------------------------------------------------------- live RISE


# the shown (sub-)slide: the index of the present top-level section, and of the present
# vertical one inside it
PRESENT = r"""() => { const top = [...document.querySelectorAll('.reveal .slides > section')];
    const i = top.findIndex(s => s.classList.contains('present'));
    const sub = i < 0 ? [] : [...top[i].querySelectorAll(':scope > section')];
    return `${i}/${sub.findIndex(s => s.classList.contains('present'))}`; }"""


def _put_notebook(base, token, path, nb):
    """Replace a notebook of the served copy through JupyterLab's contents API."""
    body = json.dumps({"type": "notebook", "format": "json", "content": nb}).encode()
    request = urllib.request.Request(f"{base}/api/contents/{path}", data=body, method="PUT",
                                     headers={"Authorization": f"token {token}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status in (200, 201)


def test_rise_slideshow_starts_in_jupyterlab(browser, lab_server, tmp_path):
    base, token = lab_server
    nb = nbformat.read(REPO / "notebooks" / NOTEBOOK, as_version=4)
    slides.apply(nb, split=True)
    n_slides = slides.count_slides(nb)
    _put_notebook(base, token, f"notebooks/{NOTEBOOK}", nb)

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    remote = []
    context.route("**/*", lambda route: route.continue_()
                  if route.request.url.startswith((base, "data:", "blob:"))
                  else (remote.append(route.request.url), route.abort()))
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(f"{base}/lab/tree/notebooks/{NOTEBOOK}?reset&token={token}")
        page.wait_for_selector(".jp-Notebook")
        page.wait_for_function(KERNEL_IDLE, timeout=90_000)
        page.wait_for_function(
            f"() => window.jupyterapp?.shell.currentWidget?.context?.path === 'notebooks/{NOTEBOOK}'")
        # RISE's "Open as Reveal Slideshow" (command RISE:slideshow; toolbar button) saves the
        # notebook and opens it in a new tab at /rise/<path>, a JupyterLab-based page that runs
        # the notebook's kernel inside reveal.js. Fired without awaiting (see test_browser.py).
        with context.expect_page(timeout=60_000) as popup:
            page.evaluate("() => { window.jupyterapp.commands.execute('RISE:slideshow'); }")
        show = popup.value
        show.set_default_timeout(60_000)
        show.wait_for_selector(".reveal .slides section", timeout=90_000)
        show.wait_for_function("() => document.querySelector('.reveal.ready') !== null",
                               timeout=90_000)
        shown = show.locator(".reveal .slides > section").count()
        assert shown == n_slides > 1, f"RISE shows {shown} slides; the metadata has {n_slides}"
        before = show.evaluate(PRESENT)
        show.locator(".reveal").press("ArrowRight")
        show.wait_for_function(f"(b) => ({PRESENT})() !== b", arg=before, timeout=10_000)
        show.screenshot(path=str(tmp_path / "rise.png"))
    except Exception:
        for pg in context.pages:
            pg.screenshot(path=str(tmp_path / f"failure-{context.pages.index(pg)}.png"))
        raise
    finally:
        context.close()
    assert remote == [], f"the live slideshow tried to reach the network: {remote}"


# --------------------------------------------------------------------------- every slide fits

import slide_fit  # noqa: E402  (tests/slide_fit.py: the measurement, also a report command)

# No slide may overflow: a figure has a sub-slide of its own and its print-out the next one,
# and code whose print-out would overfill a page shows it on the next (tools/slide_decks.py).
KNOWN_OVERFLOW = {}

# A figure's smallest text (11 pt at 100 dpi, slide_fit.FIGURE_TEXT_PX) drawn at 1920x1080 is
# at least this many screen px: a figure alone on its slide is drawn at full height.
MIN_FIGURE_PX = 24.0
# A figure as wide as the slide has its size fixed by its width, not the slide's height: its
# text grows only with a narrower figure in the notebook (08's three panels are drawn at 12 in
# for this). None is excepted; an exception would be named here, (deck, slide): px.
KNOWN_SMALL_FIGURES = {}


@pytest.fixture(scope="module")
def all_decks(tmp_path_factory):
    """Every notebook's deck."""
    return build_decks(tmp_path_factory, sorted((REPO / "notebooks").glob("*.ipynb")))


@pytest.mark.parametrize("size", slide_fit.SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_slide_fits_and_arrow_keys_reach_every_slide(browser, all_decks, size, capsys):
    problems, smallest = [], {}
    for path in all_decks:
        name = path.name.split(".")[0]
        result = slide_fit.measure(browser, path, size)
        for s in result["slides"]:
            allowed = KNOWN_OVERFLOW.get((name, s["at"]), 0)
            if s["bottom"] > max(1, allowed) or s["right"] > 1 or s["clipped"]:
                problems.append(f"{name} {s['at']}: bottom {s['bottom']:+.0f} px, right "
                                f"{s['right']:+.0f} px, {s['clipped']} clipped text box(es)")
            if s["leftover"]:
                problems.append(f"{name} {s['at']}: shows 'not attempted' or 'Run this cell'")
            if size == (1920, 1080) and s["figure"] != float("inf") \
                    and s["figure"] < KNOWN_SMALL_FIGURES.get((name, s["at"]), MIN_FIGURE_PX):
                problems.append(f"{name} {s['at']}: figure text {s['figure']:.1f} px, under "
                                f"{MIN_FIGURE_PX:.0f} px")
            for key in ("prose", "code", "output", "figure"):
                smallest[key] = min(smallest.get(key, float("inf")), s[key])
        order = [s["at"] for s in result["slides"]]
        if result["seen"] != order:
            problems.append(f"{name}: → visits {len(result['seen'])} of {len(order)} slides")
        if len(order) > 1 and result["back"] != order[-2]:
            problems.append(f"{name}: ← from the last slide goes to {result['back']}")
    with capsys.disabled():
        print(f"\n{size[0]}x{size[1]}: smallest text in screen px: "
              + ", ".join(f"{k} {v:.1f}" for k, v in smallest.items()))
    assert not problems, "\n".join(problems)
