"""The README says what the repository holds: its notebook table matches the notebooks (order,
links, titles, the number of checked exercises), and its Binder badge and text agree with the
one place the repository's address is set. Everything is read from the files; nothing is
hard-coded, so adding a notebook or an exercise fails here until the README says so."""
import json
import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()
ROW = re.compile(r"^\| (\d\d) \| \[([^\]]+)\]\((notebooks/[^)]+\.ipynb)\) \| (.*)$", re.M)
CHECK_CALL = re.compile(r"""\bcheck\(\s*["']([^"']+)["']""")


def notebook_table():
    """Rows of the table under '## The notebooks': number, title, link, and the named columns."""
    section = README.split("## The notebooks", 1)[1].split("\n## ", 1)[0]
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


def test_binder_badge_and_readme_text_name_the_repository_set_in_pyproject():
    url, owner, name = repository()
    badges = re.findall(r"https://mybinder\.org/v2/gh/([\w.-]+)/([\w.-]+)/", README)
    assert badges and set(badges) == {(owner, name)}, \
        f"the Binder badge points to {badges}, pyproject.toml's Repository to {owner}/{name}"
    binder_section = README.split("## Binder", 1)[1].split("\n## ", 1)[0]
    assert f'Repository = "{url}"' in binder_section, \
        "the README's Binder section must quote pyproject.toml's Repository line"


def test_sentences_of_issue_21_in_the_readme_and_the_teachers_guide():
    """What README and TEACHING.md say, as the notebooks' claims tests measure it: the loss
    functions sum and the trainer averages (test_claims_nb02); the input amplitude matters at
    bias 0 only between 0 and the rest (test_claims_nb03); of the gates at t = 1 only unit 0's
    feeds ∂b_h[0] (test_claims_nb03); ReLU'(0) = 0 is what torch.relu and jax.nn.relu give."""
    readme = " ".join(README.split())
    teaching = " ".join((REPO / "TEACHING.md").read_text().split())
    assert ("summed over time steps and batch examples by the loss functions; the trainer "
            "(`rnnlib.train`) uses the batch mean") in readme and "nothing is averaged" not in readme
    assert ("At bias 0 every input amplitude above 0 gives the same gates (at amplitude 0 every "
            "unit is off)") in readme
    assert "of the gates at $t = 1$, only unit 0's feeds $\\partial b_h[0]$" in teaching
    for text in (readme, teaching):
        assert "PyTorch and JAX" not in text and "`torch.relu` and `jax.nn.relu`" in text
