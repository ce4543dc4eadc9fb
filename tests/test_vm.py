"""microbreak under real systemd, in a Debian VM with simulated GPIO lines
(tests/vm/vmtest.py says what it builds, boots and checks).

The x86_64 test takes a few minutes, the arm64 one (the same, emulating a
64-bit Pi's kind of processor) longer. Both need root on a Debian machine (they
install qemu, debootstrap and the kernel's headers and source), so they run only
when asked with ``MICROBREAK_VM_TEST=1``, as ``.ci/run`` does. Asked for on a machine
that can run it, it runs for real: any failure fails the test.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

VMTEST = Path(__file__).resolve().parent / "vm" / "vmtest.py"
HOW = (
    "run it with MICROBREAK_VM_TEST=1 as root on Debian 12 x86_64, "
    "or 'sudo python3 tests/vm/vmtest.py'; README: 'Tested under real systemd'"
)


def why_not() -> str | None:
    """Why the VM test cannot or need not run here; None: run it."""
    if os.geteuid() != 0:
        return f"the VM test needs root: {HOW}"
    if not (
        shutil.which("qemu-system-x86_64") and shutil.which("debootstrap")
    ) and not shutil.which("apt-get"):
        return f"the VM test needs qemu and debootstrap, or apt-get to install them: {HOW}"
    if os.environ.get("MICROBREAK_VM_TEST") != "1":
        return f"the VM test was not asked for: {HOW}"
    return None


def run_vmtest(capsys, *options: str) -> None:
    """Runs vmtest.py, streaming its report (steps and times) as it comes."""
    lines = []
    with capsys.disabled():
        print()
        with subprocess.Popen(
            [sys.executable, str(VMTEST), *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as vmtest:
            for line in vmtest.stdout:
                print(line, end="", flush=True)
                lines.append(line)
    failed = next((i for i, line in enumerate(lines) if line.startswith("vmtest: FAIL")), None)
    assert vmtest.returncode == 0, "".join(lines[failed:] if failed is not None else lines[-40:])
    assert "vmtest: PASS\n" in lines


@pytest.mark.slow
@pytest.mark.skipif(why_not() is not None, reason=why_not() or "")
def test_installed_service_under_systemd_in_a_vm(capsys):
    run_vmtest(capsys)


@pytest.mark.slow
@pytest.mark.skipif(why_not() is not None, reason=why_not() or "")
def test_installed_service_under_systemd_in_an_arm64_vm(capsys):
    """The same on arm64 (qemu-system-aarch64): the aarch64 wheels, lgpio and
    gpio-sim built in the arm64 image, the same scenario."""
    run_vmtest(capsys, "--arch", "arm64")
