"""Every way in installs: the pins have wheels on PyPI for every Python the project accepts, on
Linux x86_64, macOS arm64 and Windows amd64, and environment.yml's pip list (what Binder and
conda install) builds an environment that runs every notebook.

Both ask PyPI itself (`pip --isolated`: not a mirror or local index from pip's configuration,
since a student's pip asks PyPI). They run in `make test` and in CI; they skip, saying why, only
when PyPI cannot be reached at all. A pin without a wheel fails, naming the pin, the Python and
the platform. Cost, measured on the 2-core machine: about 90 s for the wheels (18 pip
downloads, two at a time), about 55 s for the fresh environment (installing, then the notebooks).
"""
import concurrent.futures
import email.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

import pins

REPO = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.network

PIP = [sys.executable, "-m", "pip", "--isolated", "--disable-pip-version-check"]
NETWORK = ["--timeout", "30", "--retries", "2"]
# What pip says when it cannot talk to the index at all (as opposed to "no such wheel").
UNREACHABLE = re.compile(r"NewConnectionError|ConnectTimeout|ReadTimeout|Temporary failure in "
                         r"name resolution|Name or service not known|Network is unreachable|"
                         r"Connection refused|No route to host|ProxyError|SSLError|"
                         r"Max retries exceeded|Could not fetch URL", re.I)
NO_MATCH = re.compile(r"No matching distribution found for (\S+)")


def _tail(text, lines=12):
    return "\n".join(text.strip().splitlines()[-lines:])


@pytest.fixture(scope="module")
def pypi():
    """Skip, saying why, if PyPI cannot be reached: one small download of a pinned wheel."""
    name, version = "six", pins.pins("3.11.0")["six"]
    with tempfile.TemporaryDirectory() as dest:
        run = subprocess.run([*PIP, "download", *NETWORK, "--no-deps", "--only-binary=:all:",
                              "-d", dest, f"{name}=={version}"],
                             capture_output=True, text=True, timeout=300)
    if run.returncode != 0:
        if UNREACHABLE.search(run.stderr) or NO_MATCH.search(run.stderr):
            pytest.skip(f"PyPI cannot be reached from here: {_tail(run.stderr, 3)}")
        pytest.fail(f"pip download {name}=={version} failed:\n{_tail(run.stderr)}")


# --- wheels for every accepted Python and platform -------------------------------------------

def download(requirements, python, platform, dest):
    """pip download the exact pins `requirements` ({name: version}) as wheels for CPython
    `python` on `platform` into dest, without dependencies. Returns the pins that have no
    wheel there ([] if all have). One pip call answers for all of them: pip stops at the first
    pin without a wheel, which is noted and left out of the next call."""
    remaining, missing = dict(requirements), []
    tags = [arg for tag in pins.PLATFORMS[platform]["tags"] for arg in ("--platform", tag)]
    retried = False
    while remaining:
        listed = Path(dest) / "requirements.txt"
        listed.write_text("".join(f"{n}=={v}\n" for n, v in remaining.items()))
        run = subprocess.run([*PIP, "download", *NETWORK, "--no-deps", "--only-binary=:all:",
                              "--python-version", python, *tags, "-d", dest, "-r", listed],
                             capture_output=True, text=True, timeout=900)
        if run.returncode == 0:
            break
        if UNREACHABLE.search(run.stderr) and not retried:      # a connection broke: once more
            retried = True
            continue
        found = NO_MATCH.search(run.stderr)
        name = canonicalize_name(found.group(1).split("==")[0]) if found else None
        assert name in remaining and not UNREACHABLE.search(run.stderr), \
            f"pip download for Python {python} on {platform} failed:\n{_tail(run.stderr)}"
        why = re.search(re.escape(remaining[name]) + r" Requires-Python ([^;\n]+)", run.stderr)
        missing.append(f"{name}=={remaining.pop(name)}"
                       + (f" (needs Python {why.group(1)})" if why else ""))
    return missing


def wheel_metadata(dest):
    """{canonical name: (pure, Requires-Dist lines)} of the wheels in dest."""
    found = {}
    for wheel in Path(dest).glob("*.whl"):
        name, _, _, tags = parse_wheel_filename(wheel.name)
        with zipfile.ZipFile(wheel) as archive:
            metadata = next(n for n in archive.namelist()
                            if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
            message = email.parser.BytesParser().parsebytes(archive.read(metadata))
        found[name] = (all(tag.platform == "any" for tag in tags),
                       message.get_all("Requires-Dist") or [])
    return found


def dependency_problems(metadata, pinned, python, platform):
    """The dependencies that the pinned wheels declare for this Python and platform (extras
    aside) and constraints.txt leaves unpinned (pip would choose their version on its own) or
    pins outside the range declared."""
    environment = dict(pins.marker_environment(python, platform), extra="")
    problems = set()
    for name in pinned:
        for line in metadata[name][1]:
            requirement = Requirement(line)
            if requirement.marker is not None and not requirement.marker.evaluate(environment):
                continue
            dependency = canonicalize_name(requirement.name)
            if dependency not in pinned:
                problems.add(f"{name} needs {requirement}, which constraints.txt does not pin")
            elif not requirement.specifier.contains(pinned[dependency], prereleases=True):
                problems.add(f"{name} needs {requirement}, constraints.txt pins "
                             f"{dependency}=={pinned[dependency]}")
    return sorted(problems)


def check_python(python):
    """Every pin for `python` on every platform: Linux first, with all pins; then macOS and
    Windows with only the pins whose Linux wheel is not pure Python (a py3-none-any wheel
    installs on every platform); then what the wheels declare they depend on. A patch release
    that a marker names (X.Y.Z, Z > 0) is asked only for the pins that differ from X.Y.0's.
    Returns a list of problems."""
    first = re.sub(r"\.\d+$", ".0", python)
    problems, metadata = [], {}
    with tempfile.TemporaryDirectory() as root:
        for platform in pins.PLATFORMS:
            pinned = pins.pins(python, platform)
            baseline = pins.pins(first, platform) if python != first else {}
            to_ask = {n: v for n, v in pinned.items() if baseline.get(n) != v
                      and not (n in metadata and metadata[n][0])}
            dest = Path(root) / platform.replace(" ", "-")
            dest.mkdir()
            problems += [f"no wheel for {pin} on Python {python}, {platform}"
                         for pin in download(to_ask, python, platform, dest)]
            metadata.update(wheel_metadata(dest))
            shutil.rmtree(dest)
            if not baseline and all(name in metadata for name in pinned):
                problems += [f"{problem} (Python {python}, {platform})" for problem in
                             dependency_problems(metadata, pinned, python, platform)]
    return problems


def test_every_pin_has_a_wheel_for_every_accepted_python_and_platform(pypi):
    """`pip download --only-binary=:all: --no-deps --python-version X --platform P` for every
    pin: a pin without a wheel would make pip compile it (or fail) on that Python. Pythons:
    each accepted minor version's first release, and each patch release a marker names. Also:
    every dependency a pinned wheel declares there is pinned, within its declared range.
    Two pip processes at a time (the machine has 2 cores)."""
    pythons = pins.pythons_to_check()
    assert {p.rsplit(".", 1)[0] for p in pythons} == set(pins.ACCEPTED_MINORS)
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        problems = [p for found in pool.map(check_python, pythons) for p in found]
    assert not problems, "constraints.txt does not install from wheels everywhere:\n" + \
        "\n".join(problems)


# --- environment.yml's pip list builds an environment that runs the notebooks --------------

def _python_for(minor):
    """This interpreter if it is Python `minor` ("3.11"), else a pythonX.Y on PATH that runs."""
    if f"{sys.version_info[0]}.{sys.version_info[1]}" == minor:
        return sys.executable
    found = shutil.which(f"python{minor}")
    if found and subprocess.run([found, "-c", "pass"], capture_output=True).returncode == 0:
        return found
    return None


def test_a_fresh_venv_from_environment_yml_pip_list_runs_every_notebook(pypi, tmp_path):
    """What Binder and `conda env create` do, without conda: a new environment of
    environment.yml's Python, then `pip install -r` its pip section (as conda does, with
    dependencies), then postBuild itself in a copy of the repository; then every notebook runs
    top to bottom (tools/execute_notebooks.py: a cell that fails or runs over 300 s fails the
    test, naming the notebook and the cell). pip must install exactly the listed pins: nothing
    more (the list is complete) and nothing else (the pins agree with each other).
    Not verified: conda-forge's python and pip, and the Binder service itself."""
    minor = pins.environment_python()
    python = _python_for(minor)
    if python is None:
        pytest.skip(f"environment.yml names Python {minor}; no python{minor} runs here")
    venv = tmp_path / "venv"
    subprocess.run([python, "-m", "venv", venv], check=True, capture_output=True, timeout=300)
    venv_python = str(venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))
    pip = [venv_python, "-m", "pip", "--isolated", "--disable-pip-version-check"]
    listed = tmp_path / "environment-pip.txt"
    listed.write_text("".join(f"{line}\n" for line in pins.environment_layers()[1]))
    install = subprocess.run([*pip, "install", *NETWORK, "-r", listed],
                             capture_output=True, text=True, timeout=1800)
    assert install.returncode == 0, \
        f"pip install -r <environment.yml's pip section> failed:\n{_tail(install.stderr, 20)}"
    frozen = subprocess.run([*pip, "freeze"], capture_output=True, text=True, check=True).stdout
    installed = {canonicalize_name(n): v for n, _, v in
                 (line.partition("==") for line in frozen.split())}
    expected = pins.environment_pip_pins()
    assert installed == expected, (
        "pip installed other than environment.yml's pins: "
        f"more {sorted(set(installed) - set(expected))}, "
        f"fewer {sorted(set(expected) - set(installed))}, other versions "
        f"{sorted(n for n in set(installed) & set(expected) if installed[n] != expected[n])}")
    # postBuild itself, in a copy of the repository (as Binder has it), with the venv's python
    # first on PATH; the notebooks then run in that copy (08 reads experiments/ beside them)
    tree = tmp_path / "repository"
    shutil.copytree(REPO, tree, ignore=shutil.ignore_patterns(
        ".git", ".venv", "handout", "slides", "__pycache__", ".pytest_cache", ".hypothesis",
        ".ipynb_checkpoints", "*.egg-info"))
    runtime = Path(tempfile.mkdtemp(prefix="rt-"))  # short: IPC socket paths fit in 107 bytes
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "IPYTHON", "PYTHON", "VIRTUAL_ENV"))}
    env.update(JUPYTER_DATA_DIR=str(tmp_path / "data"), JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"),
               JUPYTER_RUNTIME_DIR=str(runtime), IPYTHONDIR=str(tmp_path / "ipython"),
               PATH=f"{Path(venv_python).parent}{os.pathsep}{env.get('PATH', '')}")
    try:
        post = subprocess.run(["bash", "postBuild"], cwd=tree, env=env, capture_output=True,
                              text=True, timeout=600)
        assert post.returncode == 0, f"postBuild failed:\n{_tail(post.stdout + post.stderr)}"
        where = subprocess.run([venv_python, "-c", "import rnnlib; print(rnnlib.__file__)"],
                               capture_output=True, text=True, check=True, cwd=tmp_path).stdout
        assert Path(where.strip()).parent == tree / "rnnlib", where
        run = subprocess.run([venv_python, tree / "tools" / "execute_notebooks.py",
                              "--timeout", "300", *sorted((tree / "notebooks").glob("*.ipynb"))],
                             capture_output=True, text=True, env=env, timeout=3600)
    finally:
        shutil.rmtree(runtime, ignore_errors=True)
    assert run.returncode == 0, \
        "a notebook failed in the environment built from environment.yml:\n" + \
        _tail(run.stdout + run.stderr, 30)
