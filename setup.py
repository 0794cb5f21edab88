"""The wheel and the sdist carry the notebooks, their nbval sanitizers and the pinned versions,
and the wheel installs padstride's Jupyter settings and server extension (jupyter-settings/).

They live at the repository's root (notebooks/, constraints.txt), where learners and the
Makefile use them; a build copies them into padstride/course/files/, where an installed
``padstride notebooks`` finds them. An editable install reads them from the checkout.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ["notebooks/*.ipynb", "notebooks/sanitize.cfg", "constraints.txt"]


class build_py_with_course_files(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "padstride" / "course" / "files"
        for pattern in BUNDLED:
            sources = sorted(ROOT.glob(pattern))
            if not sources:
                raise SystemExit(f"padstride's build needs {pattern} beside setup.py")
            for source in sources:
                copy = target / source.relative_to(ROOT)
                copy.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, copy)


setup(
    cmdclass={"build_py": build_py_with_course_files},
    # JupyterLab's and Notebook 7's defaults, and the server extension (see jupyter-settings/).
    data_files=[
        ("share/jupyter/lab/settings/overrides.d", ["jupyter-settings/overrides.d/padstride.json"]),
        ("etc/jupyter/jupyter_server_config.d", ["jupyter-settings/jupyter_server_config.d/padstride.json"]),
    ],
)
