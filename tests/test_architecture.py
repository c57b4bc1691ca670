"""docs/architecture.md's map of rnnlib against the code: every module of rnnlib is in its table of
layers, every import inside rnnlib goes to the module's own layer or a lower one, and no name
that rnnlib exports hides one of its modules."""
import ast
import inspect
import re
from pathlib import Path

import pytest

import rnnlib

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "rnnlib"
MAP = (REPO / "docs" / "architecture.md").read_text()


def layers():
    """{module: layer} from the table under '## Layers' (backticked names only)."""
    section = MAP.split("## Layers", 1)[1]
    found = {}
    for layer, modules in re.findall(r"^\| (\d) \| (.*?) \|", section, re.M):
        for name in re.findall(r"`(\w+)`", modules):
            found[name] = int(layer)
    return found


def modules():
    """{module: path} of rnnlib: top-level modules, and each subpackage as one module."""
    found = {p.stem: p for p in PACKAGE.glob("*.py") if p.stem != "__init__"}
    found.update({p.parent.name: p.parent for p in PACKAGE.glob("*/__init__.py")})
    return found


def imported(path):
    """The rnnlib modules that the file or package at ``path`` imports, anywhere in it."""
    files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
    names = set()
    for file in files:
        inside = file.relative_to(PACKAGE).parts[:-1]            # () or ("exercises",)
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = list(inside[:len(inside) - node.level + 1])
                    parts = base + (node.module.split(".") if node.module else [])
                else:
                    parts = (node.module or "").split(".")
                    if parts[0] != "rnnlib":
                        continue
                    parts = parts[1:]
                if parts:
                    names.add(parts[0])
                else:                                             # from .. import a, b
                    names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    parts = alias.name.split(".")
                    if parts[0] == "rnnlib":
                        names.add(parts[1] if len(parts) > 1 else "__init__")
    own = path.name if path.is_dir() else path.stem
    return names - {own}


def test_every_module_is_in_the_table_of_layers():
    missing = sorted(set(modules()) - set(layers()))
    assert not missing, f"docs/architecture.md's table of layers lacks {missing}"


def test_the_map_names_only_modules_that_exist():
    """The tables of modules and of layers, and the package docstring's reading order, name no
    module that rnnlib does not have."""
    named = set(layers()) | set(re.findall(r"^\| `(\w+)/?` \|", MAP, re.M))
    named |= {name for name in re.findall(r"``(\w+)``", rnnlib.__doc__)
              if not callable(getattr(rnnlib, name, None))}     # rnnlib.forward is a function
    if not (PACKAGE / "solutions").exists():      # the hand-out's copy leaves the solutions out
        named.discard("solutions")
    unknown = sorted(named - set(modules()))
    assert not unknown, f"docs/architecture.md or rnnlib's docstring names {unknown}, not modules"


@pytest.mark.parametrize("name", sorted(modules()))
def test_imports_go_to_the_same_layer_or_below(name):
    table = layers()
    if name not in table:
        pytest.skip(f"{name} is not in the table (the test above fails)")
    init_layer = max(table[m] for m in imported(PACKAGE / "__init__.py") if m in table)
    upward = {m: table.get(m, init_layer if m == "__init__" else None)
              for m in imported(modules()[name])}
    upward = {m: layer for m, layer in upward.items() if layer is None or layer > table[name]}
    assert not upward, f"{name} (layer {table[name]}) imports {upward} (None: not in the table)"


def test_the_reader_finds_the_parser_working():
    """The parsing above sees what it must: a relative import inside a subpackage, and the
    whole package imported by name."""
    assert {"bptt", "model", "worked_example"} <= imported(PACKAGE / "exercises")
    assert layers()["validate"] == 1 and layers()["exercises"] == 5


def test_no_name_rnnlib_exports_hides_one_of_its_modules():
    """`from rnnlib import gradcheck` must give the module: a function of the same name,
    re-exported by rnnlib/__init__.py, would hide it (and its other functions with it)."""
    hidden = sorted(name for name in modules()
                    if hasattr(rnnlib, name) and not inspect.ismodule(getattr(rnnlib, name)))
    assert not hidden, f"rnnlib exports names that hide its modules: {hidden}"


def test_every_name_the_library_page_looks_up_on_rnnlib_is_exported():
    """docs/rnnlib.md sends students to ``help(rnnlib.backward_step)`` and the like: each
    ``rnnlib.X`` it names is a module or a name of ``rnnlib.__all__``, and every name of
    ``__all__`` exists."""
    page = (REPO / "docs" / "rnnlib.md").read_text()
    named = set(re.findall(r"\brnnlib\.(\w+)", page)) - {"md"}           # not "rnnlib.md"
    missing = sorted(name for name in named if name not in rnnlib.__all__
                     and name not in modules())
    assert not missing, f"docs/rnnlib.md names rnnlib.{missing}, which rnnlib does not export"
    assert not [name for name in rnnlib.__all__ if not hasattr(rnnlib, name)]
