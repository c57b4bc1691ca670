"""Estimate how long each notebook takes a student, from what it contains.

    python tools/reading_time.py notebooks/*.ipynb                 # print the table
    python tools/reading_time.py --write TEACHING.md notebooks/*.ipynb
    python tools/reading_time.py --check TEACHING.md notebooks/*.ipynb   # exit 1 if stale

An estimate, not a measurement; its assumptions (printed with the table):
  - prose, LaTeX included, is read at WORDS_PER_MINUTE = 130 words a minute: technical text with
    equations, read to be understood (general prose is read at 200-250);
  - each code cell costs MIN_PER_CODE_CELL = 0.5 min: read the code, run it, glance at the result;
  - each printed output line costs SEC_PER_OUTPUT_LINE = 3 s, each markdown table row
    SEC_PER_TABLE_ROW = 10 s (the cheat sheet's rows are equations with shapes; the words of
    a table are not counted as prose), each figure
    MIN_PER_FIGURE = 1 min (axes, legend, the point it makes);
  - each exercise that is coded and checked (`**N.**` without "(Thinking.)") costs
    MIN_PER_CODED_EXERCISE = 8 min, each thinking question MIN_PER_THINKING = 4 min: a student
    who has followed the notebook; a stuck one takes far longer (TEACHING.md says which ones).
Speaker notes (markdown cells of slide type "notes" that open with "**Speaker notes.**", the
teacher's prompts shown by S in a deck and left out of the hand-out) are not counted.
"Reading" is everything but the exercises; "with exercises" adds them, rounded up to 5 min.
With --write, the table replaces what stands between the two marker lines
`<!-- reading-time:start -->` and `<!-- reading-time:end -->` of the given file.
"""
import argparse
import json
import math
import re
import sys
from pathlib import Path

WORDS_PER_MINUTE = 130
MIN_PER_CODE_CELL = 0.5
SEC_PER_OUTPUT_LINE = 3
SEC_PER_TABLE_ROW = 10
MIN_PER_FIGURE = 1.0
MIN_PER_CODED_EXERCISE = 8.0
MIN_PER_THINKING = 4.0

SPEAKER_NOTES = "**Speaker notes.**"
START, END = "<!-- reading-time:start -->", "<!-- reading-time:end -->"
EXERCISE = re.compile(r"^\*\*\d+\.\*\*(.*)$", re.M)
LINK_TARGET = re.compile(r"\]\([^)]*\)")
TABLE_RULE = re.compile(r"^\|?[\s:|-]+\|?$")


def measure(path):
    """Counts of one notebook: words, code cells, output lines, table rows, figures, exercises."""
    return measure_cells(json.loads(Path(path).read_text())["cells"])


def is_speaker_notes(cell):
    """A teacher's speaker-notes cell: markdown, slide type "notes", opening "**Speaker notes.**"."""
    return (cell["cell_type"] == "markdown"
            and cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes"
            and "".join(cell["source"]).lstrip().startswith(SPEAKER_NOTES))


def measure_cells(cells):
    """measure() of a list of cells (a notebook's, or a section's); speaker notes not counted."""
    counts = dict(words=0, code_cells=0, output_lines=0, table_rows=0, figures=0,
                  coded=0, thinking=0)
    for cell in cells:
        if is_speaker_notes(cell):
            continue
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            lines = [ln.strip() for ln in LINK_TARGET.sub("]", source).splitlines()]
            table = [ln.startswith("|") for ln in lines]       # timed per row, not per word
            counts["words"] += sum(len(ln.split()) for ln, t in zip(lines, table) if not t)
            counts["table_rows"] += sum(t and not TABLE_RULE.match(ln) for ln, t in zip(lines, table))
            for rest in EXERCISE.findall(source):
                counts["thinking" if "(Thinking.)" in rest else "coded"] += 1
        elif cell["cell_type"] == "code":
            counts["code_cells"] += 1
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                if any(k.startswith("image/") for k in data):
                    counts["figures"] += 1
                else:
                    counts["output_lines"] += len("".join(
                        out.get("text", data.get("text/plain", ""))).splitlines())
    return counts


def section_minutes(path):
    """{section: reading minutes} of one notebook, by the rates of minutes(): a section is a
    `##` or `###` heading's text (without the hashes) and the cells up to the next such
    heading; "opening" is what comes before the first. The exercises are not counted."""
    cells = json.loads(Path(path).read_text())["cells"]
    sections = {"opening": []}
    current = sections["opening"]
    for cell in cells:
        found = (re.search(r"^#{2,3}\s+(.+)$", "".join(cell["source"]), re.M)
                 if cell["cell_type"] == "markdown" else None)
        if found:
            current = sections.setdefault(found.group(1).strip(), [])
        current.append(cell)
    return {title: minutes(measure_cells(part))[0] for title, part in sections.items()}


def minutes(c):
    """(reading, exercises) in minutes for the counts `c` of measure(), by the stated rates."""
    reading = (c["words"] / WORDS_PER_MINUTE + c["code_cells"] * MIN_PER_CODE_CELL
               + (c["output_lines"] * SEC_PER_OUTPUT_LINE + c["table_rows"] * SEC_PER_TABLE_ROW) / 60
               + c["figures"] * MIN_PER_FIGURE)
    exercises = c["coded"] * MIN_PER_CODED_EXERCISE + c["thinking"] * MIN_PER_THINKING
    return reading, exercises


def table(paths):
    """The markdown table of every notebook, with its counts and both estimates."""
    rows = ["| notebook | words | code cells | output lines | table rows | figures "
            "| exercises (coded + thinking) | reading | with exercises |",
            "|---|---|---|---|---|---|---|---|---|"]
    for path in sorted(paths, key=lambda p: Path(p).name):
        c = measure(path)
        reading, exercises = minutes(c)
        rows.append(f"| {Path(path).stem} | {c['words']:,} | {c['code_cells']} "
                    f"| {c['output_lines']} | {c['table_rows']} | {c['figures']} "
                    f"| {c['coded']} + {c['thinking']} | {round(reading)} min "
                    f"| {5 * math.ceil((reading + exercises) / 5)} min |")
    return "\n".join(rows)


def assumptions():
    return (f"Assumptions: {WORDS_PER_MINUTE} words/min of technical prose; "
            f"{MIN_PER_CODE_CELL} min per code cell; {SEC_PER_OUTPUT_LINE} s per printed line; "
            f"{SEC_PER_TABLE_ROW} s per table row; {MIN_PER_FIGURE:g} min per figure; "
            f"{MIN_PER_CODED_EXERCISE:g} min per coded exercise, {MIN_PER_THINKING:g} per "
            "thinking question (tools/reading_time.py).")


def block(paths):
    return f"{START}\n{table(paths)}\n\n{assumptions()}\n{END}"


def replace_block(text, new_block):
    """`text` with the part from START to END (markers included) replaced by `new_block`."""
    if text.count(START) != 1 or text.count(END) != 1:
        raise ValueError(f"the file must hold the markers {START} and {END} once each")
    head, rest = text.split(START)
    return head + new_block + rest.split(END, 1)[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", type=Path, metavar="FILE", help="update the table in FILE")
    group.add_argument("--check", type=Path, metavar="FILE", help="exit 1 if FILE's table is stale")
    args = parser.parse_args(argv)
    new = block(args.notebooks)
    print(new)
    target = args.write or args.check
    if target is None:
        return 0
    text = target.read_text()
    updated = replace_block(text, new)
    if args.write:
        target.write_text(updated)
    elif updated != text:
        print(f"{target}: the reading-time table is stale; run "
              f"python tools/reading_time.py --write {target} notebooks/*.ipynb", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
