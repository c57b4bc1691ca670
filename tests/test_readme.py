"""The README, a start page, and docs/, the details, say what the repository holds: the notebook
tables match the notebooks (order, links, titles, the number of checked exercises), every link
leads to a file, every `make` command names a target of the Makefile, the Binder badge and text
agree with the one place the repository's address is set, and the sentences that quote measured
behaviour say what the claims tests measure. Everything is read from the files; nothing is
hard-coded, so adding a notebook, an exercise or a document fails here until the README says
so."""
import json
import re
import shlex
import tomllib
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()
DOCS = {p.name: p.read_text() for p in sorted((REPO / "docs").glob("*.md"))}
ROW = re.compile(r"^\| (\d\d) \| \[([^\]]+)\]\((?:\.\./)?(notebooks/[^)]+\.ipynb)\) \| (.*)$", re.M)
CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")


def notebook_table(text=README, heading="## The notebooks"):
    """Rows of the table under `heading`: number, title, link, and the named columns."""
    section = text.split(heading, 1)[1].split("\n## ", 1)[0]
    header = next(line for line in section.splitlines() if line.startswith("| |"))
    names = [c.strip() for c in header.strip("|").split("|")][2:]     # after number, notebook
    rows = []
    for number, title, link, rest in ROW.findall(section):
        cells = [c.strip() for c in rest.rstrip("|").split(" | ")]
        assert len(cells) == len(names), f"row {number} has {len(cells)} columns after the link"
        rows.append({"number": number, "title": title, "link": link, **dict(zip(names, cells))})
    return rows


def notebook_facts(path):
    """(title from the first Markdown heading without its 'NN · ', checked exercises)."""
    cells = json.loads(path.read_text())["cells"]
    heading = next("".join(c["source"]).strip().splitlines()[0] for c in cells
                   if c["cell_type"] == "markdown")
    title = re.sub(r"^#\s*\d\d\s*·\s*", "", heading)
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return title, len(set(CHECK_CALL.findall(code)))


def test_the_table_lists_every_notebook_in_order_with_working_links():
    notebooks = sorted(p.relative_to(REPO).as_posix() for p in (REPO / "notebooks").glob("*.ipynb"))
    rows = notebook_table()
    assert [r["link"] for r in rows] == notebooks
    for row in rows:
        assert Path(row["link"]).name.startswith(row["number"] + "_"), row


def test_docs_notebooks_lists_the_same_notebooks_in_order():
    rows = notebook_table(DOCS["notebooks.md"], "## What each notebook does")
    assert [(r["number"], r["title"], r["link"]) for r in rows] == \
        [(r["number"], r["title"], r["link"]) for r in notebook_table()]


def test_the_table_titles_are_the_notebooks_titles():
    for row in notebook_table():
        title, _ = notebook_facts(REPO / row["link"])
        # the README may shorten "Start here: backpropagation ..." to its part before the colon
        assert row["title"] in (title, title.split(":")[0]), \
            f"{row['link']}: README says {row['title']!r}, the notebook {title!r}"


def test_the_table_counts_the_checked_exercises():
    for row in notebook_table():
        _, exercises = notebook_facts(REPO / row["link"])
        assert row["checked exercises"] == str(exercises), \
            (f"{row['link']} has {exercises} exercises checked with check(\"...\"); the README "
             f"says {row['checked exercises']}")


def repository():
    url = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
    found = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+)", url)
    assert found, f"[project.urls] Repository must be https://github.com/OWNER/NAME, not {url}"
    return url, found.group(1), found.group(2)


def test_binder_badge_and_its_text_name_the_repository_set_in_pyproject():
    url, owner, name = repository()
    badges = re.findall(r"https://mybinder\.org/v2/gh/([\w.-]+)/([\w.-]+)/", README)
    assert badges and set(badges) == {(owner, name)}, \
        f"the Binder badge points to {badges}, pyproject.toml's Repository to {owner}/{name}"
    binder_section = DOCS["running.md"].split("## Binder", 1)[1].split("\n## ", 1)[0]
    assert f'Repository = "{url}"' in binder_section, \
        "docs/running.md's Binder section must quote pyproject.toml's Repository line"


def test_sentences_that_quote_measured_behaviour():
    """What the docs and TEACHING.md say, as the notebooks' claims tests measure it: the loss
    functions sum and the trainer averages (test_claims_nb02); the input amplitude matters at
    bias 0 only between 0 and the rest (test_claims_nb03); of the gates at t = 1 only unit 0's
    feeds ∂b_h[0] (test_claims_nb03); ReLU'(0) = 0 is what torch.relu and jax.nn.relu give."""
    reference = " ".join(DOCS["rnnlib.md"].split())
    explorers = " ".join(DOCS["explorers.md"].split())
    teaching = " ".join((REPO / "TEACHING.md").read_text().split())
    assert ("summed over time steps and batch examples by the loss functions; the trainer "
            "(`rnnlib.train`) uses the batch mean") in reference
    assert "nothing is averaged" not in reference
    assert ("At bias 0 every input amplitude above 0 gives the same gates (at amplitude 0 every "
            "unit is off)") in explorers
    assert "of the gates at $t = 1$, only unit 0's feeds $\\partial b_h[0]$" in teaching
    for text in (reference, teaching):
        assert "PyTorch and JAX" not in text and "`torch.relu` and `jax.nn.relu`" in text


def test_the_experiments_page_quotes_the_stored_language_model():
    """docs/experiments.md's table and sentences of the char-lm run, and docs/benchmarks.md's
    throughput, are the stored run's."""
    result = json.loads((REPO / "experiments" / "results" / "char_lm.json").read_text())
    page = " ".join(DOCS["experiments.md"].split())
    rows = [*result["baselines"].items(), ("ReLU RNN, 4,000 steps", result["final"])]
    for name, b in rows:
        nats = b.get("nats", b.get("val_nats"))
        assert f"| {name} | {nats:.3f} | {nats / np.log(2):.3f} |" in page, name
    curve = ", ".join(f"{v:.3f}" for v in result["curve"]["val_nats"][:-1])
    assert f"{curve} and {result['curve']['val_nats'][-1]:.3f} nats per character" in page
    speed = result["throughput"]
    assert (f"medians of {speed['rounds']} rounds, {speed['rnnlib.train']:,} against "
            f"{speed['min-char-rnn']:,} characters per second, {speed['speed-up']} times") in page
    assert (f"medians of {speed['rounds']} rounds: {speed['rnnlib.train']:,} against "
            f"{speed['min-char-rnn']:,} characters per second, {speed['speed-up']} times") in \
        " ".join(DOCS["benchmarks.md"].split())
    words = [f"{100 * result['known_word_fraction'][t]:.0f} %" for t in ("0.5", "1.0", "1.5")]
    assert f"{words[0]}, {words[1]} and {words[2]} of their words" in page
    assert f"({result['seconds']} s in all, {result['training_seconds']} s of it training" in page


def documents():
    """{path relative to the repository: text} of the README, TEACHING.md and docs/."""
    found = {"README.md": README, "TEACHING.md": (REPO / "TEACHING.md").read_text()}
    found.update({f"docs/{name}": text for name, text in DOCS.items()})
    return found


def anchor(heading):
    """GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_to_a_heading_finds_it():
    """Links to a heading of a Markdown file (`running.md#binder`); that the file exists is
    tests/test_standalone.py's check."""
    for where, text in documents().items():
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            path, _, fragment = target.partition("#")
            if not fragment or re.match(r"https?://", target):
                continue
            file = (REPO / where).parent / path if path else REPO / where
            if file.suffix == ".md":
                headings = re.findall(r"^#+ (.+)$", file.read_text(), re.M)
                assert fragment in map(anchor, headings), f"{where}: no heading #{fragment} in {path}"


def make_targets():
    makefile = (REPO / "Makefile").read_text()
    return set(re.findall(r"^([\w-]+):", makefile, re.M)), makefile


def test_every_make_command_names_a_target_and_its_variables():
    targets, makefile = make_targets()
    for where, text in documents().items():
        for command in re.findall(r"`((?:[A-Z_]+=\S+ )*make(?: [^`]*)?)`", text):
            words = shlex.split(command)
            at = words.index("make")
            for word in words[at + 1:]:            # (what comes before make is the environment)
                if "=" in word:
                    variable = word.split("=")[0]
                    assert re.search(rf"^{variable} \?=|\$\({variable}\)", makefile, re.M), \
                        f"{where}: `{command}` sets {variable}, which the Makefile does not read"
                else:
                    assert word in targets, f"{where}: `{command}`: the Makefile has no target {word}"


def test_the_readme_is_a_start_page_that_leads_to_every_document():
    words = len(README.split())
    assert words < 1000, f"the README has {words} words; details belong in docs/"
    for name in DOCS:
        assert f"(docs/{name})" in README, f"the README does not lead to docs/{name}"


def test_the_library_reference_example_runs(capsys):
    """docs/rnnlib.md's first example calls the library as it is: it runs, and the gradient check
    it prints passes."""
    [code] = re.findall(r"```python\n(.*?)```", DOCS["rnnlib.md"], re.S)[:1]
    exec(compile(code, "docs/rnnlib.md", "exec"), {})
    printed = capsys.readouterr().out
    assert printed.strip() and "False" not in printed, printed
