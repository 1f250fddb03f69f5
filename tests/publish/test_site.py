"""The docs site: every lab page built from a learner's first run, and the checks that guard what gets published."""
import json
import shutil
from pathlib import Path

import build_site
import check_site
import pytest

from lab_helpers.core.catalog import discover

ROOT = Path(__file__).resolve().parents[2]
needs_build = pytest.mark.notebook  # these execute notebooks (a toy site): not part of `make test-fast`


@pytest.fixture(scope="module")
def toy_site(tmp_path_factory):
    from toy_labs import make_toy_labs

    base = tmp_path_factory.mktemp("toysite")
    labs = make_toy_labs(base)
    manifest = build_site.build(labs, base / "build" / "site", jobs=2)
    return base / "build" / "site", labs, manifest


def _copy(site, tmp_path):
    """A private copy of the built site (and its executed notebooks) a test may break."""
    dest = tmp_path / "build"
    shutil.copytree(site.parent, dest)
    return dest / "site"


@needs_build
def test_toy_site_has_every_page_figures_and_glossary(toy_site):
    site, labs, manifest = toy_site
    names = [lab.name for lab in discover(labs)]
    assert [entry["name"] for entry in manifest["labs"]] == names
    for name in names:
        assert (site / "labs" / f"{name}.html").exists()
        assert (site / "notebooks" / f"{name}.ipynb").exists()
    home = (site / "index.html").read_text()
    # the home page lists the labs in order with minutes and objectives from the notebook metadata
    assert home.index("Toy VPC") < home.index("Toy widgets")
    assert "20 min" in home and "Create a VPC" in home and "about 30 minutes" in home
    page = (site / "labs" / "01_toy_vpc.html").read_text()
    assert "NotImplementedError" in page and "Exercise 1.1" in page  # the exercise, not the answer
    assert "# Parameters" not in page  # papermill's injected cell is dropped
    figures = list((site / "labs" / "01_toy_vpc_files").glob("*.png"))
    assert figures and figures[0].stat().st_size > 1000
    assert figures[0].name in (site / "figures.html").read_text()
    # a link written for Jupyter points at the site's page instead
    assert 'href="02_toy_widgets.html"' in page and 'href="../glossary.html"' in page
    assert "Transit Gateway" in (site / "glossary.html").read_text()
    timing = (site / "timing.html").read_text()
    assert 'href="labs/01_toy_vpc.html"' in timing and "2. Exercise — build it" in timing
    assert 'href="../timing.html"' in page  # every page's menu has it
    assert json.loads((site / "manifest.json").read_text())["labs"][0]["errors"] == []
    widgets = (site / "labs" / "02_toy_widgets.html").read_text()
    assert "An interactive widget is here" in widgets and "HBox(children" not in widgets
    assert "In\u00a0[3]:" in widgets and "In\u00a0[4]:" not in widgets  # renumbered after dropping a cell


@needs_build
def test_toy_site_passes_the_checks(toy_site):
    site, labs, _ = toy_site
    assert check_site.check(site, labs) == []


@needs_build
def test_check_finds_an_errored_cell(toy_site, tmp_path):
    site, labs, _ = toy_site
    site = _copy(toy_site[0], tmp_path)
    executed = site.parent / "executed" / "02_toy_widgets.ipynb"
    nb = json.loads(executed.read_text())
    nb["cells"][-1]["outputs"].append({"output_type": "error", "ename": "KeyError", "evalue": "'VpcId'",
                                       "traceback": []})
    executed.write_text(json.dumps(nb))
    problems = check_site.check(site, labs)
    assert [p.kind for p in problems] == ["cell errored"] and "KeyError" in problems[0].detail


@needs_build
@pytest.mark.parametrize("leak, kind", [
    ("key AKIAZ7QWERTYUIOPASDF in a cell", "credential-looking string (AWS access key id)"),
    ("aws_secret_access_key = Zq3+Rk9sLmN0pQ2rStUvWxYz1234567890AbCdEf", "AWS secret access key"),
    ("-----BEGIN RSA PRIVATE KEY-----", "private key"),
    ("File /root/.vpclab/ledgers/x.json", "absolute home path"),
    ("Traceback in /home/alice/vpc-labs/lab_helpers/check.py", "absolute home path"),
])
def test_check_finds_leaks(toy_site, tmp_path, leak, kind):
    site = _copy(toy_site[0], tmp_path)
    page = site / "labs" / "01_toy_vpc.html"
    page.write_text(page.read_text().replace("</main>", f"<pre>{leak}</pre></main>"))
    problems = check_site.check(site, toy_site[1])
    assert len(problems) == 1 and kind in problems[0].kind, problems


def test_check_allows_documented_example_keys_and_fake_sandbox_credentials():
    text = ("AKIAIOSFODNN7EXAMPLE wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY AWS_SECRET_ACCESS_KEY=testing "
            "/work/home/x /tmp/homework/")
    assert check_site.scan_text("x", text) == []


@needs_build
def test_check_finds_missing_pages_and_broken_links(toy_site, tmp_path):
    site = _copy(toy_site[0], tmp_path)
    (site / "labs" / "02_toy_widgets.html").unlink()
    index = site / "index.html"
    index.write_text(index.read_text().replace("</main>", '<a href="labs/01_toy_vpc.html#no-such-id">x</a>'
                                                          '<img src="static/missing.png"></main>'))
    kinds = sorted(p.kind for p in check_site.check(site, toy_site[1]))
    # the lab page is missing (and so are the links to it from the home page and lab 01's pager)
    assert kinds.count("missing page") == 1
    assert "broken anchor" in kinds and kinds.count("broken link") >= 3


@pytest.mark.notebook
@pytest.mark.xdist_group("publish-heavy")
def test_site_of_the_real_labs(tmp_path):
    """What `make docs` does, on the repository's own labs: every page built and every check clean."""
    labs = discover(ROOT / "labs")
    if not labs:
        pytest.skip("no labs/*.ipynb yet")
    manifest = build_site.build(ROOT / "labs", tmp_path / "build" / "site", jobs=2)
    problems = check_site.check(tmp_path / "build" / "site", ROOT / "labs")
    assert problems == [], check_site.format_report(problems)
    assert len(manifest["labs"]) == len(labs)


def test_builder_refuses_to_wipe_a_folder_that_is_not_a_site(tmp_path, toy_labs):
    keep = tmp_path / "precious"
    keep.mkdir()
    (keep / "thesis.txt").write_text("do not delete")
    with pytest.raises(SystemExit, match="Refusing"):
        build_site.build(toy_labs, keep)
    assert (keep / "thesis.txt").exists()


def test_objectives_show_backticks_as_code_and_escape_html():
    assert str(build_site._inline_code("Run `vpclab cleanup` <now>")) == \
        "Run <code>vpclab cleanup</code> &lt;now&gt;"
