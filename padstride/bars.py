"""A progress display for work that takes seconds: training, building networks, measuring.

In a Jupyter kernel it is one output, redrawn in place through an IPython display handle:
a text bar as ``text/plain`` and an HTML ``<progress>`` as ``text/html``, one row per task,
with counts and a note and never a time. No widget: nothing needs a live kernel to be seen,
and a saved notebook shows what the output last showed. When the work is done the output
shows its ``summary`` line, which it also showed for an instant when it appeared. Its first
and last contents are the same, so nbval (which compares the first contents of a display)
and the stored notebook (which keeps the last) agree, and what they compare has no timing
in it. Work that fails leaves the display where it stopped.

Outside a notebook nothing is shown unless asked (``show=True``); then the line of the task
still counting is redrawn on standard error with ``\\r``, and the summary ends it.

>>> import io
>>> out = io.StringIO()
>>> for name in progress(["VGG16", "ResNet50"], "networks", show=True, stream=out):
...     pass
>>> print(out.getvalue().split("\\r")[-1].rstrip())  # the last of the redrawn lines
networks: 2 of 2 done
"""

from __future__ import annotations

import html
import sys
import time
from collections.abc import Iterable, Iterator, Sized
from dataclasses import dataclass, field
from typing import Any, TextIO, TypeVar

__all__ = ["Progress", "Task", "progress"]

T = TypeVar("T")
BAR_WIDTH = 24
# Redraws closer together than this are skipped, unless forced or a task is complete.
INTERVAL = 0.1
# The output metadata of a bar drawn in a notebook: what the bar is, for a tool reading the notebook.
PROGRESS = {"padstride": {"progress": True}}


@dataclass
class Task:
    """One row of a Progress: ``done`` of ``total`` ``unit`` (total None: not started yet),
    and a short note on what is happening (``"epoch 2 of 4"``)."""

    label: str
    total: int | None = None
    unit: str = ""
    done: int = 0
    note: str = ""
    board: Progress | None = field(default=None, repr=False, compare=False)

    def start(self, total: int, unit: str | None = None, note: str = "") -> None:
        """Begin counting towards ``total`` (the display shows the bar from now on)."""
        self.total, self.done, self.note = max(int(total), 0), 0, note
        if unit is not None:
            self.unit = unit
        self._changed(force=True)

    def update(self, done: int | None = None, note: str | None = None, force: bool = False) -> None:
        """Set how much is done (at most the total) and, if given, the note. The display is
        redrawn at most every INTERVAL seconds, unless ``force`` or the task is complete."""
        if done is not None:
            self.done = min(max(int(done), 0), self.total or 0)
        if note is not None:
            self.note = note
        self._changed(force or self.done == self.total)

    def advance(self, count: int = 1, note: str | None = None) -> None:
        """Count ``count`` more done."""
        self.update(self.done + count, note)

    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    def text(self, width: int = 0) -> str:
        """The row as text: label, bar, counts and note."""
        label = self.label.ljust(width)
        if self.total is None:
            return f"{label} {self.note or 'waiting'}".rstrip()
        filled = round(self.fraction() * BAR_WIDTH) if self.total else BAR_WIDTH
        bar = "█" * filled + "·" * (BAR_WIDTH - filled)
        counts = f"{self.done:,} of {self.total:,} {self.unit}".rstrip()
        return f"{label} |{bar}| {counts}" + (f", {self.note}" if self.note else "")

    def html(self, width: int = 0) -> str:
        """The row as HTML: a labelled ``<progress>`` element, the counts and the note."""
        label = html.escape(self.label)
        name = f'<span style="display:inline-block;min-width:{width + 1}ch">{label}</span>'
        if self.total is None:
            return f"<div>{name} {html.escape(self.note or 'waiting')}</div>"
        counts = html.escape(f"{self.done:,} of {self.total:,} {self.unit}".rstrip())
        note = html.escape(f", {self.note}") if self.note else ""
        percent = round(100 * self.fraction())
        bar = (
            f'<progress max="{max(self.total, 1)}" value="{self.done if self.total else 1}" '
            f'aria-label="{label}: {counts}">{percent} %</progress>'
        )
        return f"<div>{name} {bar} {counts}{note}</div>"

    def _changed(self, force: bool) -> None:
        if self.board is not None:
            self.board.draw(force)


class Progress:
    """A display of one or more tasks that ends on ``summary``. ``show``: None shows it in a
    Jupyter kernel only, True also elsewhere (on ``stream``, standard error by default),
    False never. Use it as a context manager: the summary is shown when the block ends
    without an error.

    >>> with Progress("two models trained", show=False) as board:
    ...     task = board.task("valid")
    ...     task.start(60000, "images")
    ...     task.update(30000, note="epoch 1 of 1")
    >>> print(task.text())
    valid |████████████············| 30,000 of 60,000 images, epoch 1 of 1
    """

    def __init__(self, summary: str, show: bool | None = None, stream: TextIO | None = None) -> None:
        _line(summary, "summary")
        if show not in (None, True, False):
            raise ValueError(f"show={show!r} is not allowed: give True, False or None (in a notebook only)")
        self.summary = summary
        self.tasks: list[Task] = []
        self.finished = False
        self._sink = _sink(summary, show, stream)
        self._last: tuple[float, str] = (0.0, "")

    def task(self, label: str, total: int | None = None, unit: str = "") -> Task:
        """Add a row; with a ``total`` it starts counting at once."""
        _line(label, "label")
        _line(unit, "unit", empty=True)
        task = Task(label, board=self)
        self.tasks.append(task)
        if total is not None:
            task.start(total, unit)
        else:
            task.unit = unit
            self.draw(force=True)
        return task

    def draw(self, force: bool = False) -> None:
        """Redraw if what shows changed, at most every INTERVAL seconds unless ``force``."""
        if self._sink is None or self.finished:
            return
        text = self.text()
        now = time.monotonic()
        last_time, last_text = self._last
        if text == last_text or (not force and now - last_time < INTERVAL):
            return
        self._last = (now, text)
        self._sink.show(text, self.html(), self.tasks)

    def text(self) -> str:
        """The rows as text, one line each, their bars aligned."""
        width = max((len(task.label) for task in self.tasks), default=0)
        return "\n".join(task.text(width) for task in self.tasks)

    def html(self) -> str:
        """The rows as HTML, their bars aligned."""
        width = max((len(task.label) for task in self.tasks), default=0)
        return f'<div class="padstride-progress">{"".join(task.html(width) for task in self.tasks)}</div>'

    def finish(self) -> None:
        """Show the summary; the display stays so."""
        if self.finished:
            return
        self.finished = True
        if self._sink is not None:
            self._sink.end(self.summary)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: Any, error: Any, trace: Any) -> None:
        if kind is None:
            self.finish()
        elif self._sink is not None:
            self.draw(force=True)  # where it stopped
            self._sink.stop()


def progress(
    items: Iterable[T],
    label: str,
    unit: str = "",
    summary: str | None = None,
    show: bool | None = None,
    stream: TextIO | None = None,
) -> Iterator[T]:
    """Go through ``items`` with a one-row Progress: how many are done, and the one being
    worked on when it is a string (drawn as each item starts: for loops whose steps take a
    while, such as building networks). ``summary`` (default ``"label: n of n unit done"``) is
    what the display shows at the end, and what a stored notebook keeps.

    >>> for n in progress(range(3), "sizes", show=False):
    ...     pass
    """
    _line(label, "label")
    _line(unit, "unit", empty=True)
    if not isinstance(items, Sized):
        items = list(items)
    total = len(items)
    summary = (
        summary if summary is not None else f"{label}: {total:,} of {total:,} {unit} done".replace("  ", " ")
    )
    with Progress(summary, show, stream) as board:
        task = board.task(label, total, unit)
        for item in items:
            task.update(note=item if isinstance(item, str) else "", force=True)
            yield item
            task.advance(note="")


def _line(value: Any, name: str, empty: bool = False) -> None:
    """Refuse what is not one line of text (``empty``: or no text)."""
    if not isinstance(value, str) or "\n" in value or not (value.strip() or empty):
        what = "one line of text" if empty else "one non-empty line of text"
        raise ValueError(f"{name}={value!r} is not allowed: give {what}")


def in_kernel() -> bool:
    """Whether this runs in a Jupyter kernel (whose front-end can redraw an output)."""
    if "IPython" not in sys.modules:  # a kernel has imported it; nothing else needs to
        return False
    from IPython import get_ipython

    return getattr(get_ipython(), "kernel", None) is not None  # a terminal IPython has none


def _sink(summary: str, show: bool | None, stream: TextIO | None) -> _Display | _Stream | None:
    if show is False:
        return None
    if in_kernel() and stream is None:
        return _Display(summary)
    if show:
        return _Stream(stream if stream is not None else sys.stderr)
    return None


class _Display:
    """One output of a Jupyter kernel, updated in place; it starts and ends on the summary.
    Its metadata (``PROGRESS``) marks it as a bar: it says how far the work went, nothing more."""

    def __init__(self, summary: str) -> None:
        from IPython.display import display

        self.handle = display({"text/plain": summary}, raw=True, display_id=True, metadata=PROGRESS)

    def show(self, text: str, markup: str, tasks: list[Task]) -> None:
        self.handle.update({"text/plain": text, "text/html": markup}, raw=True, metadata=PROGRESS)

    def end(self, summary: str) -> None:
        self.handle.update({"text/plain": summary}, raw=True, metadata=PROGRESS)

    def stop(self) -> None:
        pass  # the output keeps the last rows: where the work stopped


class _Stream:
    """A line on a terminal, redrawn with ``\\r``: the first task still counting, else the
    last one that has started."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.width = stream, 0

    def write(self, line: str) -> None:
        line = line[:100]
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def show(self, text: str, markup: str, tasks: list[Task]) -> None:
        counting = [task for task in tasks if task.total is not None and task.done < task.total]
        shown = [task for task in tasks if task.total is not None or task.note]  # not only waiting
        if counting or shown:
            self.write(counting[0].text() if counting else shown[-1].text())

    def end(self, summary: str) -> None:
        self.write(summary)
        self.stream.write("\n")
        self.stream.flush()

    def stop(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
