"""Draws Sesame's icon (a keyhole in a rounded square) as a 1024x1024 PNG, stdlib only.
`npx tauri icon icons/icon-source.png -o icons` then derives every platform size from it."""
import math, struct, zlib

N = 1024
def inside_round_rect(x, y, r=200, m=48):
    lo, hi = m, N - m
    if not (lo <= x < hi and lo <= y < hi):
        return False
    cx = min(max(x, lo + r), hi - r)
    cy = min(max(y, lo + r), hi - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

def keyhole(x, y):
    # A circle over a trapezoid, centred slightly above the middle.
    if (x - 512) ** 2 + (y - 430) ** 2 <= 130 ** 2:
        return True
    if 470 <= y <= 760:
        half = 55 + (y - 470) * 0.25
        return abs(x - 512) <= half
    return False

rows = []
for y in range(N):
    row = bytearray([0])
    t = y / N
    for x in range(N):
        if inside_round_rect(x, y):
            if keyhole(x, y):
                px = (255, 246, 224, 255)  # warm ivory keyhole
            else:
                # A deep teal-to-indigo gradient.
                r = int(18 + 20 * t); g = int(96 - 40 * t); b = int(120 + 60 * t)
                px = (r, g, b, 255)
        else:
            px = (0, 0, 0, 0)
        row.extend(px)
    rows.append(bytes(row))
raw = b"".join(rows)
def chunk(kind, data):
    c = kind + data
    return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 6, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
open("icon-source.png", "wb").write(png)
