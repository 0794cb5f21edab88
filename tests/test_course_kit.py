"""Where a course installs padstride from, and what its README and workflow say."""

import json

import pytest

from padstride.course import kit
from padstride.course.kit import PackageSpec, package_spec


@pytest.mark.parametrize(
    ("value", "requirement"),
    [
        ("0.1.0", "padstride[test]==0.1.0"),
        ("padstride==0.2.0rc1", "padstride[test]==0.2.0rc1"),
        (
            "git+https://example.org/padstride.git@v0.1.0",
            "padstride[test] @ git+https://example.org/padstride.git@v0.1.0",
        ),
        (
            "git+ssh://git@example.org/padstride.git",
            "padstride[test] @ git+ssh://git@example.org/padstride.git",
        ),
    ],
)
def test_a_package_spec_becomes_a_pip_requirement_with_extras(value, requirement):
    assert package_spec(value).requirement("test") == requirement


@pytest.mark.parametrize(
    "value",
    [
        "padstride",
        "numpy==1.0",
        "git+file:///tmp/x",
        "https://example.org/x.whl",
        "git+https://x; rm -rf /",
        "padstride>=0.1",
    ],
)
def test_other_specs_are_refused_with_the_forms_allowed(value):
    with pytest.raises(ValueError, match="is not allowed: (give a wheel file|a padstride wheel is named)"):
        package_spec(value)


def test_a_wheel_must_exist_and_be_padstride_s(tmp_path):
    with pytest.raises(ValueError, match="there is no such file"):
        package_spec(tmp_path / "padstride-0.1.0-py3-none-any.whl")
    other = tmp_path / "numpy-2.0-py3-none-any.whl"
    other.write_bytes(b"")
    with pytest.raises(ValueError, match="a padstride wheel is named"):
        package_spec(other)
    wheel = tmp_path / "padstride-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"")
    assert package_spec(wheel) == PackageSpec("wheel", wheel.name, wheel)
    assert (
        package_spec(wheel).requirement("notebooks") == "./wheels/padstride-0.1.0-py3-none-any.whl[notebooks]"
    )


class FakeDistribution:
    version = "0.1.0"

    def __init__(self, direct):
        self.direct = direct

    def read_text(self, name):
        return None if self.direct is None else json.dumps(self.direct)


@pytest.mark.parametrize(
    ("direct", "expected"),
    [
        (None, PackageSpec("index", "0.1.0")),
        (
            {"url": "https://example.org/padstride.git", "vcs_info": {"vcs": "git", "commit_id": "abc123"}},
            PackageSpec("git", "git+https://example.org/padstride.git@abc123"),
        ),
        ({"url": "file:///nowhere/padstride-0.1.0-py3-none-any.whl", "archive_info": {}}, None),
        ({"url": "file:///work/padstride", "dir_info": {"editable": True}}, None),
        ({"nonsense": 1}, None),
    ],
)
def test_where_this_padstride_came_from(monkeypatch, direct, expected):
    monkeypatch.setattr(kit, "checkout_root", lambda: None)
    monkeypatch.setattr(kit.metadata, "distribution", lambda name: FakeDistribution(direct))
    assert kit.installed_spec() == expected


def test_an_installed_wheel_that_is_still_there_is_the_course_s(monkeypatch, tmp_path):
    wheel = tmp_path / "padstride-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK")
    monkeypatch.setattr(kit, "checkout_root", lambda: None)
    direct = {"url": wheel.as_uri(), "archive_info": {}}
    monkeypatch.setattr(kit.metadata, "distribution", lambda name: FakeDistribution(direct))
    assert kit.installed_spec() == PackageSpec("wheel", wheel.name, wheel)


def test_a_checkout_names_no_package_for_a_course():
    assert kit.installed_spec() is None


def test_the_set_up_runs_without_activation_on_each_system():
    spec = package_spec("0.1.0")
    assert kit.setup_commands(spec, "notebooks", windows=False) == [
        "python3 -m venv .venv",
        '.venv/bin/python -m pip install -c constraints.txt "padstride[notebooks]==0.1.0"',
        ".venv/bin/padstride data",
        ".venv/bin/jupyter lab",
    ]
    assert kit.setup_commands(None, "notebooks", windows=True)[1] == (
        '.venv\\Scripts\\python -m pip install -c constraints.txt "PADSTRIDE[notebooks]"'
    )


def test_the_readme_without_a_known_package_says_what_to_write_in_its_place():
    text = kit.readme(
        ["00_start_here.ipynb", "02_padding.ipynb"], None, student=False, nbgrader=False, ci=False
    )
    assert "write in place of PADSTRIDE where your course installs it from" in text
    assert "`02_padding.ipynb::Cell N`" in text and "git diff 02_padding.ipynb" in text
    assert "nbgrader" not in text and ".github" not in text
