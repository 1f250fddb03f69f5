"""Check a built docs site before anyone reads it: ``python tools/check_site.py build/site``.

A published page is a copy of a notebook's outputs, and outputs can carry things that must never be published.
This checks, and exits non-zero on any problem:

* **every lab has a page** — one ``labs/<name>.html`` per ``labs/NN_topic.ipynb`` (from the catalog);
* **no cell errored** — the executed notebooks (listed in ``manifest.json``) have no ``error`` output: a learner's
  first run (``SOLUTIONS=False``) must run top to bottom;
* **no credential-looking string** — AWS access key ids (``AKIA``/``ASIA`` + 16), secret keys after
  ``aws_secret_access_key``, session tokens, private-key blocks; AWS's documented example keys are allowed;
* **no absolute home path** — ``/root/``, ``/home/<user>/``, ``/Users/<user>/``: they name the build machine's user
  and usually mean a traceback or a warning leaked into a page;
* **internal links resolve** — every relative ``href``/``src`` names a file in the site, and a ``#fragment`` an
  ``id`` in that file.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# AWS's own documentation keys: published everywhere, so publishing them leaks nothing.
DOC_EXAMPLES = {"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
SECRET_PATTERNS = [
    ("AWS access key id", re.compile(r"\b(?:AKIA|ASIA|AIDA|AROA|ANPA)[A-Z0-9]{16}\b")),
    ("AWS secret access key", re.compile(
        r"(?i)aws_?secret_?access_?key[\"']?\s*[:=]\s*[\"']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])")),
    ("AWS session token", re.compile(r"(?i)aws_?session_?token[\"']?\s*[:=]\s*[\"']?([A-Za-z0-9/+=]{100,})")),
    ("private key", re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----")),
    ("secret key after 'secret'", re.compile(
        r"(?i)\bsecret[\"']?\s*[:=]\s*[\"']?(?=[A-Za-z0-9/+]*[0-9])(?=[A-Za-z0-9/+]*[A-Z])"
        r"([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])")),
]
HOME_PATH = re.compile(r"(?<![\w.-])(/root/|/home/[A-Za-z0-9_.-]+/|/Users/[A-Za-z0-9_.-]+/)")
TEXT_SUFFIXES = {".html", ".json", ".ipynb", ".css", ".svg", ".txt", ".md", ".csv"}


@dataclass(frozen=True)
class Problem:
    file: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"❌ {self.file}: {self.kind} — {self.detail}"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for key in ("id", "name"):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(errors="replace"))
    return parser


def scan_text(name: str, text: str) -> list[Problem]:
    """Secrets and home paths in one file's text (also used by tests on single strings)."""
    problems = []
    for kind, pattern in SECRET_PATTERNS:
        for match in pattern.finditer(text):
            value = match.group(match.lastindex or 0)
            if value in DOC_EXAMPLES or match.group(0) in DOC_EXAMPLES:
                continue
            problems.append(Problem(name, f"credential-looking string ({kind})", _redact(match.group(0))))
    for match in HOME_PATH.finditer(text):
        start = max(0, match.start() - 30)
        problems.append(Problem(name, "absolute home path", text[start:match.end() + 30].replace("\n", " ")))
    return problems


def _redact(value: str) -> str:
    return value[:8] + "…" if len(value) > 8 else value


def check_links(site: Path) -> list[Problem]:
    problems, parsed = [], {}
    pages = sorted(site.rglob("*.html"))
    for page in pages:
        parsed[page] = _parse(page)
    for page in pages:
        for link in parsed[page].links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:", "javascript:")):
                continue  # external: not ours to resolve offline
            if not parts.path:
                target = page
            else:
                target = (page.parent / unquote(parts.path)).resolve()
                try:
                    target.relative_to(site.resolve())
                except ValueError:
                    problems.append(Problem(str(page.relative_to(site)), "link leaves the site", link))
                    continue
                if target.is_dir():
                    target = target / "index.html"
                if not target.exists():
                    problems.append(Problem(str(page.relative_to(site)), "broken link", link))
                    continue
            if parts.fragment and target.suffix == ".html":
                ids = parsed.get(target).ids if target in parsed else _parse(target).ids
                # as browsers do: the fragment as written, decoded, and as a URL would carry it (nbconvert's
                # heading ids are percent-encoded; an author writes "#2.-Exercise-—-build-it")
                raw = unquote(parts.fragment)
                if not {parts.fragment, raw, quote(raw, safe="/:@!$&'()*+,;=-._~")} & ids:
                    problems.append(Problem(str(page.relative_to(site)), "broken anchor", link))
    return problems


def errored_cells(notebook_path) -> list[dict]:
    """Every code cell whose outputs include an ``error`` (an uncaught exception) in an executed notebook."""
    nb = json.loads(Path(notebook_path).read_text())
    found = []
    for index, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            if out.get("output_type") == "error":
                found.append({"cell": index, "ename": out.get("ename"), "evalue": str(out.get("evalue"))[:500]})
    return found


def check(site: Path, labs_dir: Path | None = None) -> list[Problem]:
    """Every problem in the site at ``site``; an empty list means it may be published."""
    from lab_helpers.core.catalog import discover

    site = Path(site)
    problems = []
    if not (site / "index.html").exists():
        return [Problem(str(site), "missing page", "index.html (was the site built?)")]
    for lab in discover(labs_dir):
        if not (site / "labs" / f"{lab.name}.html").exists():
            problems.append(Problem(f"labs/{lab.name}.html", "missing page", f"lab {lab.name} has no page"))

    manifest_path = site / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {"labs": []}
    if not manifest_path.exists():
        problems.append(Problem("manifest.json", "missing file", "cannot tell which cells ran"))
    for entry in manifest["labs"]:
        executed = (site / entry["executed"]).resolve()
        errors = errored_cells(executed) if executed.exists() else entry.get("errors", [])
        if not executed.exists():
            problems.append(Problem(entry["executed"], "missing file", "the executed notebook is gone"))
        for err in errors:
            where = f"cell {err['cell']}" if err.get("cell") is not None else "execution"
            problems.append(Problem(f"labs/{entry['name']}.html", "cell errored",
                                    f"{where}: {err.get('ename')}: {err.get('evalue')}"))
        # The executed notebook is what the page was made from: scan it too (outputs the template may hide).
        if executed.exists():
            problems += scan_text(entry["executed"], executed.read_text(errors="replace"))

    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            problems += scan_text(str(path.relative_to(site)), path.read_text(errors="replace"))
    problems += check_links(site)
    return problems


def format_report(problems: list[Problem]) -> str:
    if not problems:
        return "✅ Site check: every lab page exists, no cell errored, no secrets or home paths, links resolve."
    return "\n".join([f"Site check found {len(problems)} problem(s):"] + [str(p) for p in problems])


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", default=str(ROOT / "build" / "site"))
    parser.add_argument("--labs", default=None, help="labs directory (default: $VPCLAB_LABS_DIR or labs/)")
    args = parser.parse_args(argv)
    problems = check(Path(args.site), Path(args.labs) if args.labs else None)
    print(format_report(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
