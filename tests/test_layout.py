"""The architecture's rules, held: the core reads no clock, file, socket or
device and imports no library that does; the shells reach it only through
its public names."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "device" / "microbreak"
CORE = sorted((PACKAGE / "core").glob("*.py"))

# Modules that read the clock, files, sockets or devices, or run threads.
FORBIDDEN = {
    "time",
    "os",
    "io",
    "pathlib",
    "socket",
    "selectors",
    "select",
    "subprocess",
    "threading",
    "asyncio",
    "sqlite3",
    "tomllib",
    "zoneinfo",
    "logging",
    "signal",
    "fcntl",
    "mmap",
    "ctypes",
    "pygame",
    "gpiozero",
    "systemd",
    "tomlkit",
}
CLOCK_READS = {"now", "today", "utcnow", "time", "monotonic", "localtime"}


def runtime_imports(tree: ast.Module) -> list[tuple[int, str]]:
    """Every module imported when the file runs (not under ``if TYPE_CHECKING``)."""
    checking = {
        id(node)
        for branch in ast.walk(tree)
        if isinstance(branch, ast.If)
        and isinstance(branch.test, ast.Name)
        and branch.test.id == "TYPE_CHECKING"
        for statement in branch.body
        for node in ast.walk(statement)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in checking:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


@pytest.mark.parametrize("path", CORE, ids=lambda path: path.name)
def test_the_core_imports_no_clock_file_socket_or_device(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrong = [
        (line, name)
        for line, name in runtime_imports(tree)
        if name.split(".")[0] in FORBIDDEN
        or (name.startswith("microbreak.") and not name.startswith("microbreak.core."))
    ]
    assert not wrong, f"{path.name} imports {wrong}: the core takes time and input as values"


@pytest.mark.parametrize("path", CORE, ids=lambda path: path.name)
def test_the_core_reads_no_clock(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    reads = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in CLOCK_READS
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in ("datetime", "date", "time")
    ]
    assert not reads, f"{path.name} reads a clock on lines {reads}: Now is handed in"


def test_the_rule_finds_what_it_forbids():
    tree = ast.parse(
        "import time\nfrom microbreak.storage import history\n"
        "if TYPE_CHECKING:\n    from pathlib import Path\n"
    )
    assert runtime_imports(tree) == [(1, "time"), (2, "microbreak.storage")]


def test_no_module_outside_the_core_reads_its_internals():
    """The shells read the schedule's public names, never a private one."""
    private = []
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "core":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and isinstance(node.value, ast.Attribute)
                and node.value.attr in ("schedule", "session", "state")
            ):
                private.append(f"{path.relative_to(PACKAGE)}:{node.lineno} .{node.attr}")
    assert not private, private
