"""Folded outputs: closed until clicked, in HTML; never given away in plain text."""

import html
import re

import pytest
from IPython.core.formatters import format_display_data
from IPython.core.interactiveshell import InteractiveShell

from padstride import folding
from padstride.folding import Folded, folded


def test_the_html_is_a_closed_details_block_with_the_text_escaped():
    box = Folded("Question 3: click to show the proof", "a < b & 'c'")
    page = format_display_data(box)[0]["text/html"]
    assert re.fullmatch(
        r'<details class="padstride-folded"><summary>.*</summary><pre>.*</pre></details>', page
    )
    assert " open" not in page.split(">")[0]
    assert html.escape("a < b & 'c'") in page
    assert "a < b" not in repr(box) and "folded" in repr(box)


def test_in_a_notebook_the_block_prints_nothing_and_shows_one_folded_output(monkeypatch, capsys):
    import IPython.display

    shown = []
    monkeypatch.setattr(folding, "in_notebook", lambda: True)
    monkeypatch.setattr(IPython.display, "display", shown.append)
    with folded("The key"):
        print("C")
    assert capsys.readouterr().out == ""
    assert [(box.summary, box.text) for box in shown] == [("The key", "C")]


def test_outside_a_notebook_the_text_is_printed_as_usual(capsys):
    shell = InteractiveShell.instance()
    try:
        assert not folding.in_notebook()
        shell.run_cell('from padstride import folded\nwith folded("The key"):\n    print("C")')
    finally:
        InteractiveShell.clear_instance()
    assert capsys.readouterr().out == "C\n"


def test_a_failing_block_still_keeps_what_it_printed_and_raises():
    with pytest.raises(ZeroDivisionError), folded("Proof") as box:
        print("before")
        raise ZeroDivisionError("the proof failed")
    assert box.text == "before"


@pytest.mark.parametrize("summary", ["", "  ", None, 3])
def test_a_summary_must_be_text(summary):
    with pytest.raises(ValueError, match="summary="), folded(summary):
        pass
