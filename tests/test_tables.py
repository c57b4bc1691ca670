"""rnnlib.tables: results tables as accessible HTML (a caption, column and row headers, colour
never the only cue), and notebook 08's adding-study tables and summary built on them, read back
with the standard library's HTML parser."""
from html.parser import HTMLParser

import pytest

from rnnlib import tables
from rnnlib.tables import Cell


class Parsed(HTMLParser):
    """Each cell of a table as (tag, attributes, text), the caption, and the rows."""

    def __init__(self, text):
        super().__init__()
        self.cells, self.captions, self.rows, self._open = [], [], 0, None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th", "caption"):
            self._open = [tag, dict(attrs), ""]
        elif tag == "tr":
            self.rows += 1
        elif tag == "br" and self._open is not None:
            self._open[2] += " "

    def handle_data(self, data):
        if self._open is not None:
            self._open[2] += data

    def handle_endtag(self, tag):
        if self._open is not None and tag == self._open[0]:
            tag, attrs, text = self._open
            (self.captions.append(text) if tag == "caption" else
             self.cells.append((tag, attrs, " ".join(text.split()))))
            self._open = None


def test_a_table_has_its_caption_column_headers_and_row_headers():
    page = Parsed(tables.html_table(["setting", "a\nb"], [["x", 1], ["y", Cell("2", "#cfe8dc")]],
                                    caption="What it shows"))
    assert page.captions == ["What it shows"] and page.rows == 3
    assert [c[:2] for c in page.cells[:2]] == [("th", {"scope": "col"})] * 2
    assert page.cells[1][2] == "a b" and "a<br>b" in tables.html_table(
        ["a\nb"], [], caption="c")                          # "\n" becomes a line break
    assert [(tag, attrs.get("scope"), text) for tag, attrs, text in page.cells[2:]] == [
        ("th", "row", "x"), ("td", None, "1"), ("th", "row", "y"), ("td", None, "2")]
    shaded = page.cells[-1][1]["style"]
    assert "background:#cfe8dc" in shaded and "color:#000" in shaded   # readable on dark themes


def test_text_is_escaped_and_a_note_is_bold():
    text = tables.html_table(["<b>"], [[Cell("a < b & c", strong="(1 diverged)")]],
                             caption="x < y", row_headers=False)
    assert "<b>" not in text and "&lt;b&gt;" in text and "a &lt; b &amp; c" in text
    assert "<strong>(1 diverged)</strong>" in text and "<caption>x &lt; y</caption>" in text
    assert Parsed(text).cells[1][0] == "td"


def test_colour_is_never_the_only_cue():
    with pytest.raises(ValueError, match=r"rows\[0\]\[1\] is shaded but says nothing"):
        tables.html_table(["a", "b"], [["x", Cell(" ", "#cfe8dc")]], caption="c")


@pytest.mark.parametrize("columns, rows, caption, error, message", [
    (["a", "b"], [["x"]], "c", ValueError, r"rows\[0\] must have 2 cells, one per column; got 1"),
    (["a"], [[None]], "c", TypeError, r"rows\[0\]\[0\] must be a Cell, a str or a number; got NoneType"),
    (["a"], [[Cell("x", "green")]], "c", ValueError, r"rows\[0\]\[0\].shade must be a colour '#rrggbb'"),
    (["a"], [["x"]], "", ValueError, "caption must be a non-empty str; got ''"),
    ("ab", [["x", "y"]], "c", TypeError, "columns must be a non-empty sequence of str; got 'ab'"),
])
def test_bad_arguments_are_named(columns, rows, caption, error, message):
    with pytest.raises(error, match=message):
        tables.html_table(columns, rows, caption=caption)


def run(T, init, optimizer, seed, steps=None, clip=1.0, diverged=None):
    return dict(T=T, init=init, optimizer=optimizer, clip=clip, seed=seed, steps_to_target=steps,
                diverged=diverged)


RESULTS = {
    "command": "python experiments/adding_problem.py", "seconds": 600.0, "target_mse": 1 / 60,
    "settings": {"main": {"T": 100, "steps": 2000}, "long": {"T": 200, "steps": 4000}},
    "runs": [run(100, "identity", "adam", 0, 1000), run(100, "identity", "adam", 1, 1400),
             run(100, "identity", "sgd", 0, clip=None,
                 diverged="training stopped at step 2: the loss is nan: the gradient exploded."),
             run(100, "identity", "sgd", 1, clip=None),
             run(100, "orthogonal", "adam", 0, 900), run(100, "orthogonal", "adam", 1),
             run(100, "orthogonal", "sgd", 0, clip=None), run(100, "orthogonal", "sgd", 1, clip=None),
             run(200, "identity", "adam", 0, 3000), run(200, "identity", "adam", 1, 2000)],
}


def test_adding_study_tables_say_solved_seeds_median_steps_and_divergences():
    page = Parsed(tables.adding_study_tables(RESULTS))
    assert page.captions[0].startswith("T = 100, at most 2000 steps: seeds solved · median steps "
                                       "to 1/60 (shaded green: every seed solved, orange: some)")
    assert page.captions[1].startswith("T = 200, clipped at 1, at most 4000 steps")
    by_text = [(text, "#cfe8dc" in a.get("style", "") and "green" or
                "#fbe3c4" in a.get("style", "") and "orange" or "") for _, a, text in page.cells]
    assert by_text[:9] == [("W_hh", ""), ("adam clip 1.0", ""), ("sgd no clip", ""),
                           ("identity", ""), ("2/2 · 1200", "green"), ("0/2 (1 diverged)", ""),
                           ("orthogonal", ""), ("1/2 · 900", "orange"), ("0/2", "")]
    assert by_text[9:15] == [("W_hh", ""), ("adam", ""), ("identity", ""), ("2/2 · 2500", "green"),
                             ("T", ""), ("W_hh", "")]
    assert len(page.captions) == 3 and page.rows == 3 + 2 + 1 + len(RESULTS["runs"])


def test_adding_study_summary_lines():
    assert tables.adding_study_summary(RESULTS).splitlines() == [
        "command: python experiments/adding_problem.py  (10 min on this machine)",
        "Adam, clipped: median steps to 1/60 from 900 to 1200 over the starts where it solves some seed",
        "diverged: T = 100, identity, sgd, clip None, seed 0: the loss is nan at step 2"]


def test_results_without_what_the_tables_read_are_refused():
    with pytest.raises(ValueError, match="results lacks settings"):
        tables.adding_study_tables({k: v for k, v in RESULTS.items() if k != "settings"})
    with pytest.raises(ValueError, match=r"results\['runs'\]\[0\] lacks seed"):
        tables.adding_study_summary({**RESULTS, "runs": [{k: v for k, v in RESULTS["runs"][0].items()
                                                          if k != "seed"}]})
    with pytest.raises(TypeError, match="results must be the dict of adding_problem.json; got list"):
        tables.adding_study_tables([])
