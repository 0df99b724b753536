"""The digest HTML in headless Chromium at phone width: it renders, and renders our layout."""

from __future__ import annotations

import datetime as dt
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from digest.branch import BranchInfo
from digest.render import render_digest

WIDTH, HEIGHT = 420, 1200
HEADER_RGB = (0x0B, 0x3D, 0x6E)


def find_chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("chromium not found on PATH (install it: apt-get install -y chromium)")


def read_png(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and unfiltered RGB(A) rows of an 8-bit truecolour PNG (no Pillow needed)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * channels, [], bytes(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, upleft = prev[i], prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - upleft
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - upleft)
                pred = left if pa <= pb and pa <= pc else up if pb <= pc else upleft
                line[i] = (line[i] + pred) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, [bytes(r[i] for i in range(len(r)) if i % channels < 3) for r in rows]


def pixel(rows: list[bytes], x: int, y: int) -> tuple[int, int, int]:
    return tuple(rows[y][x * 3 : x * 3 + 3])


def test_digest_renders_at_phone_width(tmp_path: Path, make_lead) -> None:
    chromium = find_chromium()
    branch = BranchInfo("KC-BALIKPAPAN", "Balikpapan", "Kalimantan", ("a@example.id",))
    new = [make_lead(code=str(i), name=f"Pembangunan Jalan Lingkar Utara Tahap {i}") for i in range(3)]
    html = render_digest(branch, dt.date(2026, 11, 22), new, [make_lead(code="9")]).html
    page = tmp_path / "digest.html"
    page.write_text(html, encoding="utf-8")
    png = tmp_path / "digest.png"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--window-size={WIDTH},{HEIGHT}",
            f"--screenshot={png}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert png.is_file()
    width, height, rows = read_png(png.read_bytes())
    assert (width, height) == (WIDTH, HEIGHT)
    colours = {rows[y][x : x + 3] for y in range(0, height, 7) for x in range(0, width * 3, 21)}
    assert len(colours) > 20, "screenshot is blank or nearly so"
    # The header bar spans the phone width: our inline CSS rendered and the layout did not overflow.
    assert pixel(rows, 15, 30) == HEADER_RGB
    assert pixel(rows, width - 15, 30) == HEADER_RGB
    assert pixel(rows, 2, 30) != HEADER_RGB
