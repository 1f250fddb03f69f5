"""A real browser: JupyterLab on 127.0.0.1 with a token, Debian's Chromium driven by Playwright.

What a learner sees cannot be checked by papermill alone: ipywidgets need the JupyterLab widget manager and a live
comm to the kernel, and figures must reach the page. This test opens a notebook with a button and a figure, runs
every cell, clicks the button and waits for the kernel's answer to show; then it runs the widget lab
(``labs/02_nat_and_pat.ipynb`` when it exists, else lab 01) and checks that every widget and figure the kernel sent
was rendered, and that no cell errored. Screenshots go to ``build/browser/``.

Needs ``/usr/bin/chromium`` (``apt-get install chromium``) and the ``playwright`` Python package; never
``playwright install`` (no browser downloads here). Skipped, saying which is missing, when either is absent.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "browser"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 "--disable-dev-shm-usage"]

pytestmark = [pytest.mark.notebook, pytest.mark.xdist_group("publish-heavy")]


def chromium_path() -> str | None:
    for candidate in (os.environ.get("VPCLAB_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _require_browser():
    browser = chromium_path()
    if browser is None:
        pytest.skip("Chromium is not installed (apt-get install -y chromium); .ci/run installs it in CI")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        pytest.skip("the playwright Python package is not installed (pip install -e '.[test]')")
    return browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _widget_lab() -> Path:
    for name in ("02_nat_and_pat.ipynb", "01_vpc_basics.ipynb"):
        if (ROOT / "labs" / name).exists():
            return ROOT / "labs" / name
    return None


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """JupyterLab serving a scratch folder, bound to 127.0.0.1, with a random token; stopped after the module."""
    _require_browser()
    import nbformat
    from toy_labs import toy_02

    base = tmp_path_factory.mktemp("jlab")
    served = base / "served"
    served.mkdir()
    nbformat.write(toy_02(), str(served / "widgets_and_figure.ipynb"))
    lab = _widget_lab()
    if lab is not None:
        shutil.copy2(lab, served / lab.name)
    settings = base / "settings"
    # Every cell in the DOM (no virtual scrolling), and no news or update checks: this machine has no internet.
    for plugin, values in {"@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
                           "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                                           "checkForUpdates": False}}.items():
        target = settings / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    token, port = secrets.token_hex(16), _free_port()
    env = dict(os.environ)
    env.update({"VPCLAB_LABS_DIR": str(ROOT / "labs"), "VPCLAB_HOME": str(base / "home"),
                "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                "JUPYTER_CONFIG_DIR": str(base / "config"), "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
                "VPCLAB_MODE": "sandbox"})
    env.pop("VPCLAB_STRICT", None)
    log = open(base / "jupyterlab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={served}",
         f"--LabServerApp.user_settings_dir={settings}", f"--LabServerApp.workspaces_dir={base / 'workspaces'}",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None", "--ServerApp.terminals_enabled=False",
         "--LabApp.extension_manager=readonly", "--allow-root"],
        cwd=str(served), env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):  # bounded wait for the server to answer (never a timed assertion)
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited early:\n{(base / 'jupyterlab.log').read_text()[-3000:]}")
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not answer on 127.0.0.1")
        yield {"url": url, "token": token, "served": served, "lab": lab}
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser(jupyterlab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


OPEN_AND_RUN = """async (path) => {
  const app = window.jupyterapp;
  const panel = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await panel.context.ready;
  await panel.sessionContext.ready;
  app.shell.activateById(panel.id);
  await app.commands.execute('notebook:run-all-cells');
  // run-all resolves when the last cell has been executed; collect what the kernel sent back
  const cells = panel.content.model.cells;
  const summary = {errors: [], widgets: 0, images: 0, cells: cells.length};
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== 'code') continue;
    for (let j = 0; j < cell.outputs.length; j++) {
      const out = cell.outputs.get(j).toJSON();
      if (out.output_type === 'error') summary.errors.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
      const data = out.data || {};
      if (data['application/vnd.jupyter.widget-view+json']) summary.widgets += 1;
      if (data['image/png'] || data['image/svg+xml']) summary.images += 1;
    }
  }
  return summary;
}"""


def _open_page(browser, jupyterlab):
    """A page in a workspace of its own: JupyterLab would otherwise reopen the previous test's notebooks."""
    import uuid

    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.set_default_timeout(120_000)
    page.goto(f"{jupyterlab['url']}/lab/workspaces/t{uuid.uuid4().hex[:8]}?reset&token={jupyterlab['token']}")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started !== undefined")
    page.evaluate("() => window.jupyterapp.started")
    page.wait_for_selector(".jp-LabShell")
    return page


def test_widget_renders_and_answers_a_click_and_the_figure_appears(browser, jupyterlab):
    page = _open_page(browser, jupyterlab)
    summary = page.evaluate(OPEN_AND_RUN, "widgets_and_figure.ipynb")
    assert summary["errors"] == []
    assert summary["widgets"] == 1 and summary["images"] == 1
    button = page.locator(".jp-OutputArea-output .widget-button", has_text="Count")
    button.wait_for(state="visible")
    label = page.locator(".jp-OutputArea-output .widget-label", has_text="clicked")
    assert label.inner_text() == "clicked 0"
    button.click()
    # the click goes to the kernel over the widget comm; the kernel's new value comes back to the DOM
    page.locator(".widget-label", has_text="clicked 1").wait_for()
    button.click()
    page.locator(".widget-label", has_text="clicked 2").wait_for()
    figure = page.locator(".jp-OutputArea-output.jp-RenderedImage img").first
    figure.wait_for(state="visible")
    assert figure.evaluate("img => img.naturalWidth") > 100
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "widgets_and_figure.png"), full_page=True)
    page.close()


def test_widget_lab_runs_in_jupyterlab_with_every_widget_and_figure_rendered(browser, jupyterlab):
    if jupyterlab["lab"] is None:
        pytest.skip("neither labs/02_nat_and_pat.ipynb nor labs/01_vpc_basics.ipynb exists yet")
    name = jupyterlab["lab"].name
    page = _open_page(browser, jupyterlab)
    summary = page.evaluate(OPEN_AND_RUN, name)
    assert summary["errors"] == [], f"{name} errored in JupyterLab: {summary['errors']}"
    rendered_widgets = page.locator(".jp-OutputArea-output .jupyter-widgets").count()
    rendered_images = page.locator(".jp-OutputArea-output.jp-RenderedImage img").count()
    assert rendered_widgets >= summary["widgets"]
    assert rendered_images >= summary["images"]
    if summary["widgets"]:
        # a widget that responds: click the first enabled button and expect the page to change
        buttons = page.locator(".jp-OutputArea-output .widget-button:not([disabled])")
        if buttons.count():
            visible = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
            before = page.locator(visible).inner_text()
            buttons.first.click()
            page.wait_for_function("([sel, before]) => document.querySelector(sel).innerText !== before",
                                   arg=[visible, before])
    SHOTS.mkdir(parents=True, exist_ok=True)
    if rendered_images:  # show a figure in the screenshot, not just the key points at the end
        page.locator(".jp-OutputArea-output.jp-RenderedImage img").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"{jupyterlab['lab'].stem}.png"), full_page=True)
    page.close()
