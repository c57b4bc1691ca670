"""The setup a newcomer relies on: pins that agree everywhere, Binder files, the README's
promises (the two commands and a working Binder link, which a hand-out's README keeps: this
file is handed out), a `make lab` that listens on 127.0.0.1 only, behind a token, and a
Makefile that refuses, in one clear line, a Python the pins do not serve."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

import pins

REPO = Path(__file__).resolve().parents[1]


def pyproject():
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def pyproject_requirements():
    project = pyproject()["project"]
    reqs = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        reqs += [Requirement(r) for r in extra]
    return {canonicalize_name(r.name): r for r in reqs}


def every_python_and_platform():
    return [(python, platform) for python in pins.pythons_to_check() for platform in pins.PLATFORMS]


def test_every_requirement_is_pinned_in_constraints_within_its_range():
    for python, platform in every_python_and_platform():
        pinned = pins.pins(python, platform)
        for name, req in pyproject_requirements().items():
            assert name in pinned, \
                f"{name} is required by pyproject.toml but not pinned in constraints.txt " \
                f"for Python {python} on {platform}"
            assert req.specifier.contains(pinned[name], prereleases=True), \
                f"constraints.txt pins {name}=={pinned[name]} for Python {python}, outside " \
                f"pyproject's {req.specifier}"


def test_every_marked_pin_says_why_and_every_python_gets_the_same_packages():
    """The stored outputs come from the unmarked pins: a marked pin is the way around a release
    that has no wheel or refuses a Python, or a dependency declared on one platform only
    (tests/test_environments.py checks both). On one platform, every accepted Python gets a pin
    for the same packages."""
    for platform in pins.PLATFORMS:
        names = {frozenset(pins.pins(python, platform)) for python in pins.pythons_to_check()}
        assert len(names) == 1, \
            f"constraints.txt pins different packages on different Pythons on {platform}"
    header = "".join(line for line in (REPO / "constraints.txt").read_text().splitlines(True)
                     if line.startswith("#"))
    for requirement in pins.constraint_requirements():
        if requirement.marker is not None:
            assert re.search(rf"\b{re.escape(requirement.name)}\b", header), \
                f"constraints.txt's header must say why {requirement.name} has a marked pin"


def test_environment_yml_is_python_and_pip_from_conda_and_constraints_pins_from_pip():
    """Binder's environment: conda-forge provides Python and pip only; the pip section is
    constraints.txt, pin for pin, as it applies to environment.yml's Python on Linux (conda-forge
    serves that minor version's newest patch release, past every patch a marker names)."""
    env = pins.environment_yml()
    assert env["channels"] == ["conda-forge"]
    conda, _ = pins.environment_layers()
    python = pins.environment_python()
    assert conda == [f"python={python}", "pip"], \
        f"environment.yml's conda layer must be python and pip only; got {conda}"
    assert python in pins.ACCEPTED_MINORS
    expected, listed = pins.pins(f"{python}.99"), pins.environment_pip_pins()
    missing = sorted(f"{n}=={v}" for n, v in expected.items() if n not in listed)
    extra = sorted(f"{n}=={v}" for n, v in listed.items() if n not in expected)
    differ = sorted(f"{n}: environment.yml {listed[n]}, constraints.txt {v}"
                    for n, v in expected.items() if n in listed and listed[n] != v)
    assert not (missing or extra or differ), \
        "environment.yml's pip section and constraints.txt disagree:\n" \
        + "".join(f"  constraints.txt pins, environment.yml lacks: {m}\n" for m in missing) \
        + "".join(f"  environment.yml pins, constraints.txt does not: {m}\n" for m in extra) \
        + "".join(f"  {m}\n" for m in differ)
    assert "rnnlib" not in listed and not any(
        line.lstrip().startswith(("-", "."))
        for line in pins.environment_layers()[1]), \
        "no -r, -c, -e or path in the pip section: repo2docker could not cache the layer"


def test_postbuild_installs_the_package_without_touching_dependencies():
    post = REPO / "postBuild"
    assert os.access(post, os.X_OK), "postBuild must be executable for repo2docker"
    assert "python -m pip install --no-deps -e ." in post.read_text()


def test_readme_opens_with_the_two_commands_and_a_working_binder_link():
    text = (REPO / "README.md").read_text()
    first_block = re.search(r"```\w*\n(.*?)```", text, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()]
    assert commands == ["make lab", "make test"], commands
    badge = re.search(r"https://mybinder\.org/v2/gh/[^)\s]+", text)
    assert badge, "no Binder link in the README"
    target = re.search(r"urlpath=lab/tree/([^)&\s]+)", badge.group(0)).group(1)
    assert (REPO / target).is_file(), f"the Binder link opens {target}, which does not exist"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _non_loopback_address():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))    # TEST-NET address: nothing is sent on a UDP connect
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_serves_notebooks_on_loopback_behind_a_token(tmp_path):
    """The Makefile's JupyterLab command line, run with this interpreter: `-o install` and
    PY=... keep make from building or updating an environment (this test also runs from a
    pip or conda set-up, or a venv named otherwise), and from needing the network."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    # A short runtime folder: the kernel's IPC socket paths must fit in 107 bytes.
    runtime_dir = Path(tempfile.mkdtemp(prefix="lab-rt-"))
    env.update(JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"), JUPYTER_RUNTIME_DIR=str(runtime_dir))
    log_path = tmp_path / "lab.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            ["make", "--no-print-directory", "-o", "install", "lab",
             f"PY={sys.executable}", f"PYTHON={sys.executable}",
             f"LAB_ARGS=--no-browser --port={port} --port-retries=0 "
             f"--LabApp.workspaces_dir={tmp_path / 'ws'}"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline, token = time.monotonic() + 90, None
        while token is None:     # the URL with its token, as a user sees it
            assert proc.poll() is None, "make lab exited:\n" + log_path.read_text()
            assert time.monotonic() < deadline, "no URL with a token within 90 s:\n" + \
                log_path.read_text()
            found = re.search(re.escape(base) + r"/lab\?token=([0-9a-f]{32,})", log_path.read_text())
            token = found.group(1) if found else time.sleep(0.5)
        while _status_or_none(f"{base}/api/status?token={token}") != 200:
            assert time.monotonic() < deadline, "JupyterLab did not answer within 90 s"
            time.sleep(0.5)
        assert "pip install" not in log_path.read_text(), "make lab installed something"
        assert _status(f"{base}/api/status") == 403                      # no token: refused
        assert _status(f"{base}/api/status?token=wrong") == 403
        assert _status(f"{base}/api/contents/00_start_here.ipynb?token={token}") == 200
        other = _non_loopback_address()
        if other is not None:                                            # not on other interfaces
            with pytest.raises(OSError):
                socket.create_connection((other, port), timeout=2).close()
        assert token not in " ".join(_command_lines()), "the token is visible in `ps`"
        if sys.platform != "win32":
            _check_kernel_uses_ipc(base, token, runtime_dir, log_path)
    finally:
        _stop(proc)
        shutil.rmtree(runtime_dir, ignore_errors=True)


def _check_kernel_uses_ipc(base, token, runtime_dir, log_path):
    """A kernel started by the lab talks over IPC, so ipykernel prints no warning about TCP."""
    request = urllib.request.Request(f"{base}/api/kernels", method="POST", data=b"{}",
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        kernel_id = json.loads(response.read())["id"]
    connection_file = runtime_dir / f"kernel-{kernel_id}.json"
    deadline = time.monotonic() + 60
    while not connection_file.exists() or not list(runtime_dir.glob(f"kernel-{kernel_id}-ipc*")):
        assert time.monotonic() < deadline, "the kernel did not start within 60 s"
        time.sleep(0.25)
    assert json.loads(connection_file.read_text())["transport"] == "ipc"
    time.sleep(2)                                  # ipykernel warns right after binding
    assert "without encryption" not in log_path.read_text()


def _stop(proc):
    """SIGTERM the whole process group (make, sh, jupyter), SIGKILL if it lingers."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _status_or_none(url):
    try:
        return _status(url)
    except OSError:
        return None


def _command_lines():
    lines = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            lines.append(cmdline.read_bytes().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:
            pass
    return lines


# --- The interpreter check: make names the Python it found, the one needed, and how to choose

def _fake_python(folder, version=(3, 10, 12)):
    """An interpreter that reports an old version: this Python, with sys.version_info replaced
    before the code given with -c runs (all that make asks of it)."""
    shim = Path(folder) / "python-old"
    shim.write_text(f"#!{sys.executable}\n"
                    "import sys\n"
                    f"sys.version_info = {tuple(version) + ('final', 0)!r}\n"
                    "exec(sys.argv[sys.argv.index('-c') + 1])\n")
    shim.chmod(0o755)
    return shim


def _real_python_3_10():
    """A python3.10 that runs here (a pyenv shim may exist without the version enabled)."""
    found = shutil.which("python3.10")
    if found and subprocess.run([found, "-c", "pass"], capture_output=True).returncode == 0:
        return found
    return None


def _make(*args, **kw):
    return subprocess.run(["make", "--no-print-directory", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120, **kw)


def _assert_one_clear_line(result, found):
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line, got:\n{result.stderr}"
    assert f"Python {found}" in lines[0] and "Python 3.11 to 3.15" in lines[0] \
        and "PYTHON=python3.12" in lines[0], lines[0]
    assert "pip" not in result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
@pytest.mark.parametrize("target", ["lab", "test", "install"])
def test_make_refuses_an_old_python_in_one_line(tmp_path, target):
    result = _make("-n", target, f"PYTHON={_fake_python(tmp_path)}", f"VENV={tmp_path / 'venv'}")
    _assert_one_clear_line(result, "3.10.12")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_refuses_a_python_newer_than_the_pins_have_wheels_for_in_one_line(tmp_path):
    result = _make("-n", "lab", f"PYTHON={_fake_python(tmp_path, (3, 16, 0))}",
                   f"VENV={tmp_path / 'venv'}")
    _assert_one_clear_line(result, "3.16.0")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_pyproject_and_the_wheel_check_accept_the_same_pythons(tmp_path):
    """The Pythons the Makefile lets through, those pyproject.toml's requires-python admits and
    those whose wheels tests/test_environments.py asks PyPI for are the same."""
    requires = SpecifierSet(pyproject()["project"]["requires-python"])
    for minor in range(8, 20):
        version = (3, minor, 0)
        accepted = f"3.{minor}" in pins.ACCEPTED_MINORS
        assert requires.contains(f"3.{minor}.0") == accepted, \
            f"requires-python {requires} and tests/pins.py disagree on 3.{minor}"
        folder = tmp_path / f"3.{minor}"
        folder.mkdir()
        result = _make("-n", "install", f"PYTHON={_fake_python(folder, version)}",
                       f"VENV={folder / 'venv'}")
        assert (result.returncode == 0) == accepted, \
            f"make {'refuses' if accepted else 'accepts'} Python 3.{minor}.0:\n{result.stderr}"


@pytest.mark.skipif(shutil.which("make") is None or _real_python_3_10() is None,
                    reason="needs make and a python3.10 that runs")
def test_make_refuses_a_real_python_3_10(tmp_path):
    result = _make("-n", "lab", f"PYTHON={_real_python_3_10()}", f"VENV={tmp_path / 'venv'}")
    _assert_one_clear_line(result, "3.10")


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_clean_needs_no_python():
    result = _make("-n", "clean", "PYTHON=no-such-python")
    assert result.returncode == 0 and "rm -rf .venv" in result.stdout, result.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_a_venv_from_an_old_python_is_rebuilt(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    _fake_python(tmp_path).rename(venv / "bin" / "python")       # what an old attempt left
    result = _make(f"{venv}/bin/python", f"VENV={venv}", f"PYTHON={sys.executable}")
    assert result.returncode == 0, result.stderr
    assert "rebuilding" in result.stdout and "built with Python 3.10.12" in result.stdout
    rebuilt = subprocess.run([venv / "bin" / "python", "-c",
                              "import sys; print(sys.version_info[:2])"],
                             capture_output=True, text=True, check=True).stdout
    assert rebuilt.strip() == str(sys.version_info[:2])


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_a_venv_from_another_python_than_the_one_asked_for_is_rebuilt(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    _fake_python(tmp_path, version=(3, 14, 0)).rename(venv / "bin" / "python")
    asked = _make("-n", "install", f"VENV={venv}", f"PYTHON={sys.executable}")
    assert asked.returncode == 0, asked.stderr
    assert f"rebuilding {venv}: it was built with a different Python" in asked.stdout
    assert f"{sys.executable} -m venv {venv}" in asked.stdout
    # Without PYTHON on the command line, a .venv that works is kept, whichever Python made it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHON"}
    kept = _make("-n", "install", f"VENV={venv}", env=env)
    assert "rebuilding" not in kept.stdout, kept.stdout
