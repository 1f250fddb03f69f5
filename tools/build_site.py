"""Build the static docs site: every lab executed in the sandbox, as a learner first sees it, rendered to HTML.

    python tools/build_site.py [--labs labs/] [--out build/site] [--jobs 2] [--no-check]

What it does, in order:

1. discover the labs from ``labs/NN_topic.ipynb`` (``lab_helpers.core.catalog.discover``: never a hand-kept list);
2. execute each with papermill in the sandbox with ``SOLUTIONS=False`` and ``VPCLAB_STRICT`` unset, so the page
   shows the exercises and their ❌ checks, not the answers — exactly a learner's first run. Labs run in a
   process pool (``--jobs``, 2 by default: the machine has two cores); each gets its own kernel, so its own
   in-process moto, and a private ``VPCLAB_HOME`` so no progress file or ledger of the builder's user leaks in;
3. render each executed notebook with nbconvert's ``basic`` template (cells only) inside our own page layout
   (``tools/site_templates/``), figures extracted to files next to the page;
4. write the home page (labs in order with minutes and objectives), a figures page, the glossary
   (``docs/GLOSSARY.md``) and any other ``docs/*.md`` we publish;
5. run ``tools/check_site.py`` on the result (pages exist, no cell errored, no secrets, no home paths,
   internal links resolve) and exit non-zero if it finds a problem.

Why nbconvert and not Jupyter Book or mkdocs-jupyter: see docs/PUBLISHING.md (short version: it is already
installed with papermill/jupyterlab, it is maintained by Jupyter itself, and a 200-line builder we own is easier to
keep true than a second toolchain with its own config language and dozens of dependencies).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tools/ itself: check_site
if str(ROOT) not in sys.path:  # `python tools/build_site.py` without PYTHONPATH still finds lab_helpers
    sys.path.insert(0, str(ROOT))

import check_site  # noqa: E402  (the checker never imports the builder: one direction)
from check_site import errored_cells  # noqa: E402

TEMPLATES = Path(__file__).resolve().parent / "site_templates"
# Extra docs published on the site, if present: (source, output file, nav title).
DOC_PAGES = [("docs/GLOSSARY.md", "glossary.html", "Glossary"),
             ("docs/INCIDENTS.md", "incidents.html", "Incidents"),
             ("docs/CLASSROOM.md", "classroom.html", "Teaching with the labs")]


@dataclass
class Executed:
    """One lab after execution: where the executed notebook is, how long it took, and any errored cells."""

    name: str
    notebook: str
    seconds: float
    errors: list = field(default_factory=list)  # [{"cell": index, "ename": ..., "evalue": ...}]


# -- 1+2. execute -----------------------------------------------------------------------------------------------
def _execute_one(args) -> dict:
    """Run in a worker process: execute one lab with papermill and report errored cells (never raise)."""
    src, dest, labs_dir, home, timeout = args
    from papermill.exceptions import PapermillExecutionError

    from lab_helpers.core.notebook_kernels import execute_notebook

    # A learner's first run: sandbox, no strict checks, no solutions, nothing of the builder's own state.
    for var in ("VPCLAB_STRICT", "AWS_ENDPOINT_URL", "AWS_PROFILE", "VPCLAB_LIVE_OK"):
        os.environ.pop(var, None)
    os.environ.update({"VPCLAB_MODE": "sandbox", "VPCLAB_HOME": home, "VPCLAB_NO_PROGRESS": "1",
                       "VPCLAB_LABS_DIR": labs_dir, "MPLBACKEND": "module://matplotlib_inline.backend_inline"})
    started = time.monotonic()
    try:
        execute_notebook(src, dest, parameters={"SOLUTIONS": False}, cwd=labs_dir, kernel_name="python3",
                         progress_bar=False, log_output=False, execution_timeout=timeout)
    except PapermillExecutionError:
        pass  # papermill already wrote the notebook with the error output; errored_cells() finds it
    except Exception as exc:  # the kernel died or the notebook is unreadable: report, let other labs finish
        return asdict(Executed(Path(src).stem, dest, time.monotonic() - started,
                               [{"cell": None, "ename": type(exc).__name__, "evalue": str(exc)[:500]}]))
    return asdict(Executed(Path(src).stem, dest, time.monotonic() - started, errored_cells(dest)))


def execute_labs(labs, executed_dir: Path, labs_dir: Path, jobs: int = 2, timeout: int = 300) -> list[Executed]:
    executed_dir.mkdir(parents=True, exist_ok=True)
    home = tempfile.mkdtemp(prefix="vpclab-site-home-")
    try:
        work = [(str(lab.path), str(executed_dir / lab.path.name), str(labs_dir), home, timeout) for lab in labs]
        if jobs <= 1 or len(work) <= 1:
            results = [_execute_one(w) for w in work]
        else:
            with ProcessPoolExecutor(max_workers=min(jobs, len(work))) as pool:
                results = list(pool.map(_execute_one, work))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return [Executed(**r) for r in results]


# -- 3. render --------------------------------------------------------------------------------------------------
def _env():
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=jinja2.select_autoescape(
        ["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["inline_code"] = _inline_code
    return env


def _inline_code(text: str):
    """Objectives are plain text with `code` in backticks: escape, then show the backticked parts as code."""
    import markupsafe

    escaped = str(markupsafe.escape(text))
    return markupsafe.Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", escaped))


def _rewrite_links(body: str, lab_names: set[str], root: str = "../", labs: str = "") -> str:
    """Links written for Jupyter (``02_nat_and_pat.ipynb``, ``../docs/GLOSSARY.md``) point at the site's pages.

    ``root`` leads from the page to the site root, ``labs`` from the page to the lab pages.
    """
    def fix(match):
        attr, target = match.group(1), match.group(2)
        path, _, frag = target.partition("#")
        stem = Path(path).name.removesuffix(".ipynb")
        if path.endswith(".ipynb") and stem in lab_names and "://" not in path:
            return f'{attr}="{labs}{stem}.html{"#" + frag if frag else ""}"'
        for source, page, _ in DOC_PAGES:
            if "://" not in path and path and path.endswith(Path(source).name):
                return f'{attr}="{root}{page}{"#" + frag if frag else ""}"'
        return match.group(0)

    return re.sub(r'(href)="([^"]+)"', fix, body)


def render_lab(executed: Path, info, out_dir: Path, nav: dict, env, lab_names: set[str]) -> dict:
    """Write ``labs/<name>.html`` and its figures; return the figures written (for the figures page)."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import ExtractOutputPreprocessor

    nb = nbformat.read(str(executed), as_version=4)
    # papermill's injected-parameters cell says "SOLUTIONS = False": noise on a docs page.
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]
    _tidy_outputs(nb)
    exporter = HTMLExporter(template_name="basic", exclude_input_prompt=False)
    exporter.register_preprocessor(ExtractOutputPreprocessor(), enabled=True)
    files_dir = f"{info.name}_files"
    body, resources = exporter.from_notebook_node(nb, resources={"output_files_dir": files_dir,
                                                                   "unique_key": info.name})
    figures = []
    for rel, data in sorted(resources.get("outputs", {}).items()):
        target = out_dir / "labs" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if rel.endswith((".png", ".svg", ".jpg", ".jpeg")):
            figures.append(f"labs/{rel}")
    page = env.get_template("lab.html.j2").render(lab=info, body=_rewrite_links(body, lab_names), root="../",
                                                 nav=nav, title=info.title, figures=figures)
    (out_dir / "labs" / f"{info.name}.html").write_text(page)
    return {"lab": info, "figures": figures}


WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = ('<div class="widget-note">🎛️ An interactive widget is here: open the notebook in JupyterLab '
               '(or on Binder) to use it.</div>')


def _tidy_outputs(nb) -> None:
    """Number cells 1, 2, 3… again (the dropped parameters cell left a gap) and explain widgets.

    Papermill runs without a browser, so no widget state is saved: nbconvert would print the widget's Python repr
    (``HBox(children=(Button(...``), which means nothing to a reader. Say what is there instead.
    """
    count = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if cell.get("execution_count") is not None:
            count += 1
            cell.execution_count = count
        for out in cell.get("outputs", []):
            if out.get("output_type") == "execute_result":
                out["execution_count"] = cell.get("execution_count")
            data = out.get("data", {})
            if WIDGET_MIME in data:
                out["data"] = {"text/html": WIDGET_NOTE}


def markdown_to_html(text: str) -> str:
    import mistune

    # escape=True: a glossary entry like "<pl-id>" is text, not a tag.
    return mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])(text)


def build(labs_dir: Path, out_dir: Path, jobs: int = 2, executed_dir: Path | None = None,
          docs_dir: Path | None = None, timeout: int = 300) -> dict:
    """Build the whole site into ``out_dir``; return the manifest (also written to ``out_dir/manifest.json``)."""
    from lab_helpers.core.catalog import discover

    labs_dir, out_dir = Path(labs_dir).resolve(), Path(out_dir).resolve()
    docs_dir = Path(docs_dir or ROOT / "docs")
    executed_dir = Path(executed_dir or out_dir.parent / "executed")
    labs = discover(labs_dir)
    started = time.monotonic()
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / "manifest.json").exists():
        # never wipe a folder that is not a site we built (say --out . by mistake)
        raise SystemExit(f"Refusing to replace {out_dir}: it is not empty and holds no site built by this tool.")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    (out_dir / "labs").mkdir(parents=True)
    (out_dir / "notebooks").mkdir()
    (out_dir / "static").mkdir()

    results = {r.name: r for r in execute_labs(labs, executed_dir, labs_dir, jobs=jobs, timeout=timeout)}
    env = _env()
    names = {lab.name for lab in labs}
    pages = [(page, title) for source, page, title in DOC_PAGES if (docs_dir / Path(source).name).exists()]
    if labs:
        pages.append(("timing.html", "Seminar timing"))
    gallery = []
    for i, info in enumerate(labs):
        nav = {"prev": labs[i - 1] if i else None, "next": labs[i + 1] if i + 1 < len(labs) else None,
               "pages": pages}
        gallery.append(render_lab(Path(results[info.name].notebook), info, out_dir, nav, env, names))
        shutil.copy2(info.path, out_dir / "notebooks" / info.path.name)  # the clean notebook, to download

    nav = {"pages": pages}
    total = sum(lab.minutes for lab in labs)
    (out_dir / "index.html").write_text(env.get_template("index.html.j2").render(
        labs=labs, total_minutes=total, root="", nav=nav, title="VPC labs", results=results))
    (out_dir / "figures.html").write_text(env.get_template("figures.html.j2").render(
        gallery=gallery, root="", nav=nav, title="Figures"))
    for source, page, title in DOC_PAGES:
        src = docs_dir / Path(source).name
        if src.exists():
            body = _rewrite_links(markdown_to_html(src.read_text()), names, root="", labs="labs/")
            (out_dir / page).write_text(env.get_template("page.html.j2").render(
                body=body, root="", nav=nav, title=title))
    if labs:  # a seminar plan, so an instructor can read the timing next to the labs
        from lab_helpers.classroom import timing_sheet

        sheet = timing_sheet(labs_dir=labs_dir, break_every=50)
        for lab in labs:  # the lab column links to its page
            sheet = sheet.replace(f"| {lab.name} |", f"| [{lab.name}](labs/{lab.name}.html) |")
        (out_dir / "timing.html").write_text(env.get_template("page.html.j2").render(
            body=markdown_to_html(sheet), root="", nav=nav, title="Seminar timing"))
    _write_static(out_dir / "static")

    manifest = {"labs": [{"name": lab.name, "title": lab.title, "minutes": lab.minutes,
                          "objectives": list(lab.objectives), "page": f"labs/{lab.name}.html",
                          "executed": results[lab.name].notebook, "seconds": round(results[lab.name].seconds, 2),
                          "errors": results[lab.name].errors} for lab in labs],
                "pages": [p for p, _ in pages] + ["index.html", "figures.html"],
                "build_seconds": round(time.monotonic() - started, 2), "jobs": jobs}
    # Paths in the manifest are relative: the site must not carry the builder's absolute paths.
    for entry in manifest["labs"]:
        entry["executed"] = os.path.relpath(entry["executed"], out_dir)
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def _write_static(static: Path) -> None:
    """One shared stylesheet for cells (JupyterLab's own, from nbconvert) plus code colours and our layout."""
    from nbconvert.exporters.html import HTMLExporter
    from pygments.formatters import HtmlFormatter

    lab_static = None
    for base in HTMLExporter().template_paths:
        candidate = Path(base) / "lab" / "static"
        if (candidate / "index.css").exists():
            lab_static = candidate
            break
    parts = []
    if lab_static:
        parts += [(lab_static / "index.css").read_text(), (lab_static / "theme-light.css").read_text()]
    parts.append(HtmlFormatter(style="default").get_style_defs(".highlight"))
    (static / "notebook.css").write_text("\n".join(parts))
    shutil.copy2(TEMPLATES / "site.css", static / "site.css")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labs", default=os.environ.get("VPCLAB_LABS_DIR", str(ROOT / "labs")))
    parser.add_argument("--out", default=str(ROOT / "build" / "site"))
    parser.add_argument("--executed", default=None, help="where executed notebooks go (default: OUT/../executed)")
    parser.add_argument("--jobs", type=int, default=2, help="labs executed at once (default 2: one per core)")
    parser.add_argument("--timeout", type=int, default=300, help="seconds one cell may run")
    parser.add_argument("--no-check", action="store_true", help="skip tools/check_site.py")
    args = parser.parse_args(argv)
    manifest = build(Path(args.labs), Path(args.out), jobs=args.jobs,
                     executed_dir=Path(args.executed) if args.executed else None, timeout=args.timeout)
    for lab in manifest["labs"]:
        mark = "❌" if lab["errors"] else "✅"
        print(f"{mark} {lab['name']:<28} {lab['seconds']:6.1f} s  {lab['page']}")
    print(f"Built {len(manifest['labs'])} lab page(s) in {manifest['build_seconds']} s → {args.out}/index.html")
    if args.no_check:
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parent))

    problems = check_site.check(Path(args.out), labs_dir=Path(args.labs))
    print(check_site.format_report(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
