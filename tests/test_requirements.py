"""The dependency locks: every package pinned with its hashes, as the .in lists say.

`make lock` writes requirements.txt, requirements-dev.txt and requirements-pip.txt from
their .in lists; every install passes --require-hashes (see the Makefile), pip's own first.
"""

import re
import subprocess
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def locked(name):
    """``{package: (Requirement, hashes)}`` of a lock file."""
    text = (ROOT / name).read_text().replace("\\\n", " ")
    packages = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        specifier, *options = re.split(r"\s+--", line)
        requirement = Requirement(specifier)
        hashes = [option.removeprefix("hash=") for option in options if option.startswith("hash=sha256:")]
        packages.setdefault(canonicalize_name(requirement.name), []).append((requirement, hashes))
    return packages


def listed(name):
    """The requirements of a .in list, without its -r and -c lines."""
    lines = [line.split("#", 1)[0].strip() for line in (ROOT / name).read_text().splitlines()]
    return [Requirement(line) for line in lines if line and not line.startswith("-")]


@pytest.mark.parametrize("lock", ["requirements.txt", "requirements-dev.txt", "requirements-pip.txt"])
def test_every_locked_package_is_pinned_with_its_hashes(lock):
    packages = locked(lock)
    assert packages
    for entries in packages.values():
        for requirement, hashes in entries:
            assert re.fullmatch(r"==[^,*]+", str(requirement.specifier)), requirement
            assert hashes and all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in hashes), requirement


@pytest.mark.parametrize(
    ("listing", "lock"),
    [
        ("requirements.in", "requirements.txt"),
        ("requirements.in", "requirements-dev.txt"),
        ("requirements-dev.in", "requirements-dev.txt"),
        ("requirements-pip.in", "requirements-pip.txt"),
    ],
)
def test_the_locks_are_made_from_the_lists(listing, lock):
    # A version changed in a .in list without `make lock` fails here.
    packages = locked(lock)
    for requirement in listed(listing):
        [(pinned, _)] = packages[canonicalize_name(requirement.name)]
        assert pinned.specifier == requirement.specifier, requirement


def test_the_runtime_and_the_tests_use_the_same_versions():
    development = locked("requirements-dev.txt")
    for name, entries in locked("requirements.txt").items():
        # The markers may differ (a package the runtime needs only on old Pythons, the tools always).
        assert [r.specifier for r, _ in entries] == [r.specifier for r, _ in development[name]], name


def test_these_tests_run_on_the_locked_versions():
    for entries in locked("requirements-dev.txt").values():
        for requirement, _ in entries:
            if requirement.marker is None or requirement.marker.evaluate():
                assert requirement.specifier.contains(metadata.version(requirement.name)), requirement
    [(pip, _)] = locked("requirements-pip.txt")["pip"]
    assert pip.specifier.contains(metadata.version("pip")), pip


def test_make_installs_every_dependency_with_hashes_required(tmp_path):
    # What `make run` and `make test` (and so CI) would run in a new virtualenv.
    result = subprocess.run(
        ["make", "--dry-run", f"VENV={tmp_path / 'venv'}", "run", "test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    installs = [line for line in result.stdout.splitlines() if "pip install" in line]
    assert [line.rsplit(" ", 1)[-1] for line in installs] == [
        "requirements-pip.txt",
        "requirements.txt",
        "requirements-dev.txt",
    ]
    assert all("--require-hashes" in line for line in installs), installs
