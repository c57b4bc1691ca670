"""The slide-metadata rules (tools/slides.py) on copies of the real notebooks and on small cases:
every notebook presents as a deck, a second run changes nothing, manual choices are kept,
and splitting a long cell loses no text."""
import copy
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
import slides  # noqa: E402

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def kinds(nb):
    return [c.metadata.get("slideshow", {}).get("slide_type") for c in nb.cells]


@pytest.fixture
def copies(tmp_path):
    for path in NOTEBOOKS:
        shutil.copy(path, tmp_path / path.name)
    return sorted(tmp_path.glob("*.ipynb"))


def test_every_notebook_becomes_a_deck_and_a_second_run_changes_nothing(copies):
    run = [sys.executable, str(REPO / "tools" / "slides.py"), "--split"]
    subprocess.run(run + list(map(str, copies)), check=True, capture_output=True, timeout=120)
    first = [path.read_bytes() for path in copies]
    for path in copies:
        nb = nbformat.read(path, as_version=4)
        assert slides.count_slides(nb) > 1, f"{path.name}: one slide only"
        assert all(kinds(nb)), f"{path.name}: a cell without a slide type"
        assert kinds(nb)[0] == "slide"
        nbformat.validate(nb)
    check = subprocess.run(run + ["--check"] + list(map(str, copies)), capture_output=True,
                           text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr
    assert [path.read_bytes() for path in copies] == first


def _without_slides(nb):
    """The notebook as it was before tools/slides.py: no slide metadata, and the markdown
    pieces cut from one cell (consecutive markdown cells) joined again."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb.cells:
        cell.metadata.pop("slideshow", None)
        if cells and cell.cell_type == "markdown" and cells[-1].cell_type == "markdown":
            cells[-1].source += "\n\n" + cell.source
        else:
            cells.append(cell)
    nb.cells = cells
    return nb


def test_check_reports_notebooks_without_metadata(copies):
    nbformat.write(_without_slides(nbformat.read(copies[0], as_version=4)), copies[0])
    check = subprocess.run([sys.executable, str(REPO / "tools" / "slides.py"), "--check",
                            str(copies[0])], capture_output=True, text=True, timeout=60)
    assert check.returncode == 1 and "make slide-metadata" in check.stderr


def test_the_committed_notebooks_have_current_slide_metadata():
    check = subprocess.run([sys.executable, str(REPO / "tools" / "slides.py"), "--split",
                            "--check", *map(str, NOTEBOOKS)], capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr


def test_splitting_keeps_every_word_in_order_and_no_math_block_is_cut():
    nb = _without_slides(nbformat.read(NOTEBOOKS[0], as_version=4))
    before = [c.source for c in nb.cells if c.cell_type == "markdown"]
    slides.apply(nb, split=True)
    after = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert len(after) > len(before)
    assert " ".join(before).split() == " ".join(after).split()
    for text in after:
        assert text.count("$$") % 2 == 0 and text.count("```") % 2 == 0


def deck(*cells):
    nb = new_notebook(cells=list(cells))
    for cell in nb.cells:
        cell.pop("id", None)
    return nb


def test_the_rules_on_small_cases():
    long_text = "\n\n".join(["word " * 50] * 4)                   # 200 words, 4 paragraphs
    nb = deck(new_markdown_cell("# Title\n\n[next](01_x.ipynb) →"),
              new_code_cell("%matplotlib inline\nimport numpy as np"),
              new_markdown_cell("## A section"),
              new_code_cell("x = 1"),
              new_markdown_cell("### A subsection"),
              new_markdown_cell("**2.** An exercise."),
              new_markdown_cell("<details><summary>full table</summary>...</details>"),
              new_markdown_cell(long_text),
              new_markdown_cell("---\n← [00 · Start](00_a.ipynb) · [Index](00_a.ipynb) · "
                                "[02 · Next](02_b.ipynb) →"))
    slides.apply(nb, split=True)
    # the 200 words are cut into two pieces of 100; the first fits under the exercise's
    # 3 words, the second would overfill that page
    assert kinds(nb) == ["slide", "skip", "slide", "fragment", "subslide", "subslide", "notes",
                         "-", "subslide", "skip"]
    assert nb.metadata["rise"] == {"theme": "white"}


def test_a_code_cell_with_a_figure_gets_its_own_subslide():
    figure = new_code_cell("plot()", outputs=[nbformat.v4.new_output(
        "display_data", data={"image/png": "iVBO", "text/plain": "<Figure>"})])
    nb = deck(new_markdown_cell("## S"), figure)
    slides.apply(nb)
    assert kinds(nb) == ["slide", "subslide"]


def test_a_manual_choice_is_kept_and_ends_the_run_there():
    manual = new_markdown_cell("## A heading shown as a fragment on purpose")
    manual.metadata["slideshow"] = {"slide_type": "fragment", "manual": True}
    tagged = new_code_cell("y = 2", metadata={"tags": ["slide-manual"],
                                              "slideshow": {"slide_type": "skip"}})
    nb = deck(new_markdown_cell("# T"), manual, tagged)
    kept = copy.deepcopy([manual.metadata, tagged.metadata])
    assert slides.apply(nb) == 2                       # the title's type and nb.metadata.rise
    assert [nb.cells[1].metadata, nb.cells[2].metadata] == kept
    assert slides.apply(nb) == 0


def test_navigation_is_recognised_only_when_nothing_else_is_in_the_cell():
    assert slides.is_navigation("← [00 · Start here](00_start_here.ipynb) · [Index](00_start_here.ipynb)")
    assert slides.is_navigation("---")
    assert not slides.is_navigation("See [notebook 03](03_relu_gate.ipynb) for the gate.")


def test_blocks_are_never_cut_inside_a_fence_or_display_math():
    text = "intro\n\n$$\na = b\n\nc = d\n$$\n\n```\nx = 1\n\ny = 2\n```\n\nend"
    assert slides.split_blocks(text) == ["intro", "$$\na = b\n\nc = d\n$$",
                                         "```\nx = 1\n\ny = 2\n```", "end"]


def test_a_cell_split_again_gets_ids_no_other_cell_has():
    """A cell cut before (its pieces hold ids "a-2", ...) that grows and is cut again."""
    long_text = "\n\n".join(["word " * 50] * 4)                   # 200 words, 4 paragraphs
    nb = deck(new_markdown_cell("# Title"), new_markdown_cell(long_text),
              new_markdown_cell("word " * 30))
    nb.cells[0]["id"], nb.cells[1]["id"], nb.cells[2]["id"] = "t", "a", "a-2"
    slides.apply(nb, split=True)
    ids = [cell["id"] for cell in nb.cells if "id" in cell]
    assert len(nb.cells) > 3 and len(ids) == len(set(ids)) == len(nb.cells)


def test_speaker_notes_are_manual_markdown_notes_cells_after_a_section_heading():
    """TEACHING.md's per-section prompts are speaker notes: markdown cells of slide type "notes",
    kept by the rules ("manual"), opening "**Speaker notes.**" so a reader of the notebook sees
    what they are, each right after the heading cell of its section. Every notes cell is one."""
    total = 0
    for path in NOTEBOOKS:
        cells = nbformat.read(path, as_version=4).cells
        for index, cell in enumerate(cells):
            is_notes = cell.metadata.get("slideshow", {}).get("slide_type") == "notes"
            says_notes = cell.source.startswith("**Speaker notes.**")
            assert is_notes == says_notes, f"{path.name} cell {cell.get('id')}"
            if is_notes:
                total += 1
                assert cell.cell_type == "markdown", f"{path.name} cell {cell.get('id')}"
                assert cell.metadata["slideshow"] == {"slide_type": "notes", "manual": True}
                assert slides.is_manual(cell)
                assert cells[index - 1].cell_type == "markdown" \
                    and cells[index - 1].source.startswith("##"), f"{path.name} {cell.get('id')}"
    assert total >= len(NOTEBOOKS), "TEACHING.md's prompts: expected notes in every notebook"


def test_the_deck_gives_a_figure_and_its_printed_lines_a_subslide_each():
    import slide_decks
    out = nbformat.v4.new_output
    figure = new_code_cell("plot()\nprint(x)", outputs=[
        out("display_data", data={"image/png": "iVBO", "text/plain": "<Figure>"}),
        out("stream", name="stdout", text="x = 1\n")])
    long_code = new_code_cell("\n".join(f"a{i} = {i}" for i in range(15)) + "\nprint(a1)",
                              outputs=[out("stream", name="stdout", text="1\n" * 10)])
    short = new_code_cell("print(1)", outputs=[out("stream", name="stdout", text="1\n")])
    nb = deck(new_markdown_cell("## S"), figure, long_code, short)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    slides.apply(nb)
    assert slide_decks.split_figures(nb) == 2
    assert [(c.id, c.metadata["slideshow"]["slide_type"], [o.output_type for o in c.outputs])
            for c in nb.cells[1:]] == [
        ("c1", "subslide", ["display_data"]), ("c1-part1", "subslide", ["stream"]),
        ("c2", "subslide", []), ("c2-part1", "subslide", ["stream"]),
        ("c3", "subslide", ["stream"])]
    # the parts after the first show their output only
    assert all(slides.HIDE_INPUT in c.metadata["tags"] for c in nb.cells if "-part" in c.id)
    nbformat.validate(nb)


def test_a_prediction_is_revealed_on_the_next_sub_slide_with_its_reason():
    import slide_decks
    from rnnlib.exercises import PREDICTIONS
    predict = new_code_cell('my_factors = None\nprint(check_prediction("error_factors", my_factors, '
                            '(10, 100)))')
    nb = deck(new_markdown_cell("## Predict"), predict, new_code_cell("print(2)"))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    assert slide_decks.reveal_predictions(nb, {"error_factors": "(10, 100)"}) == 1
    reveal = nb.cells[2]
    assert reveal.cell_type == "markdown" and reveal.metadata["slideshow"]["slide_type"] == "subslide"
    assert "`(10, 100)`" in reveal.source and PREDICTIONS["error_factors"] in reveal.source
    nbformat.validate(nb)
    # a prediction cell that split_figures cut into parts: one answer, after the last part
    nb = deck(new_markdown_cell("## Predict"), predict, copy.deepcopy(predict),
              new_code_cell("print(2)"))
    for cell, name in zip(nb.cells, ["c0", "c1", "c1-part1", "c2"]):
        cell["id"] = name
    assert slide_decks.reveal_predictions(nb, {"error_factors": "(10, 100)"}) == 1
    assert [c.id for c in nb.cells[1:4]] == ["c1", "c1-part1", "answer-0"]
