"""Draw the app icon with Qt and write assets/icons/mine2compute.{png,ico,icns}.

    .venv/bin/python packaging/make_icon.py

Three blocks (isometric cubes) on a rounded teal square: mining makes blocks. Drawn
with QPainter at each size the platforms ask for; the .ico (Windows) and .icns (macOS) hold the
PNGs as they are (both formats accept PNG entries: Windows Vista and later, macOS 10.7 and later),
so no image library beyond Qt is needed. The files are committed; run this again only to change
the drawing.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_TYPES = {b"icp4": 16, b"icp5": 32, b"icp6": 64, b"ic07": 128, b"ic08": 256, b"ic09": 512}


def draw(size: int) -> bytes:
    """The icon as PNG bytes, `size` pixels square."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
    from PySide6.QtGui import QBrush, QColor, QImage, QLinearGradient, QPainter, QPolygonF

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 256.0
    gradient = QLinearGradient(0, 0, 0, size)
    gradient.setColorAt(0, QColor("#1d6f80"))
    gradient.setColorAt(1, QColor("#123d52"))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QBrush(gradient))
    margin = 8 * s
    p.drawRoundedRect(QRectF(margin, margin, size - 2 * margin, size - 2 * margin), 48 * s, 48 * s)

    def cube(cx: float, cy: float, r: float, top: str, left: str, right: str) -> None:
        """An isometric cube centred on (cx, cy) with edge `r` (in 256ths)."""
        cx, cy, r = cx * s, cy * s, r * s
        h = r * 0.5
        up = QPointF(cx, cy - r)
        mid = QPointF(cx, cy)
        lt, rt = QPointF(cx - r * 0.866, cy - h), QPointF(cx + r * 0.866, cy - h)
        lb, rb = QPointF(cx - r * 0.866, cy + h), QPointF(cx + r * 0.866, cy + h)
        down = QPointF(cx, cy + r)
        for face, colour in (((up, rt, mid, lt), top), ((lt, mid, down, lb), left), ((mid, rt, rb, down), right)):
            p.setBrush(QColor(colour))
            p.drawPolygon(QPolygonF(list(face)))

    cube(78, 170, 44, "#fbe3a6", "#f4b942", "#d99423")
    cube(180, 170, 44, "#fbe3a6", "#f4b942", "#d99423")
    cube(128, 100, 54, "#ffffff", "#d9e6ea", "#aac4cc")
    p.end()

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def ico(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico holding PNG entries (one per size)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = 6 + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in sorted(pngs.items()):
        entries += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(png), offset + len(blobs))
        blobs += png
    return header + entries + blobs


def icns(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns holding PNG entries."""
    body = b"".join(kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES.items())
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    pngs = {size: draw(size) for size in sorted(set(ICO_SIZES) | set(ICNS_TYPES.values()))}
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "mine2compute.png").write_bytes(pngs[256])
    (OUT / "mine2compute.ico").write_bytes(ico({size: pngs[size] for size in ICO_SIZES}))
    (OUT / "mine2compute.icns").write_bytes(icns(pngs))
    for path in sorted(OUT.iterdir()):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
