"""Where the built-in data folders (``sounds/``, ``images/``, ``locale/``) are.

A built wheel carries them inside the package; a checkout or an editable
install keeps them at the top of the source tree, beside ``device/``::

    >>> (data_dir("images") / "exercises").is_dir()
    True
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent

DATA_FOLDERS = ("sounds", "images", "locale")


def data_dir(name: str) -> Path:
    """Return the folder *name* (one of :data:`DATA_FOLDERS`)."""
    if name not in DATA_FOLDERS:
        raise ValueError(f"unknown data folder {name!r}; allowed: {', '.join(DATA_FOLDERS)}")
    for base in (_PACKAGE, _CHECKOUT):
        candidate = base / name
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"the {name}/ folder is missing: looked in {_PACKAGE} and {_CHECKOUT}; reinstall microbreak"
    )
