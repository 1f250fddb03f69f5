"""Every AWS claim points at a page a learner can open: no "rule 14" citations into a document the course does
not ship, and every AWS documentation key the code names is one lab_helpers.data.aws_docs knows."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from lab_helpers.data import aws_docs

ROOT = Path(__file__).resolve().parent.parent
LAB_TEXTS = sorted((ROOT / "labs" / "src").glob("*.py")) + sorted((ROOT / "labs" / "solutions").glob("*.py"))
HELPER_TEXTS = sorted(p for p in (ROOT / "lab_helpers").rglob("*.py") if "data/labs" not in p.as_posix())

# A citation by number (the retired list ran 1-72): "(rule 14)", ", rule 47)", "— rule 29.", "Rules 61-63: ...",
# "rule 58/60". A network ACL's own rule numbers ("add rule 50", "Rule 100 still allows it", "outbound rule 110:
# allow ...") are not citations.
CITATION = re.compile(
    r"(?:[(,;—\"']\s*|\bsee\s+)[Rr]ules? \d{1,2}\b(?:\s*(?:[-–/,]|and)\s*\d+)*(?=[\s).:,;/]|$)"
    r"|(?<!bound )(?<!add )\b[Rr]ules? \d{1,2}\b(?:\s*(?:[-–/,]|and)\s*\d+)*:",
    re.M)
KEY_USES = re.compile(r"""\b(?:cite|sourced)\((?:[^()]*?,\s*)?["']([a-z0-9-]+)["']""")
SOURCED_KEYS = re.compile(r"""sourced\((?:"[^"]*"\s*)+((?:,\s*"[a-z0-9-]+"\s*)+)\)""")
DOC_KEYS = re.compile(r"AWS docs:? ((?:[a-z0-9]+-[a-z0-9-]+|resolver|imdsv2)(?:, (?:[a-z0-9]+-[a-z0-9-]+|resolver|imdsv2))*)")


def test_the_citation_pattern_catches_numbers_and_spares_acl_rules():
    for cited in ("(rule 14)", "peering, rule 47)", "cannot — rule 29.)", '"Rules 61-63: placement', "(rule 58/60)",
                  "(rules 38–39)", "(rules 39, 57)"):
        assert CITATION.search(cited), cited
    for acl in ("add rule **50** that denies", "Rule 100 still allows it", "Add outbound rule 110: allow TCP",
                "denied; rule 100 is never read", "rule numbers 1-32766"):
        assert not CITATION.search(acl), acl


@pytest.mark.parametrize("path", LAB_TEXTS + HELPER_TEXTS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_rule_is_cited_by_number_alone(path):
    text = path.read_text(encoding="utf-8")
    found = [m.group(0) for m in CITATION.finditer(text)]
    assert not found, f"{path.name} cites rules by number ({found}); link the AWS page (lab_helpers.data.aws_docs)"


def test_every_documentation_key_the_code_names_exists():
    unknown = set()
    for path in HELPER_TEXTS:
        text = path.read_text(encoding="utf-8")
        keys = set(KEY_USES.findall(text))
        for group in SOURCED_KEYS.findall(text):
            keys |= set(re.findall(r'"([a-z0-9-]+)"', group))
        for group in DOC_KEYS.findall(text):
            keys |= {k.strip() for k in group.split(",")}
        unknown |= {(path.name, k) for k in keys if k not in aws_docs.DOCS}
    assert not unknown, f"keys with no AWS page: {sorted(unknown)}"


def test_every_page_is_an_aws_page_over_https():
    for key, doc in aws_docs.DOCS.items():
        assert re.match(r"https://(docs\.aws\.amazon\.com|aws\.amazon\.com)/", doc.url), (key, doc.url)
        assert doc.title.strip(), key


def test_cite_gives_a_markdown_link_and_refuses_an_unknown_key():
    assert aws_docs.cite("nacl-rules") == ("[Network ACL rules]"
                                           "(https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html)")
    assert aws_docs.sourced("One IGW per VPC", "internet-gateway").endswith("VPC_Internet_Gateway.html)")
    with pytest.raises(KeyError, match="no AWS documentation page"):
        aws_docs.cite("rule-14")


def test_labs_link_aws_documentation_where_they_once_cited_numbers():
    # The labs that carried number citations now carry links to the pages; at least one per lab.
    for number in ("02", "03", "04", "05", "06", "07"):
        (path,) = (ROOT / "labs" / "src").glob(f"{number}_*.py")
        assert "](https://docs.aws.amazon.com/" in path.read_text(encoding="utf-8"), path.name


def test_html_results_make_the_links_clickable_and_escape_the_rest():
    text = "drops it <b> (" + aws_docs.cite("nat-gateway") + ")"
    rendered = aws_docs.html_with_links(text)
    assert '<a href="https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html"' in rendered
    assert "&lt;b&gt;" in rendered and "[NAT gateways]" not in rendered
