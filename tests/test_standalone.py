"""The repository stands alone: no file in it cites a document that only exists where it was
written (the developers' shared folder, a path on one machine), and every relative link in the
Markdown and the notebooks resolves to a file inside the repository."""
import json
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Spelled in pieces so that this file does not cite them itself.
OUTSIDE = re.compile("|".join([
    "RECI" + "PES",                   # the developers' notes, not shipped with the repository
    r"\.\./" + "shared",               # the folder beside the repository they live in
    "/" + r"work/", "/" + r"root/",    # absolute paths of the machine the project was made on
]))
SKIPPED_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".pdf"}
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def tracked_files():
    """The files git tracks, or every file when there is no git (a hand-out copy), but those of a
    virtual environment, whatever its name (`python -m venv venv` is as common as .venv)."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True,
                             check=True).stdout.decode()
        return [REPO / name for name in out.split("\0") if name]
    except (OSError, subprocess.CalledProcessError):
        ignored = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", "handout"}
        venvs = [cfg.parent for cfg in REPO.glob("*/pyvenv.cfg")]
        return [p for p in REPO.rglob("*")
                if p.is_file() and not ignored & set(p.relative_to(REPO).parts)
                and not any(p.is_relative_to(venv) for venv in venvs)]


def text_files():
    for path in tracked_files():
        if path.suffix.lower() not in SKIPPED_SUFFIXES and path.is_file():
            yield path, path.read_text(encoding="utf-8", errors="replace")


def test_no_file_cites_anything_outside_the_repository():
    cited = [f"{path.relative_to(REPO)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
             for path, text in text_files() for m in OUTSIDE.finditer(text)]
    assert not cited, ("these lines cite something that does not exist in the repository; "
                       "write what matters where it is used, or in docs/:\n" + "\n".join(cited))


def markdown_texts():
    """(file, markdown text) for every .md file and every markdown cell of every notebook."""
    for path, text in text_files():
        if path.suffix == ".md":
            yield path, text
        elif path.suffix == ".ipynb":
            for cell in json.loads(text)["cells"]:
                if cell["cell_type"] == "markdown":
                    yield path, "".join(cell["source"])


def test_every_relative_link_resolves_inside_the_repository():
    broken = []
    for path, text in markdown_texts():
        for target in MARKDOWN_LINK.findall(text):
            if re.match(r"[a-z][a-z0-9+.-]*:|#", target):     # a URL, or an anchor in the page
                continue
            resolved = (path.parent / target.split("#")[0]).resolve()
            if not (resolved.is_relative_to(REPO) and resolved.exists()):
                broken.append(f"{path.relative_to(REPO)}: {target}")
    assert not broken, "links that do not resolve inside the repository:\n" + "\n".join(broken)
