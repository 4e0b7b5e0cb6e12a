"""Find a Chromium that the browser tests can drive; install one when none is found.

Run with the project's venv python (``make test-browser`` does)::

    python tests/ensure_browser.py             # prints the browser's path on stdout
    python tests/ensure_browser.py --find-only # never installs; exit status 1 if none

Only the path goes to stdout (the Makefile hands it to the browser suite as ``GMM_CHROMIUM``);
what was looked at and installed goes to stderr.

Where it looks, in order: ``$GMM_CHROMIUM`` (when set, it must work: no silent substitute),
``/usr/bin/chromium``, then ``chromium``, ``chromium-browser``, ``google-chrome`` and
``google-chrome-stable`` on PATH, the usual macOS and Windows install places, and last the
Chromium that playwright downloads (``python -m playwright install chromium``).

A candidate counts only if ``--version`` runs and names Chrome or Chromium: Ubuntu's
``chromium-browser`` is a stub asking for the snap, and a downloaded build can lack system
libraries.

How it installs, when nothing is found: where ``apt-get`` exists (Debian, Ubuntu), as root or
through sudo (``sudo -n`` when there is no terminal to type a password into), non-interactively,
``apt-get install chromium``; if that gives no working browser (Ubuntu has only the snap stub),
or on any other system, playwright's own download (``--with-deps`` where apt-get can be run, so
that Chromium's system libraries come too). It fails, saying what to run, only when both fail.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Well-known places, checked after $GMM_CHROMIUM and before PATH (a module constant so that a
# test can point discovery at paths that do not exist).
KNOWN_PATHS = [
    "/usr/bin/chromium",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
]
if os.name == "nt":
    KNOWN_PATHS += [
        os.path.join(os.environ.get(var, ""), *tail)
        for var in ("PROGRAMFILES", "PROGRAMFILES(X86)", "LOCALAPPDATA")
        for tail in (("Google", "Chrome", "Application", "chrome.exe"),
                     ("Chromium", "Application", "chrome.exe"))
        if os.environ.get(var)
    ]
PATH_NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
APT_PACKAGE = "chromium"
PYTHON = sys.executable
PLAYWRIGHT = [PYTHON, "-m", "playwright"]
VERSION_TIMEOUT_S = 30


def log(message: str) -> None:
    print(f"ensure_browser: {message}", file=sys.stderr, flush=True)


def usable(path: str | os.PathLike | None) -> bool:
    """True if ``path`` is an executable file whose ``--version`` names Chrome or Chromium."""
    if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
        return False
    if os.name == "nt":  # chrome.exe --version prints nothing on Windows: existence is all we can check
        return True
    try:
        out = subprocess.run([str(path), "--version"], capture_output=True, text=True,
                             timeout=VERSION_TIMEOUT_S, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return False
    return out.returncode == 0 and "chrom" in out.stdout.lower()


def playwright_chromium() -> str | None:
    """Where playwright keeps (or would keep) its own Chromium build; None without playwright."""
    code = ("from playwright.sync_api import sync_playwright\n"
            "with sync_playwright() as p: print(p.chromium.executable_path)")
    try:
        out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True,
                             timeout=120, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0 or not out.stdout.strip():
        return None
    return out.stdout.strip()


def system_candidates() -> list[str]:
    """Known install places, then browsers on PATH, in order, without duplicates."""
    found = list(KNOWN_PATHS) + [p for p in map(shutil.which, PATH_NAMES) if p]
    return list(dict.fromkeys(found))


def find_chromium(include_playwright: bool = True) -> str | None:
    """The first usable browser among the known paths, PATH, and playwright's download."""
    for path in system_candidates():
        if usable(path):
            return path
    if include_playwright:
        path = playwright_chromium()
        if usable(path):
            return path
    return None


def privilege_prefix() -> list[str] | None:
    """[] as root, ['sudo'] or ['sudo', '-n'] (no terminal to ask on), None if neither works."""
    if os.name != "posix" or os.geteuid() == 0:
        return [] if os.name == "posix" else None
    if shutil.which("sudo") is None:
        return None
    return ["sudo"] if sys.stdin is not None and sys.stdin.isatty() else ["sudo", "-n"]


def run(cmd: list[str]) -> bool:
    log("running: " + " ".join(cmd))
    try:
        return subprocess.run(cmd, stdout=sys.stderr, stderr=sys.stderr).returncode == 0
    except OSError as error:
        log(f"could not run {cmd[0]}: {error}")
        return False


def install_with_apt(sudo: list[str]) -> bool:
    """apt-get update + install chromium, non-interactively; True if both commands succeeded."""
    apt = [*sudo, "env", "DEBIAN_FRONTEND=noninteractive", "apt-get"]
    return run([*apt, "update", "-qq"]) and run([*apt, "install", "-y", "-qq", APT_PACKAGE])


def install_with_playwright(sudo: list[str] | None) -> bool:
    """playwright's Chromium download; with its system libraries where apt-get can be run."""
    with_deps = ["--with-deps"] if shutil.which("apt-get") and sudo is not None else []
    if with_deps and sudo:
        # playwright calls sudo itself for the libraries; without a terminal it must not prompt
        if sudo == ["sudo", "-n"] and not run(["sudo", "-n", "true"]):
            with_deps = []
    return run([*PLAYWRIGHT, "install", *with_deps, "chromium"])


def how_to_fix() -> str:
    python = PYTHON
    if not os.path.relpath(python).startswith(".."):
        python = os.path.relpath(python)  # .venv/bin/python reads better than /home/.../.venv/bin/python
    lines = ["No usable Chromium or Chrome was found, and installing one failed. Do one of these, "
             "then run `make test` again:"]
    if shutil.which("apt-get"):  # Debian, Ubuntu: the distribution's package, else playwright's
        lines += ["  sudo apt-get install chromium                          (Debian)",
                  f"  sudo {python} -m playwright install-deps chromium && "
                  f"{python} -m playwright install chromium   (Ubuntu)"]
    else:
        lines.append(f"  {python} -m playwright install chromium")
    lines.append("  or set GMM_CHROMIUM to the path of an installed Chrome or Chromium.")
    return "\n".join(lines)


def ensure_chromium(install: bool = True) -> str:
    """The path of a usable browser, installing one if needed; SystemExit(message) on failure."""
    chosen = os.environ.get("GMM_CHROMIUM")
    if chosen:
        if usable(chosen):
            return chosen
        raise SystemExit(f"GMM_CHROMIUM={chosen} is not a browser that runs (`{chosen} --version` "
                         "failed or does not name Chrome/Chromium). Unset GMM_CHROMIUM to let "
                         "make find or install one, or point it at a working Chrome or Chromium.")
    path = find_chromium()
    if path or not install:
        if path:
            return path
        raise SystemExit(how_to_fix())
    log("no usable Chromium found; installing one")
    sudo = privilege_prefix()
    if shutil.which("apt-get") and sudo is not None and install_with_apt(sudo):
        path = find_chromium(include_playwright=False)
        if path:
            return path
        log(f"apt-get installed {APT_PACKAGE}, but no working browser came with it")
    elif shutil.which("apt-get"):
        log("apt-get is here but neither root nor sudo is available (or apt-get failed)")
    if install_with_playwright(sudo):
        path = playwright_chromium()
        if usable(path):
            return path
        log(f"playwright's Chromium at {path} does not run (missing system libraries?)")
    raise SystemExit(how_to_fix())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--find-only", action="store_true", help="never install anything")
    args = parser.parse_args(argv)
    path = ensure_chromium(install=not args.find_only)
    log(f"using {path}")
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
