"""A GIF read back by a decoder other than microbreak's encoder (used by tests)."""

import pygame


def read_gif(path) -> list[tuple[pygame.Surface, int]]:
    """Every frame of the GIF at *path*, whole, with its delay in milliseconds:
    pygame-ce's ``load_animation`` (SDL_image), or on classic pygame, which
    has no way to read a GIF's other frames, Pillow (Debian's python3-pil)."""
    if hasattr(pygame.image, "load_animation"):
        return pygame.image.load_animation(str(path))
    from PIL import Image, ImageSequence

    with Image.open(path) as gif:
        return [
            (
                pygame.image.frombuffer(frame.convert("RGB").tobytes(), frame.size, "RGB"),
                frame.info["duration"],
            )
            for frame in ImageSequence.Iterator(gif)
        ]
