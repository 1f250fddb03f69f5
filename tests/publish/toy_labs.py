"""Small throwaway labs in the shape LAB_STYLE.md asks for, so publishing is tested whatever labs exist.

``make_toy_labs(dir)`` writes ``dir/labs/NN_*.ipynb`` and ``dir/labs/solutions/NN_*.py``; point
``VPCLAB_LABS_DIR`` at ``dir/labs``.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

PARAMS = 'MODE = None\nREGION = None\nSOLUTIONS = False\n'

SOLUTIONS_01 = '''"""Reference solutions for 01_toy_vpc."""


def build_vpc(ec2):
    """Create the 10.0.0.0/16 VPC and return its id."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
    return vpc["VpcId"]
'''


def _nb(name, title, minutes, objectives, cells):
    nb = new_notebook(cells=cells)
    nb.metadata.update({"vpclab": {"title": title, "minutes": minutes, "objectives": objectives},
                        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
                        "language_info": {"name": "python"}})
    params = nb.cells[1]
    params.metadata["tags"] = ["parameters"]
    return nb


def toy_01(name="01_toy_vpc"):
    return _nb(name, "Toy VPC", 20, ["Create a VPC", "Draw a figure"], [
        new_markdown_cell("# Toy VPC\n\nA throwaway lab. Next: [the widget lab](02_toy_widgets.ipynb); "
                          "terms are in the [glossary](../docs/GLOSSARY.md)."),
        new_code_cell(PARAMS),
        new_code_cell(f'from lab_helpers import start_lab, check\nlab = start_lab("{name}", mode=MODE, '
                      'region=REGION)\nec2 = lab.client("ec2")'),
        new_markdown_cell("## 1. A picture\n\nWhy a /16: room for 256 /24 subnets."),
        new_code_cell("import matplotlib.pyplot as plt\nfig, ax = plt.subplots(figsize=(3, 2))\n"
                      "ax.bar(['public', 'private'], [256, 256])\nax.set_title('addresses per /24')\nplt.show()"),
        new_markdown_cell("## 2. Exercise — build it\n\nCreate the VPC."),
        new_code_cell('def build_vpc(ec2):\n    """Create 10.0.0.0/16 and return its id."""\n    # YOUR CODE HERE\n'
                      '    raise NotImplementedError\n\nif SOLUTIONS:\n    build_vpc = lab.solution("build_vpc")'),
        new_code_cell('vpc_id = check.run("Exercise 1.1 — a VPC", build_vpc, ec2)'),
        new_markdown_cell("## 3. Clean up"),
        new_code_cell("lab.teardown()"),
    ])


def toy_02(name="02_toy_widgets"):
    return _nb(name, "Toy widgets", 10, ["Click a button"], [
        new_markdown_cell("# Toy widgets\n\nBack to [lab 01](01_toy_vpc.ipynb#1.-A-picture)."),
        new_code_cell(PARAMS),
        new_code_cell("import ipywidgets as widgets\nfrom IPython.display import display\n"
                      "button = widgets.Button(description='Count')\nout = widgets.Label(value='clicked 0')\n"
                      "clicks = []\n"
                      "def on_click(_):\n    clicks.append(1)\n    out.value = f'clicked {len(clicks)}'\n"
                      "button.on_click(on_click)\ndisplay(widgets.HBox([button, out]))"),
        new_markdown_cell("## A figure\n\nThe [exercise](01_toy_vpc.ipynb#2.-Exercise-—-build-it) of lab 01."),
        new_code_cell("import matplotlib.pyplot as plt\nplt.plot([0, 1, 2], [0, 1, 4])\nplt.title('toy')\n"
                      "plt.show()"),
    ])


def make_toy_labs(directory: Path, extra_cells: dict | None = None) -> Path:
    """Write the toy labs under ``directory/labs``; ``extra_cells={lab_name: [cell, ...]}`` appends cells."""
    labs = Path(directory) / "labs"
    (labs / "solutions").mkdir(parents=True, exist_ok=True)
    for nb, name in ((toy_01(), "01_toy_vpc"), (toy_02(), "02_toy_widgets")):
        for cell in (extra_cells or {}).get(name, []):
            nb.cells.append(cell)
        nbformat.write(nb, str(labs / f"{name}.ipynb"))
    (labs / "solutions" / "01_toy_vpc.py").write_text(SOLUTIONS_01)
    return labs
