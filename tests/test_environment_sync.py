"""pyproject.toml and environment.yml must pin the same packages at the same versions."""

import re
import tomllib

from jixiao import paths


def _pyproject_pins() -> dict[str, str]:
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = list(project["dependencies"]) + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    pins = {}
    for requirement in requirements:
        name, version = requirement.split("==")
        pins[name.strip().lower()] = version.strip()
    return pins


def _conda_pins() -> dict[str, str]:
    pins = {}
    for line in (paths.ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\s*-\s*([A-Za-z0-9_.-]+)=([0-9][^\s#]*)\s*", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_every_dependency_is_pinned_exactly_in_pyproject():
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in project["dependencies"]:
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[0-9][0-9A-Za-z.]*", requirement), requirement


def test_environment_yml_lists_the_same_packages_and_versions_as_pyproject():
    assert _conda_pins() == _pyproject_pins()
