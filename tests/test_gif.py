"""GIFs written without an image library, read back by SDL_image (or Pillow)."""

import io
import random

import pygame
import pytest
from gif_frames import read_gif

from microbreak.drawing.gif import lzw, save_gif

COLOURS = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (10, 20, 30), (255, 255, 255), (200, 120, 0)]


def noise(size, seed, colours=COLOURS):
    rng = random.Random(seed)
    surface = pygame.Surface(size)
    for x in range(size[0]):
        for y in range(size[1]):
            surface.set_at((x, y), colours[rng.randrange(len(colours))])
    return surface


def read_back(data, tmp_path):
    path = tmp_path / "out.gif"
    path.write_bytes(data)
    return read_gif(path)


def pixels(surface):
    return [
        surface.get_at((x, y))[:3]
        for x in range(surface.get_width())
        for y in range(surface.get_height())
    ]


def test_frames_of_few_colours_come_back_exactly(tmp_path):
    frames = [noise((97, 61), seed) for seed in range(3)]
    out = io.BytesIO()
    assert save_gif(out, frames, 0.1) == 3
    decoded = read_back(out.getvalue(), tmp_path)
    assert [pixels(s) for s, _ in decoded] == [pixels(f) for f in frames]
    assert [delay for _, delay in decoded] == [100, 100, 100]  # milliseconds


def test_only_the_moving_part_is_stored_yet_every_frame_is_whole(tmp_path):
    frames = []
    for x in range(0, 60, 6):
        frame = pygame.Surface((80, 40))
        frame.fill((20, 30, 60))
        frame.fill((255, 200, 0), pygame.Rect(x, 10, 12, 12))
        frames.append(frame)
    out = io.BytesIO()
    save_gif(out, frames, 0.05)
    decoded = read_back(out.getvalue(), tmp_path)
    assert [pixels(s) for s, _ in decoded] == [pixels(f) for f in frames]
    assert len(out.getvalue()) < 2000  # ten frames of 80x40, stored as patches


def test_a_run_of_identical_frames_is_one_longer_frame(tmp_path):
    still, other = pygame.Surface((10, 10)), pygame.Surface((10, 10))
    other.fill((9, 9, 9))
    out = io.BytesIO()
    assert save_gif(out, [still, still, still, other], 0.1) == 2
    assert [d for _, d in read_back(out.getvalue(), tmp_path)] == [300, 100]


def test_more_than_256_colours_come_back_close(tmp_path):
    frame = pygame.Surface((64, 64))
    for x in range(64):
        for y in range(64):
            frame.set_at((x, y), (x * 4, y * 4, 128))
    out = io.BytesIO()
    save_gif(out, [frame], 0.1)
    [(decoded, _)] = read_back(out.getvalue(), tmp_path)
    worst = max(
        abs(a - b)
        for p, q in zip(pixels(decoded), pixels(frame), strict=True)
        for a, b in zip(p, q, strict=True)
    )
    assert worst <= 64


def test_a_big_picture_fills_the_code_table_and_starts_it_again(tmp_path):
    frame = noise((200, 150), 7, COLOURS + [(i, i, i) for i in range(0, 250, 10)])
    assert len(lzw(bytes(range(256)) * 40)) > 0
    out = io.BytesIO()
    save_gif(out, [frame], 0.1)
    [(decoded, _)] = read_back(out.getvalue(), tmp_path)
    assert pixels(decoded) == pixels(frame)


def test_frames_of_different_sizes_are_refused():
    with pytest.raises(ValueError, match="differ in size"):
        save_gif(io.BytesIO(), [pygame.Surface((4, 4)), pygame.Surface((5, 4))], 0.1)
