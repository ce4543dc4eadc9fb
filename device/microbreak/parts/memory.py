"""The C heap's free memory given back to the system, after the work that
used it (an exercise's frames, the cues' synthesis) is done; and large
blocks kept out of the heap from the start (:func:`keep_large_blocks_apart`)."""

from __future__ import annotations

import contextlib
import ctypes


def give_back_free_memory() -> None:
    """Return the C heap's free pages to the system (glibc's ``malloc_trim``),
    those of every thread's heap.

    An exercise at 30 frames a second frees a few MiB of pixels a second;
    glibc keeps freed memory for reuse, so without this the process stays at
    its largest for the rest of the day (5 MiB more at 800x480, measured).
    Elsewhere than glibc it does nothing."""
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None).malloc_trim(0)


M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
LARGE_BLOCK = 1024 * 1024


def keep_large_blocks_apart() -> None:
    """Have every block of 1 MiB or more (a picture of the whole screen) mapped
    on its own and unmapped when freed, for the whole run: call once, first.

    glibc maps blocks of 128 KiB or more on their own, until the first one is
    freed: then it raises its threshold to that block's size, and blocks
    below it come from the heap, where freed ones stay. At 800x480 the
    screen's first frame (1.5 MiB) raised it, and the heap kept 6 MiB more
    idle than on SDL's dummy driver (measured in the VM). A fixed threshold
    stays where it is set; at 1 MiB the figure's bands (under 0.4 MiB, made
    every frame an exercise moves) stay in the heap, where mapping each anew
    cost a quarter more CPU. Elsewhere than glibc it does nothing."""
    with contextlib.suppress(AttributeError, OSError):
        ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK)
