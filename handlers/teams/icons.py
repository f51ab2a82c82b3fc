"""The two icons a Teams app package carries, drawn here rather than kept as files: a colour
icon (192x192, full colour) and an outline icon (32x32, white on transparent, which Teams
requires so it can tint it). Both show two people facing each other: a 1on1.

Only the standard library: a few lines of PNG encoding spare a dependency for two pictures.
"""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Callable

__all__ = ["ACCENT_COLOR", "color_icon_png", "outline_icon_png", "png_size"]

COLOR_SIZE = 192
OUTLINE_SIZE = 32
# The colour icon's background, also the manifest's accentColor (Teams shows it around the icon).
ACCENT_COLOR = "#3A5BA0"
_SUPERSAMPLE = 4

Shape = Callable[[float, float], bool]
RGBA = tuple[int, int, int, int]


def _two_people(x: float, y: float) -> bool:
    """Two people facing each other in the unit square (y grows downwards)."""
    for cx in (0.29, 0.71):
        if (x - cx) ** 2 + (y - 0.36) ** 2 <= 0.11**2:  # head
            return True
        # Shoulders: the upper half of an ellipse under the head.
        if y <= 0.84 and ((x - cx) / 0.18) ** 2 + ((y - 0.84) / 0.30) ** 2 <= 1.0:
            return True
    return False


def _coverage(shape: Shape, px: int, py: int, size: int, inset: float) -> float:
    """The share of pixel (px, py) that the shape covers, drawn inside a square inset by
    ``inset`` (a fraction of the side) on every edge."""
    inside = 0
    span = 1.0 - 2 * inset
    for sy in range(_SUPERSAMPLE):
        for sx in range(_SUPERSAMPLE):
            u = ((px + (sx + 0.5) / _SUPERSAMPLE) / size - inset) / span
            v = ((py + (sy + 0.5) / _SUPERSAMPLE) / size - inset) / span
            if 0.0 <= u <= 1.0 and 0.0 <= v <= 1.0 and shape(u, v):
                inside += 1
    return inside / _SUPERSAMPLE**2


def _hex_rgb(color: str) -> tuple[int, int, int]:
    value = int(color.lstrip("#"), 16)
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


@functools.cache
def color_icon_png() -> bytes:
    """192x192: white people on the accent colour, inside the centre area Teams keeps clear."""
    background = _hex_rgb(ACCENT_COLOR)
    rows: list[list[RGBA]] = []
    for py in range(COLOR_SIZE):
        row: list[RGBA] = []
        for px in range(COLOR_SIZE):
            share = _coverage(_two_people, px, py, COLOR_SIZE, inset=0.2)
            r, g, b = (round(c + (255 - c) * share) for c in background)
            row.append((r, g, b, 255))
        rows.append(row)
    return _png(rows)


@functools.cache
def outline_icon_png() -> bytes:
    """32x32: white people, transparent elsewhere (edges soften through alpha only)."""
    rows = [
        [
            (255, 255, 255, round(255 * _coverage(_two_people, px, py, OUTLINE_SIZE, 0.06)))
            for px in range(OUTLINE_SIZE)
        ]
        for py in range(OUTLINE_SIZE)
    ]
    return _png(rows)


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _png(rows: list[list[RGBA]]) -> bytes:
    height, width = len(rows), len(rows[0])
    # Filter type 0 before each row; 8-bit RGBA.
    raw = b"".join(b"\x00" + bytes(v for pixel in row for v in pixel) for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
