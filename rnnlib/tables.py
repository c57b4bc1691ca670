"""Results as HTML tables for the notebooks: captioned, with headers a screen reader can follow,
and colour never the only cue.

``html_table`` is the general helper: rows of cells become a ``<table>`` with a ``<caption>``,
column headers (``<th scope="col">``) and, by default, the first entry of each row as its row
header (``<th scope="row">``). A :class:`Cell` may be shaded, but only to repeat what its text
already says, so a shaded cell must have text; shaded cells set a dark text colour too, so that
they stay readable under a dark theme.

The adding study of notebook 08 (``experiments/adding_problem.py`` writes its results) is built
on it: ``adding_study_tables(results)`` gives its tables, ``adding_study_summary(results)`` the
lines printed beside them. ``results`` is the dict read from
``experiments/results/adding_problem.json``: ``command``, ``seconds``, ``target_mse``,
``settings`` (``main`` and ``long``, each with ``T`` and ``steps``) and ``runs``, one dict per run
with ``T``, ``init``, ``optimizer``, ``clip`` (None: unclipped), ``seed``, ``steps_to_target``
(None: never reached) and ``diverged`` (None, or the message that stopped training).
"""
import html
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass

import numpy as np

# Light green and light orange: black text on them has a contrast of 16:1 (WCAG asks 4.5:1).
SOLVED_ALL, SOLVED_SOME = "#cfe8dc", "#fbe3c4"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_RUN_KEYS = ("T", "init", "optimizer", "clip", "seed", "steps_to_target", "diverged")


@dataclass(frozen=True)
class Cell:
    """One table cell: ``text`` (what it says), ``shade`` (an optional background colour
    "#rrggbb" that repeats what the text says) and ``strong`` (an optional note after the text,
    in bold, e.g. "(2 diverged)")."""
    text: str
    shade: str = ""
    strong: str = ""


def _as_cell(name, value):
    """``value`` (a Cell, str or number) as a Cell; TypeError naming ``name`` otherwise."""
    if isinstance(value, Cell):
        cell = value
    elif isinstance(value, (str, int, float, np.integer, np.floating)) and not isinstance(value, bool):
        cell = Cell(str(value))
    else:
        raise TypeError(f"{name} must be a Cell, a str or a number; got {type(value).__name__}")
    if not isinstance(cell.text, str) or not isinstance(cell.strong, str):
        raise TypeError(f"{name}: the text and strong of a Cell must be str; got "
                        f"{type(cell.text).__name__} and {type(cell.strong).__name__}")
    if cell.shade and not (isinstance(cell.shade, str) and _COLOUR.fullmatch(cell.shade)):
        raise ValueError(f"{name}.shade must be a colour '#rrggbb' or empty; got {cell.shade!r}")
    if cell.shade and not (cell.text.strip() or cell.strong.strip()):
        raise ValueError(f"{name} is shaded but says nothing: colour must never be the only cue, "
                         "so a shaded cell needs text")
    return cell


def _label(text):
    """A header label, escaped; a newline in it becomes a line break."""
    return "<br>".join(html.escape(part) for part in str(text).split("\n"))


def html_table(columns, rows, *, caption, row_headers=True):
    """An accessible HTML table: ``<caption>``, column headers, and row headers.

    columns: sequence of C labels (str; "\\n" breaks a line). rows: sequence of rows, each a
    sequence of C cells (Cell, str or number). caption: what the table shows, and what any shade
    means. row_headers: the first cell of each row is that row's header.
    Returns the table as a str of HTML; every text is escaped.
    """
    if not isinstance(caption, str) or not caption.strip():
        raise ValueError(f"caption must be a non-empty str; got {caption!r}")
    if not isinstance(columns, Collection) or isinstance(columns, str) or not columns \
            or not all(isinstance(c, str) for c in columns):
        raise TypeError(f"columns must be a non-empty sequence of str; got {columns!r}")
    if not isinstance(rows, Iterable) or isinstance(rows, str):
        raise TypeError(f"rows must be a sequence of rows, each a sequence of {len(columns)} "
                        f"cells; got {type(rows).__name__}")
    lines = [f"<table><caption>{html.escape(caption)}</caption>",
             "<thead><tr>" + "".join(f'<th scope="col">{_label(c)}</th>' for c in columns)
             + "</tr></thead>", "<tbody>"]
    for i, row in enumerate(rows):
        if not isinstance(row, Collection) or isinstance(row, str):
            raise TypeError(f"rows[{i}] must be a sequence of {len(columns)} cells, one per "
                            f"column; got {row!r}")
        if len(row) != len(columns):
            raise ValueError(f"rows[{i}] must have {len(columns)} cells, one per column; got "
                             f"{len(row)}")
        html_cells = []
        for j, value in enumerate(row):
            cell = _as_cell(f"rows[{i}][{j}]", value)
            content = html.escape(cell.text) + (
                f" <strong>{html.escape(cell.strong)}</strong>" if cell.strong else "")
            style = f' style="background:{cell.shade};color:#000"' if cell.shade else ""
            tag = ('th scope="row"', "th") if row_headers and j == 0 else ("td", "td")
            html_cells.append(f"<{tag[0]}{style}>{content}</{tag[1]}>")
        lines.append("<tr>" + "".join(html_cells) + "</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def details(summary, content):
    """``content`` (HTML) folded under a one-line ``summary`` (text): a <details> element."""
    if not isinstance(summary, str) or not summary.strip():
        raise ValueError(f"summary must be a non-empty str; got {summary!r}")
    return f"<details><summary>{html.escape(summary)}</summary>\n{content}\n</details>"


# --- notebook 08's adding study ---------------------------------------------------------------

def _check_results(results):
    """Raise unless ``results`` has what the adding-study tables read (module docstring)."""
    if not isinstance(results, dict):
        raise TypeError(f"results must be the dict of adding_problem.json; got "
                        f"{type(results).__name__}")
    missing = [k for k in ("command", "seconds", "target_mse", "settings", "runs")
               if k not in results]
    if missing:
        raise ValueError(f"results lacks {', '.join(missing)}: it must be the dict read from "
                         "experiments/results/adding_problem.json")
    for i, run in enumerate(results["runs"]):
        lacking = [k for k in _RUN_KEYS if k not in run]
        if lacking:
            raise ValueError(f"results['runs'][{i}] lacks {', '.join(lacking)}; a run has "
                             f"{', '.join(_RUN_KEYS)}")


def _target(results):
    """The target as the notebook writes it: "1/60" for an MSE of 1/60."""
    return f"1/{1 / results['target_mse']:.0f}"


def _group_cell(group):
    """A Cell for one setting's runs: "solved/seeds · median steps to the target" (the median
    over the solved seeds), green when every seed solved it, orange when some did, with the
    number of runs that diverged in bold."""
    solved = [r["steps_to_target"] for r in group if r["steps_to_target"]]
    diverged = sum(bool(r["diverged"]) for r in group)
    text = f"{len(solved)}/{len(group)}" + (f" · {np.median(solved):.0f}" if solved else "")
    shade = SOLVED_ALL if len(solved) == len(group) else SOLVED_SOME if solved else ""
    return Cell(text, shade, f"({diverged} diverged)" if diverged else "")


def _clip_label(clip):
    return f"clip {clip}" if clip else "no clip"


def adding_study_tables(results):
    """Notebook 08's tables of the adding study, as one str of HTML.

    The main part (settings "main", T = 100): one row per initialisation of W_hh, one column per
    optimiser and clipping; the long part (settings "long", T = 200): one column per optimiser;
    then every run, seed by seed, folded. A cell says how many seeds reached the target MSE and
    the median steps they took; its shade repeats it (green: every seed, orange: some).
    """
    _check_results(results)
    main, long = results["settings"]["main"], results["settings"]["long"]
    target = _target(results)
    legend = "shaded green: every seed solved, orange: some"
    runs = [r for r in results["runs"] if r["T"] == main["T"]]
    settings = list(dict.fromkeys((r["optimizer"], r["clip"]) for r in runs))
    rows = [[init] + [_group_cell([r for r in runs if (r["init"], r["optimizer"], r["clip"])
                                   == (init, opt, clip)]) for opt, clip in settings]
            for init in dict.fromkeys(r["init"] for r in runs)]
    tables = [html_table(["W_hh"] + [f"{opt}\n{_clip_label(clip)}" for opt, clip in settings],
                         rows, caption=f"T = {main['T']}, at most {main['steps']} steps: seeds "
                         f"solved · median steps to {target} ({legend})")]
    long_runs = [r for r in results["runs"] if r["T"] == long["T"]]
    optimizers = list(dict.fromkeys(r["optimizer"] for r in long_runs))
    clips = ", ".join(f"clipped at {c:g}" if c else "no clip"
                      for c in dict.fromkeys(r["clip"] for r in long_runs))
    rows = [[init] + [_group_cell([r for r in long_runs if (r["init"], r["optimizer"])
                                   == (init, opt)]) for opt in optimizers]
            for init in dict.fromkeys(r["init"] for r in long_runs)]
    tables.append(html_table(["W_hh"] + optimizers, rows,
                             caption=f"T = {long['T']}, {clips}, at most {long['steps']} steps: "
                             f"seeds solved · median steps to {target} ({legend})"))
    every_run = [[r["T"], r["init"], r["optimizer"], str(r["clip"]), r["seed"],
                  r["steps_to_target"] or "-", r["diverged"] or ""] for r in results["runs"]]
    tables.append(details("Every run, seed by seed", html_table(
        ["T", "W_hh", "optimiser", "clip", "seed", f"steps to {target}", "diverged"], every_run,
        caption="Every run of the adding study", row_headers=False)))
    return "\n".join(tables)


def adding_study_summary(results):
    """The lines printed beside the tables, as one str: the command and its duration, the range
    of the median steps of Adam clipped at 1 over the initialisations where it solves some seed
    (main part), and one line per run that diverged, with the step where it stopped."""
    _check_results(results)
    runs = [r for r in results["runs"] if r["T"] == results["settings"]["main"]["T"]]
    lines = [f"command: {results['command']}  ({results['seconds'] / 60:.0f} min on this machine)"]
    medians = [np.median(solved) for init in dict.fromkeys(r["init"] for r in runs)
               for solved in [[r["steps_to_target"] for r in runs if r["steps_to_target"] and
                               (r["init"], r["optimizer"], r["clip"]) == (init, "adam", 1.0)]]
               if solved]
    if medians:
        lines.append(f"Adam, clipped: median steps to {_target(results)} from {min(medians):.0f} "
                     f"to {max(medians):.0f} over the starts where it solves some seed")
    for r in results["runs"]:
        if r["diverged"]:
            stopped = re.search(r"step (\d+): ([^:]+)", r["diverged"])
            what = (f"{stopped.group(2).strip()} at step {stopped.group(1)}" if stopped
                    else r["diverged"])
            lines.append(f"diverged: T = {r['T']}, {r['init']}, {r['optimizer']}, clip "
                         f"{r['clip']}, seed {r['seed']}: {what}")
    return "\n".join(lines)
