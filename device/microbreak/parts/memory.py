"""The C heap's free memory given back to the system, after the work that
used it (an exercise's frames, the cues' synthesis) is done; and the
allocator set up for a long run in little memory (:func:`keep_the_heap_small`)."""

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


M_ARENA_MAX = -8  # glibc's mallopt parameters (malloc.h)
M_MMAP_THRESHOLD = -3
LARGE_BLOCK = 1024 * 1024


def keep_the_heap_small() -> None:
    """Set glibc's allocator up for a long run in little memory: call once,
    first, before any thread starts.

    - One heap for every thread. Each thread that allocates (a request on
      the control socket, the cues' synthesis, the guidance's tones) gets a
      heap of its own otherwise, and what it frees stays there until the
      next trim: idle in the VM, 3–4 MiB more from one run to the next.
    - Every block of 1 MiB or more (a picture of the whole screen) mapped on
      its own and unmapped when freed. glibc does this from 128 KiB until
      the first such block is freed, then raises its threshold to that
      block's size, and blocks below it come from the heap, where freed ones
      stay: at 800x480 the screen's first frame (1.5 MiB) raised it, and the
      heap kept 6 MiB more idle than on SDL's dummy driver (measured in the
      VM). At 1 MiB the figure's bands (under 0.4 MiB, made every frame an
      exercise moves) stay in the heap, where mapping each anew cost a
      quarter more CPU.

    Elsewhere than glibc it does nothing."""
    with contextlib.suppress(AttributeError, OSError):
        libc = ctypes.CDLL(None)
        libc.mallopt(M_ARENA_MAX, 1)
        libc.mallopt(M_MMAP_THRESHOLD, LARGE_BLOCK)
