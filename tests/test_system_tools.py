"""Tests never install system programs: they skip without them, fail under CI, and
bin/setup installs them (clienteling/tests/system_tools.py, bin/lib.sh)."""

import importlib.util
import os
import subprocess
import unittest
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


system_tools = load(REPO / "clienteling" / "tests" / "system_tools.py", "system_tools")
# the Dovecot helper lives with the inbox tests, in whichever addon holds them
(IMAP_SERVER,) = REPO.glob("*/tests/imap_server.py")
imap_server = load(IMAP_SERVER, "imap_server")


def raised(function, *args):
    """The exception raised, whatever it is: a SkipTest escaping a test would make
    pytest skip it rather than fail it."""
    try:
        function(*args)
    except Exception as error:
        return error
    raise AssertionError(f"{function.__name__} raised nothing")


@pytest.fixture
def unfindable(monkeypatch, tmp_path):
    """No program can be found: PATH is an empty directory and sbin is not searched."""
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(system_tools, "SBIN_DIRS", ())
    return tmp_path


@pytest.mark.parametrize(
    ("tool", "command"),
    [
        (system_tools.DOVECOT, "sudo apt-get install -y dovecot-imapd"),
        (system_tools.CHROMIUM, "sudo apt-get install -y chromium"),
    ],
)
def test_missing_tool_skips_without_ci(unfindable, monkeypatch, tool, command):
    monkeypatch.delenv("CI", raising=False)
    skip = raised(system_tools.require_tool, tool)
    assert isinstance(skip, unittest.SkipTest)
    assert f"{tool.name} is not installed" in str(skip)
    assert command in str(skip)
    assert "bin/setup" in str(skip)


@pytest.mark.parametrize("ci", ["true", "1", "yes"])
@pytest.mark.parametrize("tool", [system_tools.DOVECOT, system_tools.CHROMIUM])
def test_missing_tool_fails_under_ci(unfindable, monkeypatch, tool, ci):
    monkeypatch.setenv("CI", ci)
    failure = raised(system_tools.require_tool, tool)
    assert isinstance(failure, system_tools.MissingSystemTool)
    assert isinstance(failure, AssertionError)  # unittest reports it as a failure
    assert not isinstance(failure, unittest.SkipTest)
    assert tool.install_command in str(failure)


@pytest.mark.parametrize("ci", ["", "0", "false"])
def test_ci_set_to_false_still_skips(unfindable, monkeypatch, ci):
    monkeypatch.setenv("CI", ci)
    assert isinstance(raised(system_tools.require_tool, system_tools.DOVECOT), unittest.SkipTest)


def test_tool_found_on_path_or_in_sbin(unfindable, monkeypatch, tmp_path):
    program = unfindable / "chromium-browser"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    monkeypatch.setenv("CI", "true")
    assert system_tools.require_tool(system_tools.CHROMIUM) == str(program)
    sbin = tmp_path / "sbin"
    sbin.mkdir()
    (sbin / "dovecot").write_text("#!/bin/sh\n")
    (sbin / "dovecot").chmod(0o755)
    monkeypatch.setattr(system_tools, "SBIN_DIRS", (str(sbin),))
    assert system_tools.require_tool(system_tools.DOVECOT) == str(sbin / "dovecot")


def test_dovecot_helper_never_installs(monkeypatch, tmp_path):
    """The IMAP test server reports a missing Dovecot instead of running apt-get."""

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"a subprocess was started: {args}")

    monkeypatch.setattr(imap_server.subprocess, "run", no_subprocess)
    monkeypatch.setattr(imap_server.subprocess, "Popen", no_subprocess)
    with pytest.raises(imap_server.DovecotUnavailable, match="dovecot-imapd"):
        imap_server.DovecotServer(str(tmp_path / "dovecot"))


def test_tests_never_install_packages():
    """No test helper of any addon runs a package manager."""
    offenders = [
        str(path.relative_to(REPO))
        for path in REPO.glob("*/tests/**/*.py")
        if any(
            f'"{word}"' in path.read_text() or f"'{word}'" in path.read_text()
            for word in ("apt-get", "apt", "pip", "dnf", "yum")
        )
    ]
    assert offenders == []


def run_ensure_test_tools(tmp_path, uid, sudo=False, apt=True):
    """bin/lib.sh's ensure_test_tools with a PATH of fake programs (no real install)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("dirname", "env", "cat"):
        (bin_dir / name).symlink_to(subprocess.check_output(["which", name], text=True).strip())
    calls = tmp_path / "calls"
    fakes = {"id": f'[ "$1" = -u ] && echo {uid}\n'}
    if apt:
        fakes["apt-get"] = f'echo "apt-get $*" >>{calls}\n'
    if sudo:
        fakes["sudo"] = f'[ "$1" = -n ] || exit 1\nshift\necho "sudo -n" >>{calls}\n"$@"\n'
    for name, body in fakes.items():
        (bin_dir / name).write_text(f"#!/bin/bash\n{body}")
        (bin_dir / name).chmod(0o755)
    result = subprocess.run(
        [
            "/bin/bash",
            "-c",
            f'source "{REPO}/bin/lib.sh"; have_program() {{ return 1; }}; ensure_test_tools',
        ],
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result, calls.read_text() if calls.exists() else ""


def test_setup_installs_test_tools_as_root(tmp_path):
    result, calls = run_ensure_test_tools(tmp_path, uid=0)
    assert result.returncode == 0, result.stderr
    assert "apt-get update -qq" in calls
    assert "apt-get install -y -qq dovecot-imapd chromium" in calls
    assert "sudo" not in calls


def test_setup_installs_test_tools_with_passwordless_sudo(tmp_path):
    result, calls = run_ensure_test_tools(tmp_path, uid=1000, sudo=True)
    assert result.returncode == 0, result.stderr
    assert "sudo -n" in calls
    assert "apt-get install -y -qq dovecot-imapd chromium" in calls


def test_setup_prints_the_command_and_goes_on(tmp_path):
    result, calls = run_ensure_test_tools(tmp_path, uid=1000)
    assert result.returncode == 0, result.stderr
    assert calls == ""
    assert "sudo apt-get install -y dovecot-imapd chromium" in result.stderr
    assert "skipped" in result.stderr


def test_setup_goes_on_when_apt_get_is_missing(tmp_path):
    result, _calls = run_ensure_test_tools(tmp_path, uid=0, apt=False)
    assert result.returncode == 0, result.stderr
    assert "sudo apt-get install -y dovecot-imapd chromium" in result.stderr


@pytest.mark.parametrize("script", ["setup", "test", "demo"])
def test_scripts_run_the_test_tools_step(script):
    lines = (REPO / "bin" / script).read_text().splitlines()
    assert "ensure_test_tools" in lines
    assert lines.index("ensure_test_tools") == lines.index("setup_all") + 1
    assert os.access(REPO / "bin" / script, os.X_OK)
