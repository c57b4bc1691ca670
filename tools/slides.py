"""Set slide metadata on every cell of the notebooks, by fixed rules, so each presents as a deck.

    python tools/slides.py notebooks/*.ipynb          # rewrite in place, print what changed
    python tools/slides.py --check notebooks/*.ipynb  # change nothing; exit 1 if a run would

The same metadata drives the live slideshow (JupyterLab RISE) and the static decks
(`jupyter nbconvert --to slides`, `make slides`). Rules, first match wins, for each cell:

  0. Manual override: a cell whose `metadata.slideshow.manual` is true, or that carries the tag
     `slide-manual`, is left exactly as it is (set its `slide_type` by hand).
  1. Navigation only: a markdown cell holding nothing but prev/next links to other notebooks,
     arrows, separators (`---`) and "Index"                            -> skip
  2. The first cell (the title)                                        -> slide
  3. A markdown cell that opens with a `##` heading                    -> slide
     ... with a `###` (or deeper) heading                              -> subslide
  4. A markdown cell that opens an exercise (`**2.** ...`)            -> subslide
  5. A markdown cell that opens with `<details>` (a folded full table
     or long derivation), or that carries the tag `slide-notes`         -> notes
  6. A markdown cell that would bring the markdown on the current page (slide or sub-slide)
     over LONG_WORDS words                                             -> subslide
     (that much text fills a projected page)
  7. The setup code cell (first line `%matplotlib ...`)               -> skip
  8. A code cell whose stored output is written for a student at a keyboard and says nothing
     on a projector: a prediction or exercise not attempted ("not attempted yet", "Write
     your prediction ... first") or a widget without a kernel ("Run this cell ..."), unless
     it also draws a figure (rule 9; the deck drops the waiting line)  -> skip
     (a static deck cannot reveal a prediction's answer: it is computed only once the
     student has predicted; the lecturer asks, the class predicts, the notebook answers)
  9. A code cell whose stored outputs hold a figure (an image, or HTML such as an
     explorer's static picture)                  -> subslide, tagged `slide-hide-input`:
     the deck shows the figure, not the plotting code. The cell after it starts a new
     sub-slide (rule 11), so a figure has a slide of its own.
 10. A code cell that is long (over LONG_CODE_LINES lines), or whose stored outputs hold a
     widget or over LONG_OUTPUT_LINES lines of text                    -> subslide
 11. Any cell after a figure (rule 9) that is not skipped, or that would bring the current
     page over PAGE_LINES lines (estimated: markdown at WORDS_PER_LINE words a line plus
     a line between paragraphs; code and its printed output, cut at LONG_OUTPUT_LINES,
     line by line)                                                     -> subslide
 12. Any other code cell: it appears on the current slide on the next key press -> fragment
 13. Any other markdown cell: it continues the current slide          -> "-"

The tag `slide-hide-input` is the only tag these rules set or remove; `make slides` hides the
input of a cell that carries it (nbconvert's TagRemovePreprocessor). Other tags are kept.

Long markdown cells: with --split (what `make slide-metadata` uses), a markdown cell over
LONG_WORDS words is first cut at blank lines (never inside a ``` fence or a $$ block) into
pieces of at most LONG_WORDS words where the paragraphs allow it; rule 6 then puts each piece
after the first on a sub-slide of its own. The text, rendered, is unchanged. A
single paragraph longer than LONG_WORDS stays whole.

The notebook's own metadata gets `"rise": {"theme": "white"}`: RISE's default theme loads its
fonts from the web, "white" has its own, so the live slideshow needs no network.

Deterministic (the metadata depends only on the cells) and idempotent (a second run changes
nothing; `--check` tests that). A code cell's outputs are read, never changed.
"""
import argparse
import re
import sys
from pathlib import Path

import nbformat

LONG_WORDS = 120          # words of markdown that fill one projected page
LONG_CODE_LINES = 15      # lines of code that fill half a page
LONG_OUTPUT_LINES = 12    # lines of printed output that, under the code, fill the rest
PAGE_LINES = 22           # lines of text a 1280x720 slide holds (26 px a line, with margins)
WORDS_PER_LINE = 12       # words of prose in one line of a slide

NAV_LINK = re.compile(r"\[[^\]]*\]\([^)]*\.ipynb\)")
NAV_LEFTOVER = re.compile(r"^[\s←→·|\-–—*_]*(index)?[\s←→·|\-–—*_]*$", re.I)
EXERCISE = re.compile(r"^\*\*\d+\.\*\*")
# what a stored output says when it waits for a student (rule 8)
UNATTEMPTED = re.compile(r"not attempted|Run this cell|Write your prediction")
HIDE_INPUT = "slide-hide-input"


def words(text):
    """Number of words of a markdown text: whitespace-separated tokens, LaTeX included."""
    return len(text.split())


def is_navigation(source):
    """True when a markdown cell holds only links to notebooks, arrows, separators, 'Index'."""
    if not NAV_LINK.search(source):
        return source.strip() in {"---", "***", "___"}
    return all(NAV_LEFTOVER.match(line) for line in NAV_LINK.sub("", source).splitlines())


def output_lines(cell):
    """Lines of text a code cell's stored outputs print, or None if they hold a figure/widget."""
    lines = 0
    for out in cell.get("outputs", []):
        data = out.get("data", {})
        if any(k.startswith("image/") or k.endswith("widget-view+json") or k == "text/html"
               for k in data):
            return None
        text = out.get("text", data.get("text/plain", ""))
        lines += len("".join(text).splitlines())
    return lines


def has_figure(cell):
    """True when a code cell's stored outputs hold an image or HTML (rule 9)."""
    return any(k.startswith("image/") or k == "text/html"
               for out in cell.get("outputs", []) for k in out.get("data", {}))


def waits_for_student(cell):
    """True when a code cell's stored output waits for the student (rule 8)."""
    return any(UNATTEMPTED.search("".join(out.get("text", "")) +
                                  "".join(out.get("data", {}).get("text/plain", "")))
               for out in cell.get("outputs", []))


def page_lines(cell):
    """Estimated lines a cell takes on a slide (rule 11)."""
    if cell.cell_type == "markdown":
        blocks = [b for b in cell.source.split("\n\n") if b.strip()]
        return sum(-(-words(b) // WORDS_PER_LINE) + 1 for b in blocks)
    printed = output_lines(cell) or 0
    return len(cell.source.splitlines()) + min(printed, LONG_OUTPUT_LINES) + 1


def slide_type(cell, index, page_words=0, after_figure=False, lines=0):
    """The slide type of one cell by rules 1-13 of the module docstring.

    page_words: words of markdown already on the current page (slide or sub-slide), for rule 6.
    after_figure: the cell before (not skipped) was a figure, for rule 11.
    lines: estimated lines already on the current page, for rule 11.
    """
    full = lines > 0 and lines + page_lines(cell) > PAGE_LINES
    source = cell.source.strip()
    first = source.splitlines()[0] if source else ""
    tags = cell.metadata.get("tags", [])
    if cell.cell_type == "markdown":
        if is_navigation(source):
            return "skip"
        if index == 0:
            return "slide"
        if first.startswith("## "):
            return "slide"
        if first.startswith("###"):
            return "subslide"
        if EXERCISE.match(first):
            return "subslide"
        if first.startswith("<details") or "slide-notes" in tags:
            return "notes"
        if page_words > 0 and page_words + words(source) > LONG_WORDS or after_figure or full:
            return "subslide"
        return "-"
    if cell.cell_type == "code":
        if index == 0:
            return "slide"
        if first.startswith("%matplotlib") or waits_for_student(cell) and not has_figure(cell):
            return "skip"
        printed = output_lines(cell)
        if len(source.splitlines()) > LONG_CODE_LINES or printed is None \
                or printed > LONG_OUTPUT_LINES or after_figure or full:
            return "subslide"
        return "fragment"
    return "-"                                            # raw cells


def is_manual(cell):
    """Rule 0: the cell's slide type was set by hand and must be kept."""
    show = cell.metadata.get("slideshow", {})
    return bool(show.get("manual")) or "slide-manual" in cell.metadata.get("tags", [])


def split_blocks(source):
    """Cut markdown at blank lines into blocks, never inside a ``` fence or a $$ ... $$ block."""
    blocks, current, in_fence, in_math = [], [], False, False
    for line in source.split("\n"):
        stripped = line.strip()
        if not stripped and not in_fence and not in_math:
            if current:
                blocks.append("\n".join(current))
                current = []
            continue
        current.append(line)
        if stripped.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and stripped.count("$$") % 2 == 1:
            in_math = not in_math
    if current:
        blocks.append("\n".join(current))
    return blocks


def pack(blocks, limit=LONG_WORDS):
    """Greedy: consecutive blocks joined while a piece stays within `limit` words."""
    pieces = []
    for block in blocks:
        if pieces and words(pieces[-1]) + words(block) <= limit:
            pieces[-1] += "\n\n" + block
        else:
            pieces.append(block)
    return pieces


def split_long_markdown(nb):
    """Split each markdown cell over LONG_WORDS words at blank lines; return cells added."""
    cells, added = [], 0
    taken = {cell.get("id") for cell in nb.cells}       # a cell split before keeps its pieces' ids
    for cell in nb.cells:
        if cell.cell_type != "markdown" or is_manual(cell) or words(cell.source) <= LONG_WORDS:
            cells.append(cell)
            continue
        pieces = pack(split_blocks(cell.source))
        cells.append(cell)
        cell.source = pieces[0]
        for k, piece in enumerate(pieces[1:], start=2):
            new = nbformat.v4.new_markdown_cell(piece)
            if "id" in cell:
                n = k
                while f"{cell['id'][:56]}-{n}" in taken:
                    n += 1
                new["id"] = f"{cell['id'][:56]}-{n}"
                taken.add(new["id"])
            else:
                new.pop("id", None)
            cells.append(new)
            added += 1
    nb.cells = cells
    return added


def apply(nb, split=False):
    """Set `metadata.slideshow.slide_type` on every cell of `nb` (in place); return #changed."""
    changed = split_long_markdown(nb) if split else 0
    if nb.metadata.get("rise") != RISE:
        nb.metadata["rise"] = dict(RISE)
        changed += 1
    page_words, after_figure, lines = 0, False, 0
    for index, cell in enumerate(nb.cells):
        if is_manual(cell):
            kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        else:
            kind = slide_type(cell, index, page_words, after_figure, lines)
            if cell.metadata.get("slideshow") != {"slide_type": kind}:
                cell.metadata["slideshow"] = {"slide_type": kind}
                changed += 1
            changed += set_tag(cell, HIDE_INPUT, cell.cell_type == "code" and kind != "skip"
                               and has_figure(cell))
        if kind not in ("skip", "notes"):
            after_figure = cell.cell_type == "code" and has_figure(cell)
        if kind in ("slide", "subslide"):
            page_words, lines = 0, 0
        if kind not in ("skip", "notes"):
            lines += page_lines(cell)
        if cell.cell_type == "markdown" and kind not in ("skip", "notes"):
            page_words += words(cell.source)
    return changed


def set_tag(cell, tag, wanted):
    """Add or remove one tag (the tag list is dropped when it becomes empty); 1 if changed."""
    tags = cell.metadata.get("tags", [])
    if (tag in tags) == wanted:
        return 0
    tags = [t for t in tags if t != tag] + ([tag] if wanted else [])
    if tags:
        cell.metadata["tags"] = tags
    else:
        cell.metadata.pop("tags", None)
    return 1


RISE = {"theme": "white"}  # RISE's default theme, "simple", loads fonts from the web; this one
                           # has its own, so the live slideshow needs no network


def count_slides(nb):
    """Number of top-level slides of a notebook whose metadata is set."""
    return sum(c.metadata.get("slideshow", {}).get("slide_type") == "slide" for c in nb.cells)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--split", action="store_true",
                        help=f"split markdown cells over {LONG_WORDS} words at blank lines")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a run would change a notebook")
    args = parser.parse_args(argv)
    stale = []
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        changed = apply(nb, split=args.split)
        if changed:
            stale.append(path)
            if not args.check:
                nbformat.write(nb, path)
        print(f"{path}: {count_slides(nb)} slides, {len(nb.cells)} cells, "
              f"{changed} {'would change' if args.check else 'changed'}")
    if args.check and stale:
        print(f"slide metadata out of date in {len(stale)} notebook(s): "
              "run `make slide-metadata`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
