"""tests/ensure_browser.py finds a browser, or installs one, or says what to run.

The machine's real browser is hidden: discovery is pointed at paths in a temporary folder and
PATH holds only fake ``apt-get``, ``sudo`` and browser scripts that log how they were called.
The real install (apt-get on a machine without chromium) is what a clean CI machine does.
"""
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

import ensure_browser as eb

pytestmark = pytest.mark.skipif(os.name != "posix", reason="the fakes are POSIX shell scripts")

BROWSER = '#!/bin/sh\necho "Chromium 156.0.8078.73 built on Debian"\n'
SNAP_STUB = ('#!/bin/sh\necho "Command \'/usr/bin/chromium-browser\' requires the chromium snap '
             'to be installed." >&2\nexit 1\n')


def script(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


class FakeSystem:
    """A temporary bin/ on PATH, a log of every fake command run, and where each browser lands."""

    def __init__(self, root: Path, monkeypatch):
        self.bin = root / "bin"
        self.bin.mkdir()
        self.log = root / "commands.log"
        self.log.touch()
        self.apt_browser = root / "usr" / "bin" / "chromium"          # where apt-get "installs"
        self.playwright_browser = root / "ms-playwright" / "chrome"   # where playwright "downloads"
        for tool in ("env", "true"):  # sudo runs `env VAR=... apt-get` and `true`
            (self.bin / tool).symlink_to(f"/usr/bin/{tool}")
        monkeypatch.setenv("PATH", str(self.bin))
        monkeypatch.delenv("GMM_CHROMIUM", raising=False)
        monkeypatch.setattr(eb, "KNOWN_PATHS", [str(self.apt_browser)])
        monkeypatch.setattr(eb, "PLAYWRIGHT", [str(self.bin / "playwright")])
        monkeypatch.setattr(eb, "playwright_chromium", lambda: str(self.playwright_browser))
        monkeypatch.setattr(sys, "stdin", io.StringIO())   # no terminal, as in CI
        monkeypatch.setattr(os, "geteuid", lambda: 1000)   # not root unless a test says so
        self.sudo()
        self.playwright(works=True)

    def sudo(self):
        # logs, drops its -n, and runs the rest (as a real sudo would, with the same PATH here)
        script(self.bin / "sudo", f'#!/bin/sh\necho "sudo $*" >> {self.log}\n'
                                  '[ "$1" = -n ] && shift\nexec "$@"\n')

    def apt_get(self, installs=BROWSER, status=0):
        body = f'echo "DEBIAN_FRONTEND=$DEBIAN_FRONTEND apt-get $*" >> {self.log}\n'
        if installs is not None:
            self.apt_browser.parent.mkdir(parents=True, exist_ok=True)
            body += (f'if [ "$1" = install ]; then\n/bin/cat > {self.apt_browser} <<"EOF"\n{installs}EOF\n'
                     f'/bin/chmod 755 {self.apt_browser}\nfi\n')
        script(self.bin / "apt-get", f"#!/bin/sh\n{body}exit {status}\n")

    def playwright(self, works=True):
        self.playwright_browser.parent.mkdir(parents=True, exist_ok=True)
        body = f'echo "playwright $*" >> {self.log}\n'
        if works:
            body += (f'/bin/cat > {self.playwright_browser} <<"EOF"\n{BROWSER}EOF\n'
                     f'/bin/chmod 755 {self.playwright_browser}\n')
        script(self.bin / "playwright", f"#!/bin/sh\n{body}exit {0 if works else 1}\n")

    def commands(self):
        return self.log.read_text().splitlines()


@pytest.fixture
def fake(tmp_path, monkeypatch):
    return FakeSystem(tmp_path, monkeypatch)


def test_a_machine_without_a_browser_gets_debians_chromium_through_sudo(fake):
    fake.apt_get()
    assert eb.ensure_chromium() == str(fake.apt_browser)
    assert fake.commands() == [
        "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq",
        "DEBIAN_FRONTEND=noninteractive apt-get update -qq",
        "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium",
        "DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium",
    ]


def test_root_runs_apt_get_directly_and_a_terminal_lets_sudo_ask(fake, monkeypatch):
    fake.apt_get()
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert eb.ensure_chromium() == str(fake.apt_browser)
    assert not any(c.startswith("sudo") for c in fake.commands())

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setattr(sys, "stdin", Terminal())
    assert eb.privilege_prefix() == ["sudo"]


def test_playwright_downloads_one_when_apt_gives_only_a_snap_stub(fake):
    fake.apt_get(installs=SNAP_STUB)  # Ubuntu: the package exists, the browser does not run
    assert eb.ensure_chromium() == str(fake.playwright_browser)
    assert fake.commands()[-1] == "playwright install --with-deps chromium"


def test_playwright_downloads_one_where_there_is_no_apt_get(fake):
    assert eb.ensure_chromium() == str(fake.playwright_browser)
    assert fake.commands() == ["playwright install chromium"]


def test_without_root_or_sudo_apt_is_not_tried_and_playwright_is(fake):
    fake.apt_get()
    (fake.bin / "sudo").unlink()
    assert eb.ensure_chromium() == str(fake.playwright_browser)
    assert fake.commands() == ["playwright install chromium"]


def test_when_nothing_works_the_message_says_what_to_run(fake):
    fake.apt_get(installs=None, status=100)
    fake.playwright(works=False)
    with pytest.raises(SystemExit) as failure:
        eb.ensure_chromium()
    message = str(failure.value)
    assert "sudo apt-get install chromium" in message
    assert "-m playwright install-deps chromium" in message and "-m playwright install chromium" in message
    assert "GMM_CHROMIUM" in message
    assert "playwright install --with-deps chromium" in fake.commands()


def test_without_apt_get_the_message_names_only_playwright(fake):
    fake.playwright(works=False)
    with pytest.raises(SystemExit) as failure:
        eb.ensure_chromium()
    assert "apt-get" not in str(failure.value)
    assert "-m playwright install chromium" in str(failure.value)


def test_a_browser_already_there_is_used_and_nothing_is_installed(fake):
    fake.apt_get()
    on_path = script(fake.bin / "google-chrome", BROWSER)
    assert eb.ensure_chromium() == str(on_path)
    assert fake.commands() == []


def test_discovery_order_and_broken_candidates(fake):
    stub = script(fake.bin / "chromium-browser", SNAP_STUB)
    chrome = script(fake.bin / "google-chrome", BROWSER)
    assert eb.find_chromium(include_playwright=False) == str(chrome)  # the snap stub is skipped
    script(stub, BROWSER)
    assert eb.find_chromium(include_playwright=False) == str(stub)    # chromium-browser before chrome
    script(fake.apt_browser, BROWSER)
    assert eb.find_chromium(include_playwright=False) == str(fake.apt_browser)  # known paths first
    script(fake.apt_browser, "#!/bin/sh\necho hello\n")                # runs, but is no browser
    assert eb.find_chromium(include_playwright=False) == str(stub)


def test_gmm_chromium_wins_and_a_broken_one_is_an_error_not_a_substitute(fake, monkeypatch, tmp_path):
    fake.apt_get()
    script(fake.apt_browser, BROWSER)
    mine = script(tmp_path / "my" / "chrome", BROWSER)
    monkeypatch.setenv("GMM_CHROMIUM", str(mine))
    assert eb.ensure_chromium() == str(mine)
    monkeypatch.setenv("GMM_CHROMIUM", str(tmp_path / "missing"))
    with pytest.raises(SystemExit, match="GMM_CHROMIUM=.*missing is not a browser that runs"):
        eb.ensure_chromium()
    assert fake.commands() == []


def test_the_script_prints_only_the_path_on_stdout(tmp_path):
    browser = script(tmp_path / "chrome", BROWSER)
    out = subprocess.run([sys.executable, eb.__file__, "--find-only"], capture_output=True,
                         text=True, env={**os.environ, "GMM_CHROMIUM": str(browser)})
    assert out.returncode == 0, out.stderr
    assert out.stdout == f"{browser}\n"
    assert "using" in out.stderr
