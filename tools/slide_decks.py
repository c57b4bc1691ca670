"""Build static reveal.js slide decks from the notebooks, that open without network.

    python tools/slide_decks.py slides notebooks/*.ipynb      # what `make slides` runs

`jupyter nbconvert --to slides` writes HTML that loads reveal.js, require.js, jQuery, MathJax
and mermaid.js from public CDNs; in a classroom without network such a deck shows no slides
and raw LaTeX. So this script
  1. fetches each library once, by package name and exact version, from the npm registry
     (`npm pack`, which needs only `npm`) into OUT/_assets/NAME;
  2. copies the notebooks to a temporary folder and sets their slide metadata there
     (tools/slides.py, with --split), so the notebooks themselves are never touched; in the
     copies (for_deck) links to a notebook point to its deck, the pause marker ⏸ (a glyph
     the deck's fonts lack) becomes a drawn one, an explorer's folded static picture is
     shown unfolded, and a text output over MAX_OUTPUT_LINES lines is cut there; then
     (split_figures) a figure's printed lines, and the print-out of code that would
     overfill a page, move to a sub-slide of their own, so every figure is drawn at the
     full height of a slide and no slide overflows; and (reveal_predictions) after each
     prediction cell (`check_prediction`), whose stored output only waits for a student and
     is skipped, a sub-slide reveals the computed answer and its reason: the answers are
     computed by running a copy of the notebook as tools/answer_key.py does;
  3. runs nbconvert with every CDN URL pointed at OUT/_assets by a relative URL, and with
     tools/slides_offline.html.j2, which drops the mermaid.js import (nbconvert 7.17 has no
     option for its URL; no notebook here has a diagram) and the widget renderer (our
     notebooks are stored without widget state; the explorers need a live kernel anyway).
     A cell tagged `slide-hide-input` (tools/slides.py sets it on figures) shows its output
     only.

Versions: the ones nbconvert 7's slide template was written for: reveal.js 4.0.2 (its default
URL), require.js 2.1.10 and MathJax 2.7.7 (nbconvert's defaults); jQuery 2.1.0, the npm
release closest to nbconvert's 2.0.3 (only the template's optional scrolling uses it).
"""
import argparse
import copy
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import slides  # noqa: E402  (tools/slides.py: the slide metadata rules)

PACKAGES = {              # npm package -> (version, a file that must be in it)
    "reveal.js": ("4.0.2", "dist/reveal.js"),
    "requirejs": ("2.1.10", "require.js"),
    "jquery": ("2.1.0", "dist/jquery.min.js"),
    "mathjax": ("2.7.7", "MathJax.js"),
}
TEMPLATE = Path(__file__).resolve().with_name("slides_offline.html.j2")
MAX_OUTPUT_LINES = 12     # lines of printed text a slide shows under its code
NOTEBOOK_LINK = re.compile(r"\]\((0\d_[\w-]+)\.ipynb(#[^)]*)?\)")
WRAP_CHARS = 90          # characters of code or printed text a slide's line holds before wrapping
PAUSE = '<span class="pause-mark" role="img" aria-label="pause"></span>'


def for_deck(nb):
    """Change a copy of a notebook (in place) for its static deck: the notebooks' links to
    each other lead to the decks (both live in one folder), ⏸ is drawn by CSS (the deck's
    fonts have no such glyph), a folded `<details>` output opens (an explorer's static
    picture: a deck has no kernel to run the explorer), an output that waits for a student
    ("not attempted yet" beside a figure) is dropped, and a printed output longer than
    MAX_OUTPUT_LINES is cut, saying how many lines the notebook has."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = NOTEBOOK_LINK.sub(r"](\1.slides.html)", cell.source)
            cell.source = cell.source.replace("⏸", PAUSE)
        if cell.cell_type == "code":
            cell["outputs"] = [out for out in cell["outputs"]
                               if not slides.UNATTEMPTED.search("".join(out.get("text", "")) + "".join(
                                   out.get("data", {}).get("text/plain", "")))]
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html")
            if html is not None:
                out["data"]["text/html"] = re.sub(r"<details(?![^>]*\bopen\b)", "<details open",
                                                  "".join(html))
            if out.get("output_type") == "stream":
                lines = "".join(out["text"]).splitlines()
                if len(lines) > MAX_OUTPUT_LINES:
                    out["text"] = "\n".join(lines[:MAX_OUTPUT_LINES - 1] + [
                        f"… ({len(lines) - MAX_OUTPUT_LINES + 1} more lines in the notebook)"]) + "\n"
    return nb


def reveal_predictions(nb, truths):
    """After each cell of `nb` that checks a prediction, a sub-slide with the computed answer
    and its reason (rnnlib.exercises.PREDICTIONS), revealed when the lecturer moves on.
    truths: {prediction name: the answer as shown}, from answer_key.run_predictions.
    Returns how many sub-slides were added."""
    import answer_key
    from rnnlib.exercises import PREDICTIONS
    cells, added, pending = [], 0, []

    def flush():
        nonlocal added
        for name in pending:
            why = PREDICTIONS.get(name, "")
            reveal = nbformat.v4.new_markdown_cell(
                f"**The answer** (prediction *{name}*): `{truths[name]}`"
                + (f"\n\n{why}" if why else ""))
            reveal.metadata["slideshow"] = {"slide_type": "subslide"}
            reveal["id"] = f"answer-{added}"
            cells.append(reveal)
            added += 1
        pending.clear()

    for cell in nb.cells:
        # the parts split_figures made of one cell (id "<id>-partN") share its source: the
        # answer comes once, after the last part, when all its results have been shown
        if "-part" not in str(cell.get("id", "")):
            flush()
        cells.append(cell)
        tree = answer_key.parsed(cell.source) if cell.cell_type == "code" else None
        if "-part" not in str(cell.get("id", "")):
            pending += [name for name, _, _ in
                        (answer_key.prediction_calls(tree) if tree is not None else [])
                        if name in truths]
    flush()
    nb.cells = cells
    return added


def is_picture(out):
    """An output a slide draws as a picture: an image, or HTML (an explorer's static picture)."""
    return any(k.startswith("image/") or k == "text/html" for k in out.get("data", {}))


def printed(outputs):
    """The text of a cell's printed outputs (streams and plain-text results)."""
    return "".join("".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", ""))
                   for out in outputs)


def shown_lines(text):
    """Lines `text` takes on a slide, a line over WRAP_CHARS characters wrapping."""
    return sum(max(1, -(-len(line) // WRAP_CHARS)) for line in text.splitlines())


def split_figures(nb):
    """Give each figure of a copy of a notebook a sub-slide of its own (in place); return the
    number of cells added. A shown code cell whose outputs hold a figure and anything else
    (printed lines, a second figure) is cut into one cell per figure and one per run of other
    outputs, in the notebook's order: the first keeps the cell's slide type and input, each
    further part is a sub-slide with its input hidden. So a figure is drawn at the full
    height of a slide (its smallest text readable from the back of a room) and its print-out
    follows on the next key press, instead of both squeezed onto one overflowing slide.
    Likewise a shown code cell whose code and print-out, wrapped at WRAP_CHARS, would fill
    more than a page (slides.PAGE_LINES) shows its print-out on the next sub-slide."""
    cells, added = [], 0
    for cell in nb.cells:
        kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        outputs = cell.get("outputs", [])
        if cell.cell_type != "code" or kind in ("skip", "notes") or not outputs:
            cells.append(cell)
            continue
        if any(map(is_picture, outputs)):
            groups = []
            for out in outputs:
                if is_picture(out) or not groups or is_picture(groups[-1][-1]):
                    groups.append([out])
                else:
                    groups[-1].append(out)
        elif slides.HIDE_INPUT not in cell.metadata.get("tags", []) \
                and shown_lines(cell.source) + shown_lines(printed(outputs)) + 1 > slides.PAGE_LINES:
            groups = [[], outputs]            # code, then its print-out on the next sub-slide
        else:
            groups = [outputs]
        for n, group in enumerate(groups):
            part = cell if n == 0 else copy.deepcopy(cell)
            part["outputs"] = group
            if n:
                part["id"] = f"{cell.get('id', 'cell')}-part{n}"
                part.metadata["slideshow"] = {"slide_type": "subslide"}
                part.metadata["tags"] = [t for t in part.metadata.get("tags", [])
                                         if t != slides.HIDE_INPUT] + [slides.HIDE_INPUT]
                added += 1
            cells.append(part)
    nb.cells = cells
    return added


def nbconvert_options(assets="_assets"):
    """The nbconvert options that replace every CDN URL by one under `assets` (relative)."""
    return [f"--SlidesExporter.reveal_url_prefix={assets}/reveal.js",
            f"--SlidesExporter.require_js_url={assets}/requirejs/require.js",
            f"--SlidesExporter.jquery_url={assets}/jquery/dist/jquery.min.js",
            f"--SlidesExporter.mathjax_url={assets}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
            # nbconvert's default theme, "simple", imports Google fonts; "white" has its font
            # in the package (and the most contrast on a projector)
            "--SlidesExporter.reveal_theme=white",
            # figures without their plotting code (tools/slides.py tags them)
            "--TagRemovePreprocessor.enabled=True",
            "--TagRemovePreprocessor.remove_input_tags=slide-hide-input",
            f"--template-file={TEMPLATE}"]


def unpack(tar, folder):
    """Extract tar into folder with tarfile's "data" filter (nothing outside folder, no links
    or devices). Pythons before 3.11.4 (Debian 12's 3.11.2) have no filters: there the same
    refusal is checked by hand."""
    if hasattr(tarfile, "data_filter"):
        tar.extractall(folder, filter="data")
        return
    root = Path(folder).resolve()
    for member in tar.getmembers():
        if not (member.isfile() or member.isdir()) \
                or not (root / member.name).resolve().is_relative_to(root):
            raise ValueError(f"refusing to unpack {member.name!r}: a link, a device, or a path "
                             "outside the folder")
    tar.extractall(folder)


def fetch(name, version, dest):
    """npm pack NAME@VERSION and unpack its `package/` folder to DEST/NAME."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", "--silent", f"{name}@{version}"], cwd=tmp, check=True,
                       stdout=subprocess.DEVNULL, timeout=300)
        (archive,) = Path(tmp).glob("*.tgz")
        with tarfile.open(archive) as tar:
            unpack(tar, tmp)
        target = dest / name
        shutil.rmtree(target, ignore_errors=True)
        shutil.move(Path(tmp) / "package", target)


def fetch_assets(dest):
    """Fetch every package of PACKAGES into DEST unless the right version is already there."""
    dest.mkdir(parents=True, exist_ok=True)
    for name, (version, probe) in PACKAGES.items():
        stamp = dest / name / ".version"
        if stamp.is_file() and stamp.read_text() == version and (dest / name / probe).is_file():
            continue
        if shutil.which("npm") is None:
            raise RuntimeError("`npm` is needed to fetch reveal.js and MathJax by package name "
                               "(Debian/Ubuntu: apt-get install npm)")
        print(f"fetching {name}@{version}")
        fetch(name, version, dest)
        if not (dest / name / probe).is_file():
            raise RuntimeError(f"{name}@{version} has no {probe}")
        stamp.write_text(version)


def build(out, notebooks, timeout=600):
    """Write OUT/<name>.slides.html for each notebook, with assets in OUT/_assets."""
    out.mkdir(parents=True, exist_ok=True)
    fetch_assets(out / "_assets")
    with tempfile.TemporaryDirectory() as tmp:
        copies = []
        import answer_key
        for path in notebooks:
            nb = nbformat.read(path, as_version=4)
            slides.apply(nb, split=True)
            for_deck(nb)
            split_figures(nb)
            reveal_predictions(nb, answer_key.run_predictions(path))
            copies.append(Path(tmp) / Path(path).name)
            nbformat.write(nb, copies[-1])
        subprocess.run([sys.executable, "-m", "nbconvert", "--to", "slides",
                        f"--output-dir={out}", *nbconvert_options(), *map(str, copies)],
                       check=True, timeout=timeout)
    return [out / (Path(p).stem + ".slides.html") for p in notebooks]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder for the decks (and _assets/)")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    try:
        decks = build(args.out, args.notebooks)
    except RuntimeError as error:
        sys.exit(f"slide_decks: {error}")
    print(f"{len(decks)} decks in {args.out}/, offline; open one in a browser "
          "(arrows move, S opens the speaker notes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
