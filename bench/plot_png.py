#!/usr/bin/env python3
"""Plots throughput against concurrency as a PNG: with matplotlib when python3 has it, else with
a small built-in rasteriser (zlib + PNG chunks), so the sweep needs nothing from PyPI.

usage: plot_png.py DATA.tsv OUT.png TITLE [linear]
       (DATA: lines "x<TAB>y"; x on a log2 scale, e.g. lanes, or with "linear" e.g. seconds)
"""
import struct
import sys
import zlib


def read(path):
    points = []
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                x, y = line.split()[:2]
                points.append((float(x), float(y)))
    return points


def with_matplotlib(points, out, title, linear=False):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    xs, ys = zip(*points)
    plt.figure(figsize=(7, 4.5))
    plt.plot(xs, ys, marker="o")
    if not linear:
        plt.xscale("log", base=2)
    plt.title(title)
    plt.grid(True, alpha=0.3)
    plt.savefig(out, dpi=100)


# A 3x5 pixel font for the axis numbers.
DIGITS = {"0": "111101101101111", "1": "010110010010111", "2": "111001111100111",
          "3": "111001111001111", "4": "101101111001001", "5": "111100111001111",
          "6": "111100111101111", "7": "111001001001001", "8": "111101111101111",
          "9": "111101111001111", "k": "100101110101101"}


def builtin(points, out, _title, linear=False):
    import math
    width, height, margin = 700, 450, 60
    pixels = [[(255, 255, 255)] * width for _ in range(height)]

    def put(x, y, color, size=1):
        for dx in range(-size + 1, size):
            for dy in range(-size + 1, size):
                if 0 <= x + dx < width and 0 <= y + dy < height:
                    pixels[y + dy][x + dx] = color

    def line(x0, y0, x1, y1, color, size=1):
        steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for i in range(steps + 1):
            put(round(x0 + (x1 - x0) * i / steps), round(y0 + (y1 - y0) * i / steps), color, size)

    def text(x, y, s):
        for n, ch in enumerate(s):
            glyph = DIGITS.get(ch)
            if glyph is None:
                continue
            for i, bit in enumerate(glyph):
                if bit == "1":
                    for sx in range(2):
                        for sy in range(2):
                            put(x + n * 8 + (i % 3) * 2 + sx, y + (i // 3) * 2 + sy, (0, 0, 0))

    xs = [x if linear else math.log2(x) for x, _ in points]
    top = max(y for _, y in points) * 1.1 or 1
    x_lo, x_hi = min(xs), max(xs) if max(xs) > min(xs) else min(xs) + 1

    def sx(v):
        return round(margin + (v - x_lo) / (x_hi - x_lo) * (width - 2 * margin))

    def sy(v):
        return round(height - margin - v / top * (height - 2 * margin))

    line(margin, height - margin, width - margin, height - margin, (0, 0, 0))
    line(margin, margin, margin, height - margin, (0, 0, 0))
    if linear:  # five ticks, not one per point
        for i in range(5):
            value = x_lo + (x_hi - x_lo) * i / 4
            text(sx(value) - 6, height - margin + 8, str(int(value)))
    else:
        for (x, y), lx in zip(points, xs):
            text(sx(lx) - 6, height - margin + 8, str(int(x)))
    for i in range(5):
        value = top * i / 4
        line(margin - 4, sy(value), width - margin, sy(value), (220, 220, 220))
        label = f"{value / 1000:.0f}k" if value >= 1000 else f"{value:.0f}"
        text(4, sy(value) - 5, label)
    previous = None
    for (x, y), lx in zip(points, xs):
        here = (sx(lx), sy(y))
        if previous:
            line(*previous, *here, (30, 90, 200), 2)
        put(*here, (200, 30, 30), 2 if linear else 4)
        previous = here

    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in pixels)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    with open(out, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


def main():
    data, out, title = sys.argv[1], sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else ""
    linear = len(sys.argv) > 4 and sys.argv[4] == "linear"
    points = sorted(read(data))
    try:
        with_matplotlib(points, out, title, linear)
        print(f"{out} (matplotlib)")
    except ImportError:
        builtin(points, out, title, linear)
        print(f"{out} (built-in rasteriser: x {'linear' if linear else 'log2'})")


if __name__ == "__main__":
    main()
