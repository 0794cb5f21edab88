"""Sphinx configuration for the static site of the README and the notebooks (`make site`).

The source folder is the repository root; only README.md and notebooks/*.ipynb are read,
with their stored outputs (nothing is executed). The site loads nothing from other hosts:
no widget scripts, no web fonts, and formulas are written out as MathML when the site is built.
"""

from __future__ import annotations

import json

from docutils import nodes
from latex2mathml.converter import convert as latex_to_mathml
from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput
from sphinx.transforms.post_transforms import SphinxPostTransform

project = "padstride"
author = "padstride"
root_doc = "README"
extensions = ["myst_nb"]
include_patterns = ["README.md", "notebooks/*.ipynb"]
exclude_patterns = [".venv", "build", ".git", "**/.ipynb_checkpoints"]
templates_path = ["_templates"]
html_additional_pages = {"index": "redirect.html"}  # index.html leads to the README

myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3
nb_execution_mode = "off"  # the stored outputs, as the notebooks show them
nb_output_stderr = "show"
nb_ipywidgets_js = {}  # the widget manager would come from a CDN: widgets show their static picture
nb_mime_priority_overrides = [
    ("html", "application/vnd.jupyter.widget-view+json", None),
    ("html", "application/javascript", None),
]

html_theme = "sphinx_book_theme"
html_title = "padstride"
html_show_sourcelink = False
# The theme's download button links to _sources/<page>.ipynb, which Sphinx copies only with
# html_copy_source; html_show_sourcelink keeps the "Show source" link off.
html_copy_source = True
html_theme_options = {
    "show_toc_level": 2,
    "use_download_button": True,
    "home_page_in_toc": True,
    "navigation_with_keys": False,
    # pydata-sphinx-theme fills an unset navbar_persistent with its search button, and then
    # renders a hidden top bar whose zero-size sidebar button comes first in the page: both
    # themes' scripts bind to that one, so the visible menu button would do nothing.
    "navbar_persistent": [],
}
html_context = {"default_mode": "light"}
html_favicon = "favicon.svg"
html_static_path = ["_static"]
html_css_files = ["site.css"]
html_math_renderer = "mathml"

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = (
    '<p class="widget-note"><em>The sliders or buttons of this output work when the notebook runs '
    "in JupyterLab or Notebook 7; this page shows the picture or text they start with.</em></p>"
)
TOC = "\n\n```{toctree}\n:hidden:\n:glob:\n:caption: Notebooks\n\nnotebooks/*\n```\n"


def _static_widgets(text: str) -> str:
    """A notebook with each widget output replaced by its static fallback and a note."""
    notebook = json.loads(text)
    notebook.get("metadata", {}).pop("widgets", None)
    for cell in notebook.get("cells", []):
        outputs = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
                outputs.append(output)
                outputs.append(
                    {"output_type": "display_data", "data": {"text/html": WIDGET_NOTE}, "metadata": {}}
                )
            else:
                outputs.append(output)
        if "outputs" in cell:
            cell["outputs"] = outputs
    return json.dumps(notebook)


def _source_read(app, docname: str, source: list[str]) -> None:
    if docname == root_doc:
        source[0] += TOC
    elif docname.startswith("notebooks/"):
        source[0] = _static_widgets(source[0])


class PictureBoxes(SphinxPostTransform):
    """Each picture of a cell's outputs in its own output box, as myst-nb boxes text and HTML:
    the theme scrolls such a box sideways (and gives it a tab stop) when its content is wider,
    so on a phone a picture can keep its own size (site.css) and stay readable."""

    default_priority = 100  # after myst-nb's SelectMimeType (4) has made the image nodes
    formats = ("html",)

    def run(self, **kwargs) -> None:
        for output in self.document.findall(nodes.container):
            if output.get("nb_element") == "cell_code_output":
                for image in [child for child in output.children if isinstance(child, nodes.image)]:
                    image.replace_self(nodes.container("", image.deepcopy(), classes=["output", "picture"]))


def _visit_math(self, node: nodes.Element) -> None:
    self.body.append(latex_to_mathml(node.astext()))
    raise nodes.SkipNode


def _visit_displaymath(self, node: nodes.Element) -> None:
    # A wide formula scrolls sideways on a phone: a scrolling region must take keyboard focus.
    mathml = latex_to_mathml(node.astext(), display="block")
    self.body.append(f'<div class="math" tabindex="0" role="group" aria-label="formula">{mathml}</div>')
    raise nodes.SkipNode


def _visit_hidden_input(self, node: nodes.Element) -> None:
    """myst-nb's folded code cell, its summary named by its own visible text ("Show code cell
    source"): myst-nb's aria-label "Toggle hidden content" differs from what a reader sees."""
    start = len(self.body)
    visit_HideCellInput(self, node)
    self.body[start:] = [
        part.replace(' aria-label="Toggle hidden content"', "") for part in self.body[start:]
    ]


def setup(app) -> None:
    app.connect("source-read", _source_read)
    app.add_post_transform(PictureBoxes)
    app.add_html_math_renderer("mathml", (_visit_math, None), (_visit_displaymath, None))
    app.add_node(HideCodeCellNode, override=True, html=(_visit_hidden_input, depart_HideCellInput))
