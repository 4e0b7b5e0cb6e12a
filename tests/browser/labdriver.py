"""Processes and page helpers for the browser suite: JupyterLab, chromium, and what a test waits on.

Everything started here is started as the leader of a process group of its own (a new session
on POSIX, CREATE_NEW_PROCESS_GROUP on Windows) and ended through that group (killpg on POSIX,
CTRL_BREAK_EVENT then taskkill /T on Windows), never by name. Waits are on kernel status and DOM
state; the only fixed pause is the 300 ms between two "kernel idle" readings that tells a settled
kernel from one about to receive a queued widget message.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
IS_WINDOWS = os.name == "nt"
# The Makefile finds (or installs) a chromium and passes it here; Debian's is the default.
# The browser make uses: $GMM_CHROMIUM (set by the Makefile from tests/ensure_browser.py), else the
# same search without installing anything, so `python -m pytest tests/browser` finds it too.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ensure_browser import find_chromium  # noqa: E402  (tests/ is not a package)

CHROMIUM = os.environ.get("GMM_CHROMIUM") or find_chromium() or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
# What the copy of the repository leaves out: environments, caches, VCS data, build output.
COPY_IGNORE = shutil.ignore_patterns(
    ".venv", ".venv-*", ".git", "__pycache__", ".pytest_cache", ".hypothesis", "build", "*.egg-info",
    ".ipynb_checkpoints", "node_modules",
)
# User settings for the test's JupyterLab (a temporary user-settings dir): no news pop-up, and
# every cell attached to the DOM so a view further down the page can be found and screenshotted.
# The document manager's settings are deliberately left alone: the `.py`-opens-as-notebook test
# must see the default viewer that the venv's overrides.json sets, as `make lab` users do.
USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # RISE slideshows without slide transitions: a slide is measured where it stops, at once.
    "jupyterlab-rise/plugin.jupyterlab-settings": {"transition": "none"},
}
ARTIFACTS = Path(os.environ.get("GMM_BROWSER_ARTIFACTS", REPO / "build" / "browser")).resolve()
SCREENSHOTS_DIR = os.environ.get("GMM_SCREENSHOTS_DIR")
SELFTEST = os.environ.get("GMM_BROWSER_SELFTEST", "") not in ("", "0")
SELFTEST_NAME = "zz_selftest.ipynb"
REPORT: list[str] = []  # lines the conftest prints in the terminal summary


def note(line: str) -> None:
    REPORT.append(line)
    print(line, flush=True)


def notebook_names() -> list[str]:
    """notebooks/[0-9]*.ipynb, read at collection time (renamed and new notebooks are picked up)."""
    names = sorted(p.name for p in (REPO / "notebooks").glob("[0-9]*.ipynb"))
    return names + [SELFTEST_NAME] if SELFTEST else names


def course_notebooks(solutions: bool = True) -> list[str]:
    """Repository-relative POSIX paths of notebooks/[0-9]*.ipynb and notebooks/solutions/*.ipynb."""
    found = sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))
    if solutions:
        found += sorted((REPO / "notebooks" / "solutions").glob("*.ipynb"))
    return [p.relative_to(REPO).as_posix() for p in found]


def params_or_failure(values: list, what: str) -> list:
    """An empty parametrisation would be a silent skip: make it one test that fails instead."""
    import pytest
    return values or [pytest.param(None, id=f"no-{what}")]


OVERRIDES_REPO = REPO / "jupyterlab-settings" / "overrides.json"
OVERRIDES_VENV = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"


class Timer:
    def __init__(self):
        self.t0 = time.perf_counter()

    def __call__(self) -> float:
        return time.perf_counter() - self.t0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_group(cmd, **kwargs) -> subprocess.Popen:
    """Start ``cmd`` as the leader of a new process group, so that it ends with all it started."""
    if IS_WINDOWS:
        kwargs["creationflags"] = kwargs.get("creationflags", 0) | subprocess.CREATE_NEW_PROCESS_GROUP
    else:
        kwargs["start_new_session"] = True
    return subprocess.Popen(cmd, **kwargs)


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (POSIX), to end the kernels a server started in their own sessions."""
    return _children_proc(pid) if Path("/proc").is_dir() else _children_ps(pid)


def _children_proc(pid: int) -> list[int]:
    """Linux: read the parent of every process from /proc."""
    out = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        m = re.search(r"^PPid:\s+(\d+)$", text, re.M)
        if m and int(m.group(1)) == pid:
            out.append(int(status.parent.name))
    return out


def _children_ps(pid: int) -> list[int]:
    """macOS and the BSDs have no /proc: ask ps (``-A -o pid= -o ppid=`` is POSIX)."""
    try:
        table = subprocess.run(["ps", "-A", "-o", "pid=", "-o", "ppid="], capture_output=True,
                               text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    pairs = [line.split() for line in table.splitlines()]
    return [int(c) for c, p in (x for x in pairs if len(x) == 2) if int(p) == pid]


def _wait(proc: subprocess.Popen, timeout: float) -> bool:
    try:
        proc.wait(timeout)
        return True
    except subprocess.TimeoutExpired:
        return False


def end_process_group(proc: subprocess.Popen, grace: float = 10.0) -> None:
    """End the process group led by ``proc`` (started by :func:`start_group`): politely, then by force."""
    if proc.poll() is not None:
        return
    if IS_WINDOWS:
        # CTRL_BREAK_EVENT reaches every console process of the group (os.killpg's nearest
        # equivalent); taskkill /T then ends whatever is left of the tree, children included.
        try:
            proc.send_signal(signal.CTRL_BREAK_EVENT)
        except OSError:
            pass
        if _wait(proc, grace):
            return
        subprocess.run(["taskkill", "/PID", str(proc.pid), "/T", "/F"], capture_output=True)
        if not _wait(proc, 5.0):
            proc.kill()
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        if _wait(proc, wait):
            return


def _kill_group(pgid: int) -> None:
    """SIGKILL a process group left behind (POSIX; on Windows taskkill /T already took the tree)."""
    if IS_WINDOWS:
        return
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


class LabServer:
    """JupyterLab on 127.0.0.1 over a temporary copy of the repository."""

    def __init__(self, workdir: Path, extra_notebooks: list[Path] = (), extra_files: dict | None = None):
        """``extra_notebooks`` go into the copy's notebooks/; ``extra_files`` maps a path in the
        copy (POSIX, relative) to the file copied there."""
        self.workdir = Path(workdir)
        self.root = self.workdir / "repo"
        shutil.copytree(REPO, self.root, ignore=COPY_IGNORE)
        for nb in extra_notebooks:
            shutil.copy2(nb, self.root / "notebooks" / Path(nb).name)
        for rel, src in (extra_files or {}).items():
            dest = self.root / Path(*rel.split("/"))
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
        settings = self.workdir / "user-settings"
        for rel, value in USER_SETTINGS.items():
            p = settings / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(json.dumps(value))
        for d in ("config", "data", "runtime", "ipython", "workspaces"):
            (self.workdir / d).mkdir()
        self.token = secrets.token_hex(24)
        self.log_path = self.workdir / "jupyterlab.log"
        env = dict(os.environ)
        env.update(
            # A clean Jupyter: no user config, kernels or IPython profile from the home dir.
            JUPYTER_CONFIG_DIR=str(self.workdir / "config"),
            JUPYTER_DATA_DIR=str(self.workdir / "data"),
            JUPYTER_RUNTIME_DIR=str(self.workdir / "runtime"),
            IPYTHONDIR=str(self.workdir / "ipython"),
            JUPYTER_PLATFORM_DIRS="1",
            # The RISE slideshow app reads user settings from here (JupyterLab is told by flag).
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            # Kernels import the copy's gmmlib, not the editable install of the working tree.
            PYTHONPATH=os.pathsep.join(filter(None, [str(self.root), os.environ.get("PYTHONPATH")])),
        )
        last_error = None
        for _attempt in range(3):  # a port picked free can be taken before the server binds it
            self.port = free_port()
            self.url = f"http://127.0.0.1:{self.port}"
            cmd = [
                sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
                "--ip=127.0.0.1", f"--port={self.port}", "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
                "--LabApp.expose_app_in_browser=True",
                f"--LabApp.user_settings_dir={settings}",
                f"--LabApp.workspaces_dir={self.workdir / 'workspaces'}",
            ]
            self.log = open(self.log_path, "ab")
            self.proc = start_group(cmd, cwd=self.root, env=env, stdin=subprocess.DEVNULL,
                                    stdout=self.log, stderr=subprocess.STDOUT)
            try:
                self._wait_ready(90)
                return
            except RuntimeError as e:
                last_error = e
                self.stop()
        raise RuntimeError(f"JupyterLab did not start: {last_error}; log: {self.log_path}")

    def api(self, path: str, method: str = "GET"):
        req = urllib.request.Request(f"{self.url}{path}", method=method,
                                     headers={"Authorization": f"token {self.token}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"exited with {self.proc.returncode}")
            try:
                self.api("/api/status")
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        raise RuntimeError(f"/api/status did not answer in {timeout:.0f} s")

    def lab_url(self, path: str) -> str:
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"

    def rise_url(self, path: str) -> str:
        """The jupyterlab-rise slideshow of ``path`` (the page RISE:preview shows in an iframe)."""
        return f"{self.url}/rise/{path}?token={self.token}"

    def shutdown_kernels(self) -> None:
        try:
            for k in self.api("/api/kernels"):
                self.api(f"/api/kernels/{k['id']}", method="DELETE")
        except Exception:  # the server may already be gone; stop() ends what is left
            pass

    def stop(self) -> None:
        kernels = _children(self.proc.pid) if self.proc.poll() is None else []
        if self.proc.poll() is None:
            self.shutdown_kernels()
        end_process_group(self.proc)
        # Kernels run in sessions of their own (jupyter_client starts them so); end any the
        # server left behind, by the process group ids recorded above.
        for pid in kernels:
            _kill_group(pid)
        self.log.close()

    def log_tail(self, n: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-n:])
        except OSError:
            return ""


class Chromium:
    """Debian's chromium, started by us with a fresh profile, driven by playwright over CDP."""

    def __init__(self, workdir: Path, playwright):
        if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
            raise FileNotFoundError(CHROMIUM)
        self.profile = Path(workdir) / "chromium-profile"
        self.profile.mkdir(parents=True)
        self.log_path = Path(workdir) / "chromium.log"
        self.log = open(self.log_path, "ab")
        cmd = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={self.profile}",
               "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
               "--window-size=1400,1000", "about:blank"]
        self.proc = start_group(cmd, stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and len(port_file.read_text().splitlines()) >= 2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"chromium did not start; log: {self.log_path}")
            time.sleep(0.05)
        port, ws_path = port_file.read_text().splitlines()[:2]
        self.browser = playwright.chromium.connect_over_cdp(f"ws://127.0.0.1:{port}{ws_path}")
        self.context = self.browser.contexts[0]

    def stop(self) -> None:
        try:
            if getattr(self, "browser", None) is not None:
                self.browser.close()
        except Exception:
            pass
        end_process_group(self.proc, grace=5.0)
        self.log.close()


# ----------------------------------------------------------------------------- page helpers

JS_CURRENT = "window.jupyterapp && window.jupyterapp.shell.currentWidget"

JS_KERNEL_IDLE = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
  return !!k && k.status === 'idle' && k.connectionStatus === 'connected';
}"""


def wait_idle(page, timeout_ms: int = 60_000) -> None:
    page.wait_for_function(JS_KERNEL_IDLE, timeout=timeout_ms, polling=25)


def settle(page, timeout_ms: int = 60_000) -> None:
    """The kernel is idle, and still idle 300 ms later (queued widget messages have been handled)."""
    wait_idle(page, timeout_ms)
    page.wait_for_timeout(300)
    wait_idle(page, timeout_ms)


def open_lab(page, server: LabServer, timeout_ms: int = 90_000) -> None:
    """Load JupyterLab (a reset workspace) in ``page``; documents are then opened in it one by one."""
    page.goto(f"{server.url}/lab?reset&token={server.token}", wait_until="domcontentloaded", timeout=timeout_ms)
    page.wait_for_function("() => !!window.jupyterapp && !!window.jupyterapp.shell", timeout=timeout_ms, polling=50)
    page.evaluate("async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }")


def to_front(page) -> None:
    """Make ``page`` the tab in front: chromium stops drawing a tab behind another one, and a
    screenshot or a JupyterLab layout there then waits forever."""
    page.bring_to_front()


def activate(page, path: str) -> None:
    """Make the open document ``path`` JupyterLab's current widget again (after another tab had focus)."""
    to_front(page)
    page.evaluate("""(path) => { const app = window.jupyterapp;
        for (const w of app.shell.widgets('main')) if (w.context && w.context.path === path) app.shell.activateById(w.id); }""", path)
    page.wait_for_function(f"""() => {{ const w = {JS_CURRENT}; return !!w && !!w.context && w.context.path === {json.dumps(path)}; }}""",
                           timeout=30_000, polling=50)


def save_document(page) -> None:
    """Save the current document (outputs included) through JupyterLab."""
    page.evaluate(f"async () => {{ await {JS_CURRENT}.context.save(); }}")


def open_document(page, path: str, timeout_ms: int = 60_000) -> None:
    """Open ``path`` with its default viewer (as a double click in the file browser does)."""
    to_front(page)
    page.evaluate("async (path) => { await window.jupyterapp.commands.execute('docmanager:open', {path}); }", path)
    page.wait_for_function(
        f"""() => {{ const w = {JS_CURRENT}; return !!w && !!w.context && w.context.path === {json.dumps(path)}; }}""",
        timeout=timeout_ms, polling=50)
    page.evaluate(f"""async () => {{ const w = {JS_CURRENT}; await w.context.ready;
        if (w.sessionContext) await w.sessionContext.ready; }}""")


def close_document(page, path: str | None = None) -> None:
    """Shut the kernel of document ``path`` (default: the current one) down and dispose of its
    widget (no save dialog)."""
    if page.locator(".jp-Dialog").count():
        page.keyboard.press("Escape")
    page.evaluate(f"""async (path) => {{ const app = window.jupyterapp;
        const w = path === null ? {JS_CURRENT} : [...app.shell.widgets('main')].find(w => w.context && w.context.path === path);
        if (!w || !w.context) return;
        if (w.sessionContext && w.sessionContext.session) await w.sessionContext.shutdown();
        w.dispose(); }}""", path)


def kernel_ready(page, timeout_ms: int = 60_000) -> None:
    dialog = page.locator(".jp-Dialog")
    try:
        wait_idle(page, timeout_ms)
    except Exception:
        if dialog.count():
            raise AssertionError(f"a dialog blocks the notebook: {dialog.first.inner_text()!r}")
        raise


def run_all(page, timeout_ms: int = 180_000) -> None:
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # run-all resolves when every cell has its execute reply; wait on the model as well.
    page.wait_for_function("""() => {
      const w = window.jupyterapp.shell.currentWidget; const cells = w.content.model.cells;
      for (let i = 0; i < cells.length; i++) { const c = cells.get(i);
        if (c.type === 'code' && c.sharedModel.getSource().trim() && c.executionCount == null) return false; }
      return true; }""", timeout=timeout_ms, polling=100)
    settle(page, timeout_ms)


def notebook_problems(page) -> list[str]:
    """Error outputs, code cells left unexecuted, widgets that failed to render."""
    return page.evaluate("""() => {
      const w = window.jupyterapp.shell.currentWidget; const cells = w.content.model.cells; const out = [];
      for (let i = 0; i < cells.length; i++) { const c = cells.get(i);
        if (c.type !== 'code') continue;
        if (c.sharedModel.getSource().trim() && c.executionCount == null) out.push(`cell ${i}: not executed`);
        for (let j = 0; j < c.outputs.length; j++) { const o = c.outputs.get(j).toJSON();
          if (o.output_type === 'error') out.push(`cell ${i}: ${o.ename}: ${o.evalue}`); } }
      for (const el of w.content.node.querySelectorAll('.jp-OutputArea-output')) {
        const t = el.innerText || '';
        if (/Error displaying widget|Error rendering output|Failed to display/.test(t)) out.push('output: ' + t.slice(0, 200)); }
      return out; }""")


def wait_widgets_rendered(page, timeout_ms: int = 30_000) -> None:
    page.wait_for_function("""() => {
      const w = window.jupyterapp.shell.currentWidget;
      for (const el of w.content.node.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]')) {
        if (!el.querySelector('.jupyter-widgets') || /Loading widget/.test(el.innerText)) return false; }
      for (const img of w.content.node.querySelectorAll('.gmm-view img.gmm-figure')) {
        if (!img.complete || !img.naturalWidth) return false; }
      return true; }""", timeout=timeout_ms, polling=100)


JS_FIGURE_HASH = """async (img) => {
  const buf = await (await fetch(img.src)).arrayBuffer();
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
  return Array.from(d.slice(0, 8), b => b.toString(16).padStart(2, '0')).join(''); }"""

CAPTION_RE = re.compile(r"K\s*=\s*(\d+).*?iteration\s*=\s*(\d+)", re.S)


class View:
    """One ``gmm-view`` on the page, addressed through the DOM contract of gmmlib.views."""

    def __init__(self, page, index: int, css_class: str = "gmm-view"):
        self.page, self.index, self.css_class = page, index, css_class
        self.root = page.locator(f".{css_class}").nth(index)
        self.figure = self.root.locator("img.gmm-figure").first
        self.caption_el = self.root.locator(".gmm-caption").first
        self.iteration = self.root.locator(".gmm-iteration").first
        self.k = self.root.locator(".gmm-k").first
        self.play = self.root.locator(".gmm-play").first

    def caption(self) -> str:
        return self.caption_el.inner_text().strip()

    def state(self) -> tuple[int | None, int]:
        """(K, iteration) as the caption says they were drawn."""
        text = self.caption()
        m = CAPTION_RE.search(text)
        assert m, f"caption {text!r} does not read like 'K=3 iteration=5 ...'"
        return int(m.group(1)), int(m.group(2))

    def figure_hash(self) -> str:
        self.page.wait_for_function("(img) => img.complete && img.naturalWidth > 0",
                                    arg=self.figure.element_handle(), timeout=15_000)
        return self.figure.evaluate(JS_FIGURE_HASH)

    def has_k(self) -> bool:
        return self.root.locator(".gmm-k").count() > 0

    @staticmethod
    def slider_range(slider) -> tuple[int, int, int]:
        h = slider.locator(".noUi-handle").first
        vals = [h.get_attribute(a) for a in ("aria-valuemin", "aria-valuemax", "aria-valuenow")]
        return tuple(int(round(float(v))) for v in vals)

    def readout(self, slider) -> int:
        return int(slider.locator(".widget-readout").first.inner_text().strip())

    def wait_caption(self, k: int | None = None, iteration: int | None = None, timeout_ms: int = 30_000) -> None:
        self.page.wait_for_function(
            """([el, k, it]) => { const m = /K\\s*=\\s*(\\d+)[\\s\\S]*?iteration\\s*=\\s*(\\d+)/.exec(el.innerText);
                 return !!m && (k === null || +m[1] === k) && (it === null || +m[2] === it); }""",
            arg=[self.caption_el.element_handle(), k, iteration], timeout=timeout_ms, polling=20)

    def press(self, slider, key: str) -> None:
        slider.locator(".noUi-handle").first.focus()
        self.page.keyboard.press(key)
