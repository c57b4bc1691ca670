"""The pins, read once for the tests: constraints.txt with its environment markers, the Pythons
and platforms the project accepts, and environment.yml's pip list.

A pin `name==version ; marker` holds where its marker is true. `pins(python, platform)` answers
which pins hold for one Python release on one platform, with packaging's own marker evaluation
(pip evaluates markers for the interpreter that runs it, never for --python-version or
--platform, so a test that asks pip about another Python must choose the pins itself).
"""
import re
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]

# The Pythons the project accepts: pyproject.toml's requires-python and the Makefile's check say
# the same (tests/test_setup.py checks both against this).
ACCEPTED_MINORS = ("3.11", "3.12", "3.13", "3.14", "3.15")

# Each platform as pip names it (--platform, repeatable) and as environment markers see it.
# Linux: an x86_64 machine with glibc 2.28 or newer accepts every manylinux tag up to 2_28;
# pip 23 does not widen a given manylinux tag to the older ones by itself, so all are listed.
# macOS: pip widens macosx_14_0_arm64 to every older macOS 11+ tag (and universal2).
PLATFORMS = {
    "Linux x86_64": dict(
        tags=[f"manylinux_2_{minor}_x86_64" for minor in range(28, 4, -1)]
        + ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64"],
        markers=dict(sys_platform="linux", platform_system="Linux", os_name="posix",
                     platform_machine="x86_64")),
    "macOS arm64": dict(
        tags=["macosx_14_0_arm64"],
        markers=dict(sys_platform="darwin", platform_system="Darwin", os_name="posix",
                     platform_machine="arm64")),
    "Windows amd64": dict(
        tags=["win_amd64"],
        markers=dict(sys_platform="win32", platform_system="Windows", os_name="nt",
                     platform_machine="AMD64")),
}


def constraint_requirements():
    """constraints.txt as a list of Requirements, each an exact pin `name==version [; marker]`."""
    requirements = []
    for line in (REPO / "constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==" \
            and not requirement.extras and requirement.url is None, \
            f"constraints.txt: {line!r} is not an exact pin (name==version [; marker])"
        requirements.append(requirement)
    return requirements


def marker_environment(python, platform="Linux x86_64"):
    """What environment markers see for CPython `python` ("3.11.0") on `platform`."""
    return dict(PLATFORMS[platform]["markers"], python_full_version=python,
                python_version=".".join(python.split(".")[:2]), implementation_name="cpython",
                platform_python_implementation="CPython", implementation_version=python,
                platform_release="", platform_version="")


def pins(python, platform="Linux x86_64"):
    """{canonical name: version} of the pins that hold for CPython `python` on `platform`."""
    environment = marker_environment(python, platform)
    found = {}
    for requirement in constraint_requirements():
        if requirement.marker is None or requirement.marker.evaluate(environment):
            name = canonicalize_name(requirement.name)
            version = next(iter(requirement.specifier)).version
            assert name not in found, \
                f"constraints.txt pins {name} twice for Python {python} on {platform}"
            found[name] = version
    return found


def pythons_to_check():
    """The Python releases whose pins are checked: the first release of every accepted minor
    version (a pin may need a later patch release: that is what a marker on
    python_full_version is for), and every release a marker names as a boundary."""
    releases = {f"{minor}.0" for minor in ACCEPTED_MINORS}
    for requirement in constraint_requirements():
        if requirement.marker is not None:
            releases.update(re.findall(r'python_full_version\s*[<>=!]+\s*"([\d.]+)"',
                                       str(requirement.marker)))
    return sorted(releases, key=lambda v: tuple(map(int, v.split("."))))


def environment_yml():
    return yaml.safe_load((REPO / "environment.yml").read_text())


def environment_layers():
    """(conda dependencies as strings, pip requirements as strings) of environment.yml."""
    conda, pip = [], None
    for dep in environment_yml()["dependencies"]:
        if isinstance(dep, dict):
            assert set(dep) == {"pip"} and pip is None, f"environment.yml: unexpected {dep}"
            pip = list(dep["pip"])
        else:
            conda.append(dep)
    assert pip is not None, "environment.yml has no pip section"
    return conda, pip


def environment_python():
    """The Python minor version environment.yml asks conda for ("3.11")."""
    conda, _ = environment_layers()
    found = [dep.partition("=")[2] for dep in conda if dep.partition("=")[0] == "python"]
    assert len(found) == 1 and re.fullmatch(r"3\.\d+", found[0]), \
        f"environment.yml must name python=X.Y once (repo2docker reads only that); got {conda}"
    return found[0]


def environment_pip_pins():
    """{canonical name: version} of environment.yml's pip section, each line `name==version`."""
    _, pip = environment_layers()
    found = {}
    for line in pip:
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==" \
            and requirement.marker is None and not requirement.extras, \
            f"environment.yml: pip line {line!r} is not an exact pin name==version"
        name = canonicalize_name(requirement.name)
        assert name not in found, f"environment.yml pins {name} twice"
        found[name] = specifiers[0].version
    return found
