"""Padding and stride pitfalls in a Keras model, found from its layers' settings.

``find_pitfalls(model)`` reads the model as ``explain`` does and returns findings, each with
the layer call, a rule, a severity, the numbers and a fix (the command is ``padstride check``).
The rules:

========================  ========  ==========================================================
rule                      severity  what it finds
========================  ========  ==========================================================
``unread-input``          warning   pixels of the model's input that no output depends on
``skipped-pixels``        warning   windows that step over pixels: a stride longer than the
                                    kernel, or dilated taps that a stride never fills
                          info      (the same with a 1×1 kernel: deliberate subsampling)
``dropped-edge``          warning   last rows or columns no window reaches: (padded size −
                                    kernel) is not a multiple of the stride
``lopsided-same``         info      ``padding="same"`` with one zero more after than before:
                                    PyTorch's symmetric padding and ONNX's SAME_LOWER differ
``checkerboard``          warning   a transposed convolution whose kernel is not a multiple
                                    of its stride: output pixels get uneven numbers of taps
``gridding``              warning   stacked stride-1 windows, some dilated, whose combined
                                    field has holes: together they read a grid
``rounded-maps``          info      an input size that is not a multiple of the model's
                                    stride: maps round, and the last map's size depends on it
========================  ========  ==========================================================

Nothing is run: the numbers come from the same arithmetic as ``explain`` (the tests measure
each rule with real Keras layers).

>>> from keras import layers
>>> findings = find_pitfalls([layers.Conv2D(8, 3, strides=4)], input_shape=(28, 28))
>>> [(f.rule, f.severity) for f in findings]
[('skipped-pixels', 'warning'), ('unread-input', 'warning')]
>>> findings[-1].numbers["unread"], findings[-1].numbers["pixels"]
(343, 784)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .conv.arithmetic import AxisArithmetic, axis_arithmetic
from .conv.windows import read_positions
from .model.coverage import content_masks, lines_carrying, read_masks
from .model.explain import Explanation, LayerTrace, explain
from .model.kinds import Reach
from .tables import TextTable, render_table
from .text import pair_text, shape_text

RULES = (
    "unread-input",
    "skipped-pixels",
    "dropped-edge",
    "lopsided-same",
    "checkerboard",
    "gridding",
    "rounded-maps",
)
MODEL = "(model)"  # the layer of a finding about the model as a whole


@dataclass(frozen=True)
class Finding:
    """One pitfall: the layer call it is at (``MODEL`` for the whole model), the rule, the
    severity ("warning" or "info"), what happens with its numbers, and how to fix it.
    ``numbers`` holds the counts the message states."""

    layer: str
    rule: str
    severity: str
    message: str
    fix: str
    numbers: dict = field(default_factory=dict, compare=False)

    def as_dict(self) -> dict:
        return {
            "layer": self.layer,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
            "numbers": self.numbers,
        }


class Findings(TextTable, list):
    """Findings in the order of the layer calls, the model's own last. Prints as a table
    at most 100 columns wide; ``to_json()`` gives them for machines."""

    model: str = ""

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self if f.severity == "warning"]

    def table(self) -> str:
        if not self:
            return f"{self.model}: no padding or stride pitfalls found"
        cells, notes = [], []
        for finding in self:
            cells.append((finding.severity, finding.rule, finding.layer))
            notes.append((len(cells), f"{finding.message} Fix: {finding.fix}"))
        count = len(self.warnings)
        footer = [f"{self.model}: {count} warning{'s' * (count != 1)}, {len(self) - count} info"]
        return render_table(("severity", "rule", "layer"), cells, footer=footer, notes=notes)

    def to_json(self) -> str:
        return json.dumps({"model": self.model, "findings": [f.as_dict() for f in self]}, indent=2)


def find_pitfalls(model_or_layers: Any, input_shape: Any = None) -> Findings:
    """Padding and stride pitfalls of a Keras model (Sequential or functional), or of a
    list of layers applied in turn to an input of ``input_shape``; see RULES.

    >>> from padstride.demo.models import mnist_variant
    >>> find_pitfalls(mnist_variant("same")).table()
    'same: no padding or stride pitfalls found'
    """
    trace = explain(model_or_layers, input_shape)
    content = content_masks(trace)
    findings = Findings()
    findings.model = getattr(model_or_layers, "name", "layers")
    for row in trace:
        findings += _layer_findings(row, content[row.inputs[0]] if row.inputs else None)
    findings += _gridding(trace)
    findings += _unread_input(trace, findings)
    findings += _rounded_maps(trace, content)
    return findings


# --- one layer at a time -------------------------------------------------------------


def _layer_findings(row: LayerTrace, content: np.ndarray | None) -> list[Finding]:
    if row.reach is Reach.SPREAD:
        return _checkerboard(row)
    if row.reach is not Reach.WINDOW:
        return []
    findings = []
    skipping = [a for a in row.axes if _has_gaps(a)]
    if skipping:
        findings.append(_skipped(row, skipping))
    carries = lines_carrying(content) if content is not None else None
    dropped = [
        _dropped_rows(a, held) if a not in skipping and held is not None else 0
        for a, held in zip(row.axes, carries or (None, None))
    ]
    if any(dropped):
        findings.append(_dropped(row, dropped))
    if row.axes[0].padding == "same" and any(a.pad_before != a.pad_after for a in row.axes):
        findings.append(_lopsided(row))
    return findings


def _has_gaps(axis: AxisArithmetic) -> bool:
    """Positions between the first and the last one read that no window reads: a stride
    longer than the kernel's span, or dilated taps that a stride above 1 never fills."""
    read = np.flatnonzero(read_positions(axis))
    return len(read) > 0 and len(read) < read[-1] - read[0] + 1


def _kernel_text(row: LayerTrace) -> str:
    h, w = row.axes
    span = f"{h.effective_kernel}×{w.effective_kernel}"
    kernel = f"{h.kernel_size}×{w.kernel_size}"
    return f"{kernel} {row.entry.window}" + (f" (spanning {span} with dilation)" if span != kernel else "")


def _skipped(row: LayerTrace, skipping: list[AxisArithmetic]) -> Finding:
    h, w = row.axes
    read = int(read_positions(h).sum()) * int(read_positions(w).sum())
    total = h.size * w.size
    strides = "×".join(str(a.stride) for a in row.axes)
    strides_value = pair_text(tuple(a.stride for a in row.axes), str)
    numbers = {"read": read, "positions": total}
    if all(a.stride > a.effective_kernel for a in skipping):
        why = f"strides {strides} step further than its {_kernel_text(row)}"
    else:
        why = f"with strides {strides}, the dilated taps of its {_kernel_text(row)} leave gaps"
    message = (
        f"{why}: its windows read {read:,} of the {total:,} positions of its {h.size}×{w.size} input, "
        f"and skip {total - read:,}."
    )
    if all(a.effective_kernel == 1 for a in skipping):
        return Finding(
            row.name,
            "skipped-pixels",
            "info",
            message + " A strided 1×1 window subsamples on purpose (ResNet's shortcuts do); earlier "
            "windows have mixed each skipped pixel into its neighbours.",
            f'none if meant; to read every position, average first: AveragePooling2D({strides_value}, padding="same") '
            "then this layer with strides=1 (as ResNet-D's shortcuts do), or, where a 3×3 layer "
            "follows in the same branch, give it the stride (as ResNet v1.5 does)",
            numbers,
        )
    return Finding(row.name, "skipped-pixels", "warning", message, _covering_fix(row, total), numbers)


def _reads_everything(row: LayerTrace, **changes: Any) -> bool:
    """Whether the layer's windows, with some settings changed (per-axis tuples or
    padding="same"), read every position of its input."""
    for i, axis in enumerate(row.axes):
        kernel = changes.get("kernel_size", (axis.kernel_size,) * 2)[i]
        strides = changes.get("strides", (axis.stride,) * 2)[i]
        dilation = changes.get("dilation_rate", (axis.dilation,) * 2)[i]
        padding = changes.get("padding", axis.padding)
        if padding == "explicit":
            padding = (axis.pad_before, axis.pad_after)
        try:
            changed = axis_arithmetic(axis.size, kernel, strides, padding, dilation)
        except ValueError:  # the changed window no longer fits
            return False
        if not read_positions(changed).all():
            return False
    return True


def _covering_fix(row: LayerTrace, total: int) -> str:
    """Up to two changes of the layer's settings that make its windows read every position,
    each tried with the same arithmetic."""
    kernel_name = row.entry.size_setting
    kernels = tuple(a.kernel_size for a in row.axes)
    strides = tuple(a.stride for a in row.axes)
    longer = tuple(max(k, s) for k, s in zip(kernels, strides))
    shorter = tuple(min(k, s) for k, s in zip(kernels, strides))
    candidates = []
    if longer != kernels:
        candidates.append(({"kernel_size": longer}, f"{kernel_name}={pair_text(longer, str)}"))
    if any(a.dilation > 1 for a in row.axes):
        candidates.append(({"dilation_rate": (1, 1)}, "dilation_rate=1"))
        if longer != kernels:
            candidates.append(
                ({"dilation_rate": (1, 1), "kernel_size": longer}, f"dilation_rate=1 and {candidates[0][1]}")
            )
    if shorter != strides:
        candidates.append(({"strides": shorter}, f"strides={pair_text(shorter, str)}"))
    working = []
    for changes, text in candidates:
        for padding in (None, "same"):
            options = changes | ({"padding": padding} if padding else {})
            if _reads_everything(row, **options):
                working.append(text + (' with padding="same"' if padding else ""))
                break
    if not working:
        return "a kernel at least as long as the stride, with padding or an input size that the windows cover"
    either = "either way " if len(working) > 1 else ""
    return f"{'; or '.join(working[:2])}: {either}the windows then read all {total:,} positions"


def _dropped_rows(axis: AxisArithmetic, carries: np.ndarray) -> int:
    """Input positions after the last one a window reads that carry the model's input (zeros
    an earlier ZeroPadding2D added do not count): pixels no window reaches."""
    read = np.flatnonzero(read_positions(axis))
    return int(carries[read[-1] + 1 :].sum()) if len(read) else int(carries.sum())


def _dropped(row: LayerTrace, dropped: list[int]) -> Finding:
    found = []  # (what is dropped, why) per axis that drops something
    for axis, count, lines in zip(row.axes, dropped, ("row", "column")):
        if count:
            zeros = f" + {axis.pad_before} + {axis.pad_after}" if axis.pad_before or axis.pad_after else ""
            left = axis.size + axis.pad_before + axis.pad_after - axis.effective_kernel
            why = f"{axis.size}{zeros} − {axis.effective_kernel} = {left}, not a multiple of stride {axis.stride}"
            found.append((f"its last {count} {lines}s" if count > 1 else f"its last {lines}", why))
    if len(found) == 2 and dropped[0] == dropped[1] and found[0][1] == found[1][1]:
        where = f"{found[0][0]} or {found[1][0]} ({found[0][1]}, on both axes)"
    else:
        where = " or ".join(f"{what} ({why})" for what, why in found)
    h, w = row.axes
    return Finding(
        row.name,
        "dropped-edge",
        "warning",
        f"no window of this {_kernel_text(row)} reaches {where} of its {h.size}×{w.size} input.",
        'an input size that makes (size + padding − kernel) a multiple of the stride, or padding="same"',
        {"rows": dropped[0], "columns": dropped[1]},
    )


def _symmetric_output(axis: AxisArithmetic, zeros: int) -> int:
    """The output size with ``zeros`` on each side of the axis instead of TensorFlow's split."""
    return (axis.size + 2 * zeros - axis.effective_kernel) // axis.stride + 1


def _lopsided(row: LayerTrace) -> Finding:
    (top, bottom), (left, right) = row.padding
    h, w = row.axes
    size = f"{h.output}×{w.output}"
    fewer = (top, left)  # the zeros before, on both sides
    more = (bottom, right)  # the zeros after, on both sides
    fewer_size = f"{_symmetric_output(h, top)}×{_symmetric_output(w, left)}"
    more_size = f"{_symmetric_output(h, bottom)}×{_symmetric_output(w, right)}"
    if more_size == size:
        moved = {(True, True): "up and to the left", (True, False): "up", (False, True): "to the left"}
        more_text = f"gives {size} with every window one pixel {moved[(top != bottom, left != right)]}"
    else:
        more_text = f"gives {more_size}"
    if row.entry.window == "pool":
        torch_same = "PyTorch's pooling layers take only symmetric padding"
    elif h.stride == w.stride == 1:
        torch_same = 'PyTorch\'s padding="same" matches here (at stride 1 it too puts the odd zero after)'
    else:
        torch_same = 'PyTorch\'s padding="same" refuses a stride above 1'
    message = (
        f'padding="same" adds (top, bottom) = ({top}, {bottom}) and (left, right) = ({left}, {right}) '
        f"zeros: TensorFlow puts the odd zero after. No symmetric padding gives the same windows: "
        f"padding={pair_text(fewer, str)} gives {fewer_size}, padding={pair_text(more, str)} {more_text}. "
        f'{torch_same}. ONNX\'s auto_pad="SAME_UPPER" gives TensorFlow\'s zeros, "SAME_LOWER" puts the '
        "odd zero before."
    )
    spell = row.entry.spellings
    fix = (
        f"when porting, write the zeros out: ONNX {spell['onnx'](row)}; PyTorch "
        f"{spell['torch'](row)} (`padstride port` gives them for every layer)"
    )
    return Finding(
        row.name,
        "lopsided-same",
        "info",
        message,
        fix,
        {"top": top, "bottom": bottom, "left": left, "right": right},
    )


def taps_per_output(kernel_size: int, strides: int) -> list[int]:
    """How many kernel taps land on each output position of a transposed convolution,
    one count per position modulo the stride (away from the edges).

    >>> taps_per_output(3, 2), taps_per_output(4, 2)
    ([2, 1], [2, 2])
    """
    return [len(range(r, kernel_size, strides)) for r in range(strides)]


def _checkerboard(row: LayerTrace) -> list[Finding]:
    kernel, strides = row.config["kernel_size"], row.config["strides"]
    uneven = [(k, s) for k, s in zip(kernel, strides) if k % s]
    if not uneven:
        return []
    k, s = uneven[0]
    taps = taps_per_output(k, s)
    return [
        Finding(
            row.name,
            "checkerboard",
            "warning",
            f"kernel {k} is not a multiple of stride {s}: in turn, the output's rows (or columns) "
            f"receive {' and '.join(str(t) for t in taps)} kernel taps, an uneven overlap that can print a "
            "checkerboard pattern (Odena, Dumoulin and Olah, Distill 2016).",
            f"a kernel that is a multiple of the stride evens the overlap (kernel_size={math.ceil(k / s) * s} "
            f"with strides={s}), though learned weights can still print a pattern; UpSampling2D followed by "
            "a Conv2D has no uneven overlap",
            {"taps": taps},
        )
    ]


# --- across layers --------------------------------------------------------------------


def field_offsets(taps: list[tuple[int, int]]) -> set[int]:
    """The offsets, along one axis, that a stack of stride-1 windows reads from the first
    one's input, one (kernel_size, dilation) pair per window: each adds its taps' offsets.

    >>> sorted(field_offsets([(3, 2), (3, 3)]))
    [0, 2, 3, 4, 5, 6, 7, 8, 10]
    """
    offsets = {0}
    for kernel, dilation in taps:
        offsets = {o + t * dilation for o in offsets for t in range(kernel)}
    return offsets


def _stride_1_window(row: LayerTrace) -> bool:
    return row.reach is Reach.WINDOW and all(a.stride == 1 for a in row.axes)


def _runs(trace: Explanation) -> list[list[LayerTrace]]:
    """Runs of stride-1 windows, each reading the one before it (through layers that act
    pixel by pixel), in the order of the calls; a window with no window before it is a run
    of one."""
    writer = trace.writers()

    def previous_window(row: LayerTrace) -> LayerTrace | None:
        while len(row.inputs) == 1 and row.inputs[0] in writer:
            row = writer[row.inputs[0]]
            if row.reach is not Reach.PIXEL:
                return row if _stride_1_window(row) else None
        return None

    runs, in_a_run = [], set()
    for row in reversed(trace):
        if row.name in in_a_run or not _stride_1_window(row):
            continue
        run = [row]
        while (before := previous_window(run[-1])) is not None:
            run.append(before)
        run.reverse()
        in_a_run.update(r.name for r in run)
        runs.append(run)
    runs.reverse()
    return runs


def _gridding(trace: Explanation) -> list[Finding]:
    """Runs of two or more stride-1 windows, one feeding the next (through pointwise layers
    only), with a dilated convolution among them, whose combined field has holes: positions
    inside it that no path of taps reaches. One dilated layer alone reads a grid by design."""
    findings = []
    for run in _runs(trace):
        if len(run) < 2 or not any(a.dilation > 1 for row in run for a in row.axes):
            continue
        axes = [[(row.axes[i].kernel_size, row.axes[i].dilation) for row in run] for i in (0, 1)]
        offsets = [field_offsets(taps) for taps in axes]
        field = [max(o) + 1 for o in offsets]
        read = len(offsets[0]) * len(offsets[1])
        holes = field[0] * field[1] - read
        if holes == 0:
            continue
        rates = ", ".join(pair_text((h, w), str) for (_, h), (_, w) in zip(*axes))
        names, last = ", ".join(row.name for row in run), run[-1].name
        kernels = {pair_text(tuple(a.kernel_size for a in row.axes), str) for row in run}
        example = " (for 3×3 kernels, e.g. 1, 2, 5: hybrid dilated convolution)" if kernels == {"3"} else ""
        findings.append(
            Finding(
                last,
                "gridding",
                "warning",
                f"{names} are stacked with dilation rates {rates}: one output of {last} spans "
                f"{field[0]}×{field[1]} pixels of {run[0].name}'s input but depends on only {read:,} of "
                f"them, leaving {holes:,} holes (gridding; Wang et al., 2018).",
                f"rates whose combined field has no holes{example}",
                {"field": field, "read": read, "holes": holes},
            )
        )
    return findings


def _unread_input(trace: Explanation, findings: list[Finding]) -> list[Finding]:
    read = read_masks(trace)
    result = []
    for item in trace.sources:
        mask = read.get(item.key)
        if mask is None or mask.ndim != 2 or mask.all():
            continue
        unread, pixels = int((~mask).sum()), mask.size
        causes = [f.layer for f in findings if f.rule in ("skipped-pixels", "dropped-edge")]
        why = f" (see {', '.join(causes)})" if causes else ""
        result.append(
            Finding(
                MODEL,
                "unread-input",
                "warning",
                f"{unread:,} of the {pixels:,} pixels of input {item.name!r} ({shape_text(item.shape)}) reach no "
                f"output: changing them changes nothing the model computes{why}.",
                "kernels at least as long as their strides, and input sizes the windows cover",
                {"unread": unread, "pixels": pixels},
            )
        )
    return result


def _keeps_blocks(row: LayerTrace, real: tuple[int, int] | None) -> bool:
    """Whether the layer's output would be exactly its input's pixels (``real``: the
    zeros of an earlier ZeroPadding2D left out) divided by its stride whenever those are a
    multiple of it. "same" padding does; a window without padding shrinks the map."""
    if real is None:
        return True
    for axis, pixels in zip(row.axes, real):
        if axis.padding == "same":
            continue
        extra = axis.size - pixels + axis.pad_before + axis.pad_after
        if (extra - axis.effective_kernel) // axis.stride + 1 != 0:
            return False
    return True


def _rounded_maps(trace: Explanation, content: dict[int, np.ndarray]) -> list[Finding]:
    """Strided layers that divide a size (their input's pixels, the zeros of an earlier
    ZeroPadding2D left out) that is not a multiple of their stride, when the model's input
    is not a multiple of the stride of the whole model: the largest product of strides from
    the input to a map."""
    stride = {item.key: 1 for item in trace.sources}
    rounding, shrinking, last_stride = [], [], -1
    for index, row in enumerate(trace):
        before = max((stride.get(k, 1) for k in row.inputs), default=1)
        factor = 1
        if row.reach is Reach.WINDOW:
            factor = max(a.stride for a in row.axes)
            last_stride = index if factor > 1 else last_stride
            mask = content[row.inputs[0]]
            lines = lines_carrying(mask)
            held = (int(lines[0].sum()), int(lines[1].sum())) if lines is not None else None
            if not _keeps_blocks(row, held):
                shrinking.append((index, row.name))
            for a, real in zip(row.axes, held or ()):
                if real % a.stride:
                    zeros = f" (+{a.size - real} zeros)" if a.size != real else ""
                    way = "up" if a.output * a.stride > real else "down"
                    rounding.append(f"{row.name} {real}{zeros} → {a.output}, {way}")
                    break
        for key in row.outputs:
            stride[key] = before * factor
    total = max(stride.values())
    size = trace.sources[0].shape[:2] if len(trace.sources) == 1 else ()
    if not rounding or len(size) != 2 or all(n % total == 0 for n in size):
        return []
    near = sorted({m for n in size for m in (max(total, n // total * total), -(-n // total) * total)})
    shown = rounding[:4] + ([f"and {len(rounding) - 4} more"] if len(rounding) > 4 else [])
    if len(rounding) > 1:
        layers_text = f"{len(rounding)} strided layers divide sizes that are not multiples of their strides and round them"
    else:
        layers_text = "1 strided layer divides a size that is not a multiple of its stride and rounds it"
    shrinking = [name for index, name in shrinking if index < last_stride]  # before a stride
    if shrinking:
        fix = (
            f"none needed unless exact sizes matter: a multiple of {total} alone does not make every size "
            f"divide, since windows without padding ({', '.join(shrinking[:3])}"
            f"{', …' if len(shrinking) > 3 else ''}) shrink the maps between the strides"
        )
    else:
        fix = f"an input size that is a multiple of {total} (e.g. {' or '.join(map(str, near))}), if the model allows"
    return [
        Finding(
            MODEL,
            "rounded-maps",
            "info",
            f"the {shape_text(size)} input is not a multiple of {total}, the product of the strides: "
            f"{layers_text} ({'; '.join(shown)}). The sizes of the maps after "
            f"{'them depend on how each of these layers rounds' if len(rounding) > 1 else 'it depend on how it rounds'}, "
            f"not on the input's size divided by {total} alone.",
            fix,
            {"stride": total, "rounding": len(rounding)},
        )
    ]
