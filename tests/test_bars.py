import io
import json
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from padstride import bars
from padstride.bars import Progress, Task, in_kernel, progress

NAMES = ["VGG16", "ResNet50", "MobileNetV2"]


def redrawn(text):
    """The lines a terminal shows one after another: the pieces between carriage returns."""
    return [piece.rstrip() for piece in text.replace("\n", "\r").split("\r") if piece.strip()]


def test_a_loop_advances_to_the_end_and_ends_on_its_summary():
    out = io.StringIO()
    seen = []
    for name in progress(NAMES, "networks", show=True, stream=out):
        seen.append(name)
    assert seen == NAMES
    lines = redrawn(out.getvalue())
    assert lines[-1] == "networks: 3 of 3 done"
    assert lines[-2] == "networks |████████████████████████| 3 of 3"  # drawn when it reached the end
    assert lines[:2] == [
        "networks |························| 0 of 3",
        "networks |························| 0 of 3, VGG16",
    ]
    assert out.getvalue().endswith("\n")  # the summary ends the line


def test_what_it_shows_repeats_exactly(monkeypatch):
    monkeypatch.setattr(bars, "INTERVAL", 0)  # every change drawn: no clock in it
    runs = []
    for _ in range(2):
        out = io.StringIO()
        with Progress("trained", show=True, stream=out) as board:
            task = board.task("same_stride2", 240_000, "images")
            for done in [*range(0, 240_000, 16 * 128), 240_000]:
                task.update(done, note=f"epoch {min(done // 60_000 + 1, 4)} of 4")
        runs.append(out.getvalue())
    assert runs[0] == runs[1]
    lines = redrawn(runs[0])
    assert lines[-1] == "trained"
    assert lines[-2] == "same_stride2 |████████████████████████| 240,000 of 240,000 images, epoch 4 of 4"
    assert not any(char.isdigit() for char in lines[-1])  # no count, no time: the same every run
    fractions = [int(line.split("| ")[1].split(" of")[0].replace(",", "")) for line in lines[1:-1]]
    assert fractions == sorted(fractions)  # it only moves forward


def test_silent_outside_a_notebook_unless_asked(capsys):
    assert not in_kernel()
    for _ in progress(NAMES, "networks"):
        pass
    with Progress("done") as board:
        board.task("a", 10).update(10)
    out = io.StringIO()
    for _ in progress(NAMES, "networks", show=False, stream=out):
        pass
    assert capsys.readouterr() == ("", "") and out.getvalue() == ""


def test_asked_outside_a_notebook_it_writes_to_standard_error(capsys):
    for _ in progress(NAMES, "networks", show=True):
        pass
    captured = capsys.readouterr()
    assert captured.out == "" and redrawn(captured.err)[-1] == "networks: 3 of 3 done"


def test_work_that_fails_leaves_the_line_where_it_stopped():
    out = io.StringIO()
    with pytest.raises(RuntimeError, match="broken"):
        for name in progress(NAMES, "networks", show=True, stream=out):
            if name == "ResNet50":
                raise RuntimeError("broken")
    assert redrawn(out.getvalue())[-1] == "networks |████████················| 1 of 3, ResNet50"
    assert out.getvalue().endswith("\n")  # the error's own lines start on a line of their own


def test_rows():
    task = Task("valid")
    assert task.text() == "valid waiting"
    task.start(60_000, "images", note="starting")
    task.update(90_000)  # never past the total
    assert task.done == 60_000 and task.fraction() == 1.0
    task.update(15_000, note="epoch 1 of 1")
    assert task.text(width=8) == "valid    |██████··················| 15,000 of 60,000 images, epoch 1 of 1"
    empty = Task("nothing", total=0, unit="images")
    assert empty.text() == "nothing |████████████████████████| 0 of 0 images"  # nothing to do is done


def test_html_rows_are_escaped_and_labelled():
    task = Task("<b>model</b>", total=4, unit="images", done=1, note="a & b")
    markup = task.html()
    assert (
        '<progress max="4" value="1" aria-label="&lt;b&gt;model&lt;/b&gt;: 1 of 4 images">25 %</progress>'
        in markup
    )
    assert "<b>" not in markup and "a &amp; b" in markup
    assert "waiting" in Task("later").html()


def test_a_board_aligns_its_rows():
    with Progress("valid, same: trained 1 epoch each", show=False) as board:
        valid, same = board.task("valid"), board.task("same_stride2")
        valid.start(100, "images")
        valid.update(100)
        assert board.text() == (
            "valid        |████████████████████████| 100 of 100 images\nsame_stride2 waiting"
        )
        same.start(100, "images")
        assert board.html().count("<progress") == 2 and board.html().count("min-width:13ch") == 2
    assert board.finished


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: Progress(""), r"^summary='' is not allowed: give one non-empty line of text$"),
        (lambda: Progress("a\nb"), r"^summary='a\\nb' is not allowed: give one non-empty line of text$"),
        (lambda: Progress("a", show="yes"), r"^show='yes' is not allowed: give True, False or None"),
        (lambda: list(progress([1], 5)), r"^label=5 is not allowed: give one non-empty line of text$"),
        (lambda: list(progress([1], "a", unit=None)), r"^unit=None is not allowed: give one line of text$"),
        (lambda: Progress("a").task(""), r"^label='' is not allowed: give one non-empty line of text$"),
    ],
)
def test_bad_settings_are_refused_in_one_line(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def _loop_cell(names):
    return f"from padstride.bars import progress\nfor name in progress({names!r}, 'networks'):\n    pass"


# A bar drawn in place the usual way: its first contents differ from its last.
NAIVE_BAR = """from IPython.display import display
handle = display({"text/plain": "0 of 3"}, raw=True, display_id=True)
for done in (1, 2, 3):
    handle.update({"text/plain": f"{done} of 3"}, raw=True)"""


class Recording(NotebookClient):
    """nbclient as ``make notebooks`` runs it, keeping each cell's messages from the kernel."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.messages = {}

    def process_message(self, msg, cell, cell_index):
        if msg["msg_type"] in ("display_data", "update_display_data", "stream"):
            self.messages.setdefault(cell_index, []).append((msg["msg_type"], msg["content"]))
        return super().process_message(msg, cell, cell_index)


def test_in_a_kernel_one_output_is_redrawn_and_nbval_compares_its_summary(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(_loop_cell(NAMES)), nbformat.v4.new_code_cell(NAIVE_BAR)]
    client = Recording(notebook, timeout=120, kernel_name="python3")
    client.execute()

    messages = client.messages[0]
    kinds = [kind for kind, _ in messages]
    assert kinds[0] == "display_data" and set(kinds[1:]) == {"update_display_data"}  # no stream
    ids = {content["transient"]["display_id"] for _, content in messages}
    assert len(ids) == 1  # one output, redrawn
    texts = [content["data"]["text/plain"] for _, content in messages]
    assert (
        texts[0] == texts[-1] == "networks: 3 of 3 done"
    )  # first and last the same: nbval and the file agree
    assert "networks |████████████████████████| 3 of 3" in texts
    bars = [content["data"] for _, content in messages[1:-1]]
    assert all("<progress" in data["text/html"] for data in bars)
    assert notebook.cells[0].outputs == [
        {
            "output_type": "display_data",
            "data": {"text/plain": "networks: 3 of 3 done"},
            "metadata": {"padstride": {"progress": True}},  # marked as a bar
        }
    ]

    path = tmp_path / "bars.ipynb"
    nbformat.write(notebook, path)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rA", "-p", "no:randomly", "-p", "no:cacheprovider"]
        + ["--nbval", "--nbval-current-env", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    report = run.stdout
    assert "PASSED bars.ipynb::Cell 0" in report, report
    # The usual bar fails: nbval keeps the first contents of an output, the file the last.
    assert "FAILED bars.ipynb::Cell 1" in report, report
    stored = json.loads(path.read_text())["cells"][1]["outputs"][0]["data"]["text/plain"]
    assert "".join(stored) == "3 of 3"
