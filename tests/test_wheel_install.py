"""A wheel install runs a lab from any folder: no checkout, no ``labs/``, no network.

The notebook test builds a wheel of this checkout, installs it into a fresh venv that borrows this venv's
dependencies (never its editable install of vpc-labs), copies lab 01 into a folder outside the repository and runs
it there with that venv's `vpclab run` and kernel; then copies the course out (`vpclab labs --copy`) and runs
examples/ci-network-docs' tests with the plugin loaded by the wheel's own pytest11 entry point (no -p). The other
tests prove the same fallbacks in this process.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import nbformat
import pytest

from lab_helpers.core import catalog
from lab_helpers.errors import SolutionNotFound, UnknownLabError
from lab_helpers.teach import solutions

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
KERNEL = "vpclab-wheel"
MARK = "VPCLAB-WHEEL "
# Run inside the copied notebook, after its last cell: where the code came from and that package data loads.
PROBE = f"""\
import json as _json, sys as _sys
import ipykernel.connect as _connect
import lab_helpers as _lh
from lab_helpers.core import catalog as _catalog
from lab_helpers.lessons.seminar import manifest as _manifest
from lab_helpers.sim.costs.pricing import price as _price
print({MARK!r} + _json.dumps({{
    "executable": _sys.executable, "lab_helpers": _lh.__file__, "lab": lab.name,
    "catalog_path": str(_catalog.find("01_vpc_basics").path),
    "nat_hour_usd": _price("nat_gateway_hour", "us-east-1").usd,
    "deployments": _manifest("01-deployments.yaml"),
    "transport": _connect.get_connection_info(unpack=True)["transport"]}}))
"""


@pytest.fixture
def no_labs_folder(tmp_path, monkeypatch):
    """This process as a wheel install sees it: the labs folder does not exist."""
    monkeypatch.setenv("VPCLAB_LABS_DIR", str(tmp_path / "no-labs-here"))


def test_packaged_catalog_finds_labs_without_a_labs_folder(no_labs_folder):
    labs = catalog.discover()
    assert [lab.name for lab in labs] == [row["name"] for row in catalog.declarations(ROOT / "labs")]
    info = catalog.find("1")
    assert (info.name, info.path) == ("01_vpc_basics", None) and info.minutes > 0 and info.objectives
    with pytest.raises(UnknownLabError, match="There is no lab called '42'"):
        catalog.find("42")


def test_cli_list_and_run_without_a_labs_folder(no_labs_folder, capsys):
    from lab_helpers import cli

    assert cli.main(["list"]) == 0
    assert "01_vpc_basics" in capsys.readouterr().out
    assert cli.main(["run", "01"]) == 2
    assert "VPCLAB_LABS_DIR" in capsys.readouterr().err


def test_missing_solutions_say_what_to_do(no_labs_folder):
    with pytest.raises(SolutionNotFound, match="SOLUTIONS = False"):
        solutions.load("01_vpc_basics", "usable_addresses")


def test_missing_solution_name_is_solution_not_found():
    with pytest.raises(SolutionNotFound, match="no solution called 'no_such_exercise'"):
        solutions.load("01_vpc_basics", "no_such_exercise")


@pytest.mark.notebook
def test_wheel_runs_lab_01_outside_the_repository(tmp_path):
    wheel = build_wheel(tmp_path / "dist")
    with zipfile.ZipFile(wheel) as zf:
        assert "lab_helpers/data/catalog.json" in zf.namelist(), "pyproject's package-data must ship catalog.json"
        assert {"lab_helpers/data/labs/01_vpc_basics.ipynb", "lab_helpers/data/labs/solutions.json"} <= \
            set(zf.namelist()), "pyproject's package-data must ship the course's notebooks for `vpclab labs --copy`"
    env = clean_env(tmp_path)
    venv = fresh_venv(tmp_path / "venv", env)
    run([venv.python, "-m", "pip", "install", "--no-deps", "--no-index", "--no-cache-dir", str(wheel)], env, tmp_path)
    run([venv.python, "-m", "ipykernel", "install", "--prefix", str(venv.root), "--name", KERNEL], env, tmp_path)

    elsewhere = tmp_path / "my-labs"
    elsewhere.mkdir()
    notebook = elsewhere / "01_vpc_basics.ipynb"
    nb = nbformat.read(ROOT / "labs" / notebook.name, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    nbformat.write(nb, notebook)
    # `vpclab run` of the wheel's own venv: its kernel over IPC, as every run the package starts
    ran = run([str(venv.root / "bin" / "vpclab"), "run", str(notebook), "--mode", "sandbox", "--kernel", KERNEL,
               "--out", str(elsewhere / "runs"), "--no-progress"], env, cwd=elsewhere, timeout=900)
    assert "ran to the end" in ran, ran[-2000:]
    out = elsewhere / "runs" / "01_vpc_basics.ipynb"

    seen = probe_output(out)
    site = venv.root / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    assert Path(seen["executable"]).parent == venv.root / "bin", seen["executable"]
    assert Path(seen["lab_helpers"]).is_relative_to(site), seen["lab_helpers"]
    assert seen["lab"] == "01_vpc_basics" and seen["catalog_path"] == "None"
    assert seen["nat_hour_usd"] and "kind: Deployment" in seen["deployments"]
    assert seen["transport"] == "ipc", "the wheel's `vpclab run` must start its kernel over Unix sockets, not TCP"
    listing = run([str(venv.root / "bin" / "vpclab"), "list"], env, cwd=elsewhere)
    assert "01_vpc_basics" in listing and "total" in listing
    copied = run([str(venv.root / "bin" / "vpclab"), "labs", "--copy", "course"], env, cwd=elsewhere)
    assert "from the installed package" in copied
    assert (elsewhere / "course" / "09_capstone.ipynb").read_text() == (ROOT / "labs" / "09_capstone.ipynb").read_text()
    assert (elsewhere / "course" / "solutions" / "01_vpc_basics.py").is_file()
    # The wheel's pytest11 entry point loads the plugin by itself: the example project's tests need no -p.
    project = Path(shutil.copytree(ROOT / "examples" / "ci-network-docs", elsewhere / "ci-network-docs",
                                   ignore=shutil.ignore_patterns("__pycache__", "build")))
    tested = run([venv.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], env, cwd=project, timeout=600)
    assert "7 passed" in tested, tested[-2000:]


# --- helpers -----------------------------------------------------------------------------------------------------

class Venv:
    def __init__(self, root: Path):
        self.root = root
        self.python = str(root / "bin" / "python")


def clean_env(tmp_path: Path) -> dict:
    """This suite's env (fake credentials, the socket guard) minus anything that would reveal the checkout."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VPCLAB_LABS_DIR", "VPCLAB_STRICT", "VIRTUAL_ENV", "PYTHONHOME", "JUPYTER_PATH")}
    env.update(PYTHONPATH=str(TESTS / "netguard"), VPCLAB_HOME=str(tmp_path / "home"),
               PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", PYTHONNOUSERSITE="1")
    return env


def run(argv: list, env: dict, cwd: Path, timeout: int = 300) -> str:
    """``argv`` run in ``cwd``, never the checkout: ``python -c`` would put the checkout on sys.path."""
    done = subprocess.run([str(a) for a in argv], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, argv[:4]))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def fresh_venv(root: Path, env: dict) -> Venv:
    """A new venv whose only view of this venv is a filtered copy of its site-packages (links, no .pth files).

    Dropping the ``.pth`` files drops the editable install's path to the checkout; dropping vpc-labs' own
    metadata lets pip install the wheel as new. Nothing is downloaded.
    """
    run([sys.executable, "-m", "venv", "--without-pip", str(root)], env, root.parent)
    venv = Venv(root)
    shared = Path(sysconfig.get_paths()["purelib"])
    borrowed = root / "borrowed-site-packages"
    borrowed.mkdir()
    for entry in shared.iterdir():
        name = entry.name.lower()
        if name.endswith(".pth") or name.startswith(("__editable__", "vpc_labs", "lab_helpers")):
            continue
        (borrowed / entry.name).symlink_to(entry)
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(run([venv.python, "-c", purelib], env, root).strip())
    (site / "borrowed.pth").write_text(f"{borrowed}\n")
    leaked = run([venv.python, "-c", "import importlib.util as u; print(u.find_spec('lab_helpers'))"], env, root)
    assert leaked.strip() == "None", f"the new venv still sees lab_helpers: {leaked}"
    return venv


def build_wheel(out: Path) -> Path:
    """The wheel pip builds from a copy of the sources, offline (setuptools >= 70.1, pinned in the test extra,
    builds wheels itself)."""
    out.mkdir(parents=True)
    source = out / "source"  # a copy: building in the checkout would leave build/ and an egg-info in it
    shutil.copytree(ROOT / "lab_helpers", source / "lab_helpers", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull}
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out),
         str(source)], env, out)
    return next(out.glob("vpc_labs-*.whl"))


def probe_output(executed: Path) -> dict:
    nb = nbformat.read(executed, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, f"the notebook raised: {errors[0].ename}: {errors[0].evalue}"
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    line = next((line for line in text.splitlines() if line.startswith(MARK)), None)
    assert line, f"the probe cell printed nothing useful: {text[:500]}"
    return json.loads(line[len(MARK):])
