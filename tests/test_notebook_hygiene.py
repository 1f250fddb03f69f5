"""Notebooks are committed clean, shaped alike, and built from their reviewed sources."""
import json

import nbformat
import pytest
from nbrun import LABS, ROOT, lab_notebooks

NOTEBOOKS = lab_notebooks()


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(notebook):
    nb = json.loads(notebook.read_text())
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"
             and (c.get("outputs") or c.get("execution_count") is not None)]
    assert not dirty, f"{notebook.name}: cells {dirty} have outputs; run `make notebooks` (it strips them)"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_cell_declares_mode_region_solutions(notebook):
    nb = nbformat.read(notebook, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1, f"{notebook.name}: needs exactly one cell tagged 'parameters'"
    for name in ("MODE", "REGION", "SOLUTIONS"):
        assert f"{name} =" in params[0].source, f"{notebook.name}: parameters cell lacks {name}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_metadata_has_title_minutes_objectives(notebook):
    meta = nbformat.read(notebook, as_version=4).metadata.get("vpclab", {})
    assert meta.get("title") and int(meta.get("minutes", 0)) > 0 and meta.get("objectives"), notebook.name


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_lab_shape(notebook):
    """The sections every lab promises: teardown at the end, key points, a cost section, checks."""
    nb = nbformat.read(notebook, as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "lab.teardown()" in text
    assert "Key points" in text
    assert "check." in text or notebook.stem.startswith("00_")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_matches_its_source(notebook):
    import sys
    sys.path.insert(0, str(ROOT / "tools"))
    from build_notebooks import build

    src = LABS / "src" / f"{notebook.stem}.py"
    assert src.exists(), f"{notebook.name} has no source {src.relative_to(ROOT)}"
    built = build(src)
    committed = nbformat.read(notebook, as_version=4)
    assert [(c.cell_type, c.source) for c in built.cells] == [(c.cell_type, c.source) for c in committed.cells], \
        f"{notebook.name} is out of date with {src.name}: run `make notebooks`"


def test_packaged_catalog_matches_the_notebooks():
    """A wheel install finds labs through lab_helpers/data/catalog.json: it must say what the notebooks declare."""
    from lab_helpers.core.catalog import catalog_text, declarations

    packaged = ROOT / "lab_helpers" / "data" / "catalog.json"
    assert packaged.exists(), "lab_helpers/data/catalog.json is missing: run `make notebooks`"
    assert packaged.read_text(encoding="utf-8") == catalog_text(declarations(LABS)), \
        "lab_helpers/data/catalog.json is out of date with the notebooks' metadata: run `make notebooks`"
    rows = json.loads(packaged.read_text(encoding="utf-8"))["labs"]
    assert [row["name"] for row in rows] == [nb.stem for nb in NOTEBOOKS]
    assert all(set(row) == {"name", "title", "minutes", "objectives"} for row in rows), "no paths, nothing else"


def test_packaged_labs_match_the_notebooks_and_solutions():
    """A wheel ships the course in lab_helpers/data/labs/ for `vpclab labs --copy`: the same bytes as labs/."""
    from lab_helpers.core.course_files import SOLUTIONS_BUNDLE, solutions_bundle_text

    packaged = ROOT / "lab_helpers" / "data" / "labs"
    stale = "run `make notebooks` (tools/build_notebooks.py copies labs/ there)"
    assert sorted(p.name for p in packaged.glob("*.ipynb")) == [nb.name for nb in NOTEBOOKS], stale
    for nb in NOTEBOOKS:
        assert (packaged / nb.name).read_text(encoding="utf-8") == nb.read_text(encoding="utf-8"), f"{nb.name}: {stale}"
    assert (packaged / SOLUTIONS_BUNDLE).read_text(encoding="utf-8") == solutions_bundle_text(LABS), stale
