"""A subset of the series: the notebooks named, the contents cut to them, no dangling link."""

import pytest

from padstride.course.files import notebook_paths, read_notebook, source_text
from padstride.course.selection import choose, for_subset, links, titles

SERIES = [path.name for path in notebook_paths()]
CONTENTS = read_notebook(notebook_paths()[0])


@pytest.mark.parametrize(
    ("only", "chosen"),
    [
        (["2", "03", "07_fields_pooling_transpose", "quiz.ipynb"], ["00", "02", "03", "07", "09"]),
        (["02,03"], ["00", "02", "03"]),
        (["padding", "PADDING", "02"], ["00", "02"]),
        (["00"], ["00"]),
        (None, [f"{n:02d}" for n in range(11)]),
    ],
)
def test_notebooks_are_named_by_number_or_name(only, chosen):
    assert [name[:2] for name in choose(SERIES, only)] == chosen


@pytest.mark.parametrize("only", [["11"], ["fields"], ["2x"], [""], []])
def test_a_name_that_is_no_notebook_is_refused_with_the_names_allowed(only):
    with pytest.raises(
        ValueError, match=r"only.*(is not allowed: name notebooks by number or name|is empty)"
    ):
        choose(SERIES, only)


def test_the_titles_are_the_contents_table_s():
    names = titles(CONTENTS)
    assert list(names) == SERIES[1:]
    assert names["07_fields_pooling_transpose.ipynb"] == "07 Fields and pooling"


def test_every_subset_links_only_to_what_it_holds():
    names = titles(CONTENTS)
    for chosen in (["00_start_here.ipynb", "05_training_tradeoffs.ipynb"], SERIES[::3], SERIES):
        chosen = sorted(chosen)
        for name in chosen:
            notebook = for_subset(name, read_notebook(notebook_paths()[SERIES.index(name)]), chosen, names)
            assert set(links(notebook)) <= set(chosen), (name, chosen)


def test_the_whole_series_is_left_as_it_is():
    names = titles(CONTENTS)
    for path in notebook_paths():
        notebook = read_notebook(path)
        assert for_subset(path.name, notebook, SERIES, names) == notebook


def test_the_contents_of_a_subset_says_so_and_starts_at_its_first_notebook():
    chosen = ["00_start_here.ipynb", "04_mnist_models.ipynb", "10_pitfalls_and_porting.ipynb"]
    text = "\n".join(
        source_text(c) for c in for_subset(chosen[0], CONTENTS, chosen, titles(CONTENTS))["cells"]
    )
    assert "This course has 2 of the series' 10 notebooks" in text
    assert "**Start:** [04 MNIST models](04_mnist_models.ipynb)" in text
    assert "02_padding.ipynb" not in text
