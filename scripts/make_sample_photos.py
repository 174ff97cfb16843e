"""Draw every photo used by the sample catalog (brands/ and products/).

Why this exists: the sample catalog that ships with sitegen has to build on a fresh
checkout, offline, with no licensing questions. So instead of downloading stock photos
we paint stylised ones here with Pillow's ImageDraw — gradient backgrounds, simple shapes
that suggest the product (tea leaves, a rice bowl, oranges, mushrooms, a honey jar …) and
a little film grain — and commit the results next to each index.md.

The output is deterministic: every picture uses its own seeded random.Random, and the
encoders are called with fixed settings, so running the script again with the same Pillow
build rewrites byte-identical files (and leaves unchanged files untouched). Every file is
checked to be under 200 KB, small enough to keep the repository light while still giving
the image pipeline real work to do.

Usage:
    python scripts/make_sample_photos.py            # (re)write the images
    python scripts/make_sample_photos.py --check    # exit 1 if any file is missing or differs

Only the standard library and Pillow are needed.
"""

from __future__ import annotations

import argparse
import io
import math
import random
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 200 * 1024  # hard limit for every generated file
TARGET_BYTES = 180 * 1024  # JPEG quality is lowered step by step until a file fits this
JPEG_QUALITIES = (80, 76, 72, 68, 64, 60, 55)
PNG_PALETTES = (256, 192, 128, 96, 64)  # colours tried, in order, for photos saved as PNG
SS = 2  # supersampling: draw at SS× the output size, then downscale (cheap anti-aliasing)

Color = tuple[int, ...]
Point = tuple[float, float]


# --------------------------------------------------------------------------- colours


def hexc(value: str) -> Color:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def mix(a: Color, b: Color, t: float) -> Color:
    return tuple(round(x + (y - x) * t) for x, y in zip(a[:3], b[:3], strict=True))


def alpha(c: Color, a: int) -> Color:
    return (*c[:3], a)


def jitter(rng: random.Random, c: Color, amount: int) -> Color:
    """The same colour, a random amount lighter or darker."""
    d = rng.randint(-amount, amount)
    return tuple(max(0, min(255, v + d)) for v in c[:3])


# --------------------------------------------------------------------------- geometry


def rotate(points: list[Point], cx: float, cy: float, angle: float) -> list[Point]:
    a = math.radians(angle)
    ca, sa = math.cos(a), math.sin(a)
    return [(cx + x * ca - y * sa, cy + x * sa + y * ca) for x, y in points]


def ellipse_pts(cx: float, cy: float, rx: float, ry: float, angle: float = 0, n: int = 28) -> list[Point]:
    pts = [(rx * math.cos(2 * math.pi * i / n), ry * math.sin(2 * math.pi * i / n)) for i in range(n)]
    return rotate(pts, cx, cy, angle)


def leaf_pts(x: float, y: float, length: float, width: float, angle: float, n: int = 22) -> list[Point]:
    """A leaf whose stalk end is at (x, y), pointing along `angle` degrees."""
    upper, lower = [], []
    for i in range(n + 1):
        t = i / n
        half = width / 2 * math.sin(math.pi * t) ** 0.75 * (1.08 - 0.35 * t)
        upper.append((t * length, -half))
        lower.append((t * length, half))
    return rotate(upper + lower[::-1], x, y, angle)


def blob_pts(rng: random.Random, cx: float, cy: float, r: float, wobble: float = 0.25, n: int = 60) -> list[Point]:
    """An irregular closed shape (wood ear, leaf pile) built from a few random sines."""
    waves = [(rng.randint(2, 7), rng.uniform(0, math.tau), rng.uniform(0.3, 1.0)) for _ in range(4)]
    total = sum(w[2] for w in waves)
    pts = []
    for i in range(n):
        a = math.tau * i / n
        k = 1 + wobble * sum(amp * math.sin(f * a + ph) for f, ph, amp in waves) / total
        pts.append((cx + r * k * math.cos(a), cy + r * k * math.sin(a)))
    return pts


def ridge(rng: random.Random, width: float, base: float, amp: float, steps: int = 120) -> list[Point]:
    """Top edge of a mountain range: a sum of sines with seeded phases."""
    waves = [(rng.uniform(0.6, 1.6) * k, rng.uniform(0, math.tau), 1 / k) for k in (1, 2, 3.3, 6.1, 11.7)]
    pts = []
    for i in range(steps + 1):
        x = width * i / steps
        y = sum(a * math.sin(f * math.tau * x / width + ph) for f, ph, a in waves)
        pts.append((x, base - amp * y / 1.6))
    return pts


# --------------------------------------------------------------------------- painter


class Painter:
    """ImageDraw wrapper working in output pixels while drawing SS× larger.

    The base image is RGB (translucent fills blend into it) unless `transparent` is set
    (logos). `layer()` collects shapes on a transparent sheet that can be blurred (shadows,
    mist, bokeh) before it is laid over the picture.
    """

    def __init__(
        self, w: int, h: int, rng: random.Random, bg: Color = (255, 255, 255), ss: int = SS, transparent: bool = False
    ) -> None:
        self.w, self.h, self.ss, self.rng = w, h, ss, rng
        mode = "RGBA" if transparent else "RGB"
        self.img = Image.new(mode, (w * ss, h * ss), (0, 0, 0, 0) if transparent else bg[:3])
        self._stack: list[Image.Image] = []

    # plumbing
    def _target(self) -> Image.Image:
        return self._stack[-1] if self._stack else self.img

    def _draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self._target(), "RGBA")

    def _s(self, pts: list[Point]) -> list[Point]:
        return [(x * self.ss, y * self.ss) for x, y in pts]

    def _box(self, box: tuple[float, float, float, float]) -> list[float]:
        x0, y0, x1, y1 = box
        return [x0 * self.ss, y0 * self.ss, x1 * self.ss, y1 * self.ss]

    @contextmanager
    def layer(self, blur: float = 0, opacity: float = 1.0) -> Iterator[None]:
        sheet = Image.new("RGBA", self.img.size, (0, 0, 0, 0))
        self._stack.append(sheet)
        try:
            yield
        finally:
            self._stack.pop()
            if blur:  # blur premultiplied so transparent black does not darken the edges
                sheet = sheet.convert("RGBa").filter(ImageFilter.GaussianBlur(blur * self.ss)).convert("RGBA")
            if opacity < 1:
                sheet.putalpha(sheet.getchannel("A").point(lambda v: round(v * opacity)))
            self._composite(sheet, (0, 0))

    def _composite(self, sheet: Image.Image, pos: tuple[int, int]) -> None:
        """Lay an RGBA sheet over the current target at pos (which may be off-canvas)."""
        base = self._target()
        if base.mode == "RGBA":  # alpha_composite wants a non-negative destination: crop instead
            x, y = pos
            sheet = sheet.crop((max(0, -x), max(0, -y), sheet.width, sheet.height))
            if sheet.width and sheet.height and x < base.width and y < base.height:
                base.alpha_composite(sheet, (max(0, x), max(0, y)))
        else:
            base.paste(sheet.convert("RGB"), pos, sheet)

    # primitives (coordinates in output pixels)
    def ellipse(self, box, fill=None, outline=None, width: float = 1) -> None:
        self._draw().ellipse(self._box(box), fill=fill, outline=outline, width=round(width * self.ss))

    def circle(self, cx: float, cy: float, r: float, **kw) -> None:
        self.ellipse((cx - r, cy - r, cx + r, cy + r), **kw)

    def polygon(self, pts: list[Point], fill=None, outline=None, width: float = 1) -> None:
        self._draw().polygon(self._s(pts), fill=fill, outline=outline, width=round(width * self.ss))

    def line(self, pts: list[Point], fill, width: float = 1) -> None:
        self._draw().line(self._s(pts), fill=fill, width=max(1, round(width * self.ss)), joint="curve")

    def rrect(self, box, radius: float, fill=None, outline=None, width: float = 1) -> None:
        self._draw().rounded_rectangle(
            self._box(box), radius=radius * self.ss, fill=fill, outline=outline, width=round(width * self.ss)
        )

    def chord(self, box, start: float, end: float, fill=None) -> None:
        self._draw().chord(self._box(box), start, end, fill=fill)

    # gradient-filled shapes
    def grad(
        self,
        kind: str,
        geom,
        c1: Color,
        c2: Color,
        mode: str = "v",
        focus: Point = (0.35, 0.3),
        reach: float = 1.0,
        opacity: int = 255,
    ) -> None:
        """Fill an 'ellipse' (box), 'polygon' (points) or 'rect' (box) with a gradient.

        mode 'v' runs c1 (top) → c2 (bottom), 'h' left → right, 'radial' from c1 at `focus`
        (fractions of the bounding box) to c2 at `reach` × the box's larger side.
        """
        if kind == "polygon":
            pts = self._s(geom)
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
        else:
            x0, y0, x1, y1 = self._box(geom)
        ix0, iy0 = math.floor(x0), math.floor(y0)
        lw, lh = max(1, math.ceil(x1) - ix0 + 1), max(1, math.ceil(y1) - iy0 + 1)
        mask = Image.new("L", (lw, lh), 0)
        md = ImageDraw.Draw(mask)
        if kind == "polygon":
            md.polygon([(x - ix0, y - iy0) for x, y in pts], fill=opacity)
        elif kind == "ellipse":
            md.ellipse([x0 - ix0, y0 - iy0, x1 - ix0, y1 - iy0], fill=opacity)
        else:
            md.rectangle([x0 - ix0, y0 - iy0, x1 - ix0, y1 - iy0], fill=opacity)
        if mode == "radial":
            reach_px = reach * max(lw, lh)
            size = max(2, round(reach_px * 256 / 181))
            g = Image.new("L", (lw, lh), 255)
            fx, fy = focus[0] * lw, focus[1] * lh
            g.paste(
                Image.radial_gradient("L").resize((size, size), Image.BILINEAR),
                (round(fx - size / 2), round(fy - size / 2)),
            )
        else:
            g = Image.linear_gradient("L").resize((lw, lh) if mode == "v" else (lh, lw), Image.BILINEAR)
            if mode == "h":
                g = g.rotate(90, expand=True)  # counter-clockwise: the dark top becomes the left
        colored = Image.composite(Image.new("RGB", (lw, lh), c2[:3]), Image.new("RGB", (lw, lh), c1[:3]), g)
        sheet = colored.convert("RGBA")
        sheet.putalpha(mask)
        self._composite(sheet, (ix0, iy0))

    def background(self, top: Color, bottom: Color) -> None:
        self.grad("rect", (0, 0, self.w, self.h), top, bottom)

    def sprite(self, w: int, h: int, draw: Callable[[Painter], None], cx: float, cy: float, angle: float = 0) -> None:
        """Draw on a separate transparent w×h sheet, rotate it and centre it on (cx, cy)."""
        sub = Painter(w, h, self.rng, ss=self.ss, transparent=True)
        draw(sub)
        im = sub.img.rotate(-angle, resample=Image.BICUBIC, expand=True) if angle else sub.img
        self._composite(im, (round(cx * self.ss - im.width / 2), round(cy * self.ss - im.height / 2)))

    # common scenery
    def shadow(self, box, strength: int = 90, blur: float = 14) -> None:
        with self.layer(blur=blur):
            self.ellipse(box, fill=(40, 25, 10, strength))

    def table(self, y: float, c1: Color, c2: Color, grain: bool = True) -> None:
        self.grad("rect", (0, y, self.w, self.h), c1, c2)
        if grain:
            rng = self.rng
            for _ in range(int((self.h - y) / 9)):
                yy = rng.uniform(y, self.h)
                amp, ph, f = rng.uniform(1, 5), rng.uniform(0, math.tau), rng.uniform(2, 6)
                pts = [(x, yy + amp * math.sin(f * math.tau * x / self.w + ph)) for x in range(0, self.w + 40, 40)]
                shade = (0, 0, 0, rng.randint(8, 22)) if rng.random() < 0.7 else (255, 255, 255, rng.randint(8, 18))
                self.line(pts, fill=shade, width=rng.uniform(1, 3))
            self.line([(0, y), (self.w, y)], fill=(0, 0, 0, 35), width=2)

    def bokeh(self, n: int, colors: list[Color], rmin: float, rmax: float, area=None, blur: float = 6) -> None:
        x0, y0, x1, y1 = area or (0, 0, self.w, self.h)
        with self.layer(blur=blur):
            for _ in range(n):
                c = self.rng.choice(colors)
                self.circle(
                    self.rng.uniform(x0, x1),
                    self.rng.uniform(y0, y1),
                    self.rng.uniform(rmin, rmax),
                    fill=alpha(c, self.rng.randint(30, 90)),
                )

    def glow(self, cx: float, cy: float, r: float, color: Color, strength: int = 120) -> None:
        with self.layer(blur=r / 3):
            self.circle(cx, cy, r, fill=alpha(color, strength))


# --------------------------------------------------------------------------- reusable motifs


def draw_leaf(
    p: Painter, x: float, y: float, length: float, width: float, angle: float, color: Color, veins: bool = True
) -> None:
    light, dark = mix(color, (255, 255, 240), 0.25), mix(color, (0, 0, 0), 0.25)
    p.grad("polygon", leaf_pts(x, y, length, width, angle), light, dark, mode="radial", focus=(0.3, 0.3))
    if veins:
        tip = rotate([(length * 0.95, 0)], x, y, angle)[0]
        vein = alpha(mix(color, (255, 255, 220), 0.45), 160)
        p.line([(x, y), tip], fill=vein, width=max(1.0, width / 30))
        for t in (0.25, 0.42, 0.58, 0.74):
            for side in (-1, 1):
                a, b = rotate([(t * length, 0), ((t + 0.12) * length, side * width * 0.3 * (1 - t))], x, y, angle)
                p.line([a, b], fill=alpha(vein, 100), width=max(1.0, width / 50))


def sphere(p: Painter, cx: float, cy: float, r: float, light: Color, dark: Color, focus: Point = (0.34, 0.3)) -> None:
    p.grad("ellipse", (cx - r, cy - r, cx + r, cy + r), light, dark, mode="radial", focus=focus, reach=1.05)


def orange(p: Painter, cx: float, cy: float, r: float, leaf: bool = True, angle: float = -30) -> None:
    rng = p.rng
    sphere(p, cx, cy, r, (255, 190, 80), (206, 88, 10))
    with p.layer():  # peel dimples
        for _ in range(int(r * 1.6)):
            a, d = rng.uniform(0, math.tau), r * math.sqrt(rng.random()) * 0.95
            p.circle(
                cx + d * math.cos(a),
                cy + d * math.sin(a),
                rng.uniform(0.8, 1.8),
                fill=(150, 60, 0, rng.randint(25, 60)),
            )
    with p.layer(blur=r / 10):
        p.ellipse((cx - r * 0.62, cy - r * 0.7, cx - r * 0.12, cy - r * 0.35), fill=(255, 245, 220, 110))
    sx, sy = rotate([(0, -r * 0.92)], cx, cy, angle / 3)[0]
    p.circle(sx, sy, r * 0.07, fill=(96, 110, 40))
    if leaf:
        draw_leaf(p, sx, sy, r * 0.95, r * 0.42, angle - 40, (58, 120, 48))


def tea_leaf(p: Painter, x: float, y: float, size: float, angle: float, dried: bool = False) -> None:
    rng = p.rng
    if dried:
        c = jitter(rng, (74, 88, 42), 14)
        p.polygon(leaf_pts(x, y, size, size * rng.uniform(0.16, 0.26), angle), fill=c)
        p.line(
            rotate([(size * 0.1, 0), (size * 0.9, 0)], x, y, angle),
            fill=alpha(mix(c, (255, 255, 255), 0.3), 120),
            width=1.2,
        )
    else:
        draw_leaf(p, x, y, size, size * 0.42, angle, jitter(rng, (86, 150, 60), 12))


def grain_of_rice(p: Painter, x: float, y: float, size: float, angle: float, color: Color = (248, 246, 236)) -> None:
    pts = ellipse_pts(x, y, size, size * 0.42, angle, n=16)
    p.polygon(pts, fill=color, outline=(196, 190, 172, 150), width=0.8)
    hx, hy = rotate([(-size * 0.2, -size * 0.12)], x, y, angle)[0]
    p.polygon(ellipse_pts(hx, hy, size * 0.45, size * 0.12, angle, n=10), fill=(255, 255, 255, 170))


def rice_ear(p: Painter, x0: float, y0: float, length: float, bend: float, color=(214, 168, 70)) -> None:
    """A drooping ear of rice from (x0, y0) upwards, bending right by `bend`."""
    pts = []
    for i in range(21):
        t = i / 20
        pts.append((x0 + bend * t * t, y0 - length * (1 - 0.45 * t * t) * t + bend * 0.5 * t**3))
    p.line(pts[:12], fill=(150, 140, 60), width=3)
    p.line(pts[10:], fill=mix(color, (110, 80, 20), 0.35), width=2)
    for i in range(10, 21):
        px, py = pts[i]
        for side in (-1, 1):
            a = math.degrees(math.atan2(pts[i][1] - pts[i - 1][1], pts[i][0] - pts[i - 1][0])) + side * 35
            gx, gy = rotate([(9, 0)], px, py, a)[0]
            p.polygon(ellipse_pts(gx, gy, 9, 4, a, n=12), fill=jitter(p.rng, color, 12))


def bowl(
    p: Painter, cx: float, rim_y: float, rw: float, depth: float, body: Color, shade: Color, band: Color | None = None
) -> None:
    """Side view of a bowl: rim ellipse at rim_y, half-width rw."""
    p.shadow((cx - rw * 0.95, rim_y + depth * 0.82, cx + rw * 0.95, rim_y + depth * 1.12), strength=110, blur=16)
    pts = [(cx - rw, rim_y)]
    for i in range(41):
        a = math.pi * i / 40
        pts.append((cx - rw * math.cos(a) * (1 - 0.08 * math.sin(a)), rim_y + depth * math.sin(a) ** 0.9))
    p.rrect((cx - rw * 0.34, rim_y + depth * 0.86, cx + rw * 0.34, rim_y + depth * 1.04), 8, fill=shade)
    p.grad("polygon", pts, body, shade, mode="radial", focus=(0.3, 0.1), reach=1.1)
    if band:
        for k, yy in enumerate((0.18, 0.62)):
            span = rw * (0.99 if k == 0 else 0.8)
            wave = [(cx - span + 2 * span * i / 60, rim_y + depth * yy + 5 * math.sin(i * 0.9)) for i in range(61)]
            p.line(wave, fill=alpha(band, 200), width=4)
        for i in range(7):
            t = (i + 0.5) / 7
            x = cx - rw * 0.72 + rw * 1.44 * t
            y = rim_y + depth * 0.4 + depth * 0.08 * math.sin(math.pi * t)
            p.circle(x, y, 13, outline=alpha(band, 210), width=3)
            p.circle(x, y, 5, fill=alpha(band, 210))
    p.ellipse(
        (cx - rw, rim_y - rw * 0.12, cx + rw, rim_y + rw * 0.12),
        outline=alpha(mix(body, (255, 255, 255), 0.5), 220),
        width=3,
    )


def rice_mound(p: Painter, cx: float, rim_y: float, rw: float, height: float, steam: bool = True) -> None:
    rng = p.rng
    pts = [
        (
            cx - rw * 0.98 + 2 * rw * 0.98 * i / 40,
            rim_y - height * math.sin(math.pi * i / 40) ** 0.7 + rw * 0.1 * math.sin(math.pi * i / 40) ** 6,
        )
        for i in range(41)
    ]
    pts += [
        (cx + rw * 0.98 * math.cos(math.pi * i / 20), rim_y + rw * 0.1 * math.sin(math.pi * i / 20)) for i in range(21)
    ]
    p.grad("polygon", pts, (255, 255, 250), (214, 210, 196), mode="radial", focus=(0.38, 0.2), reach=1.0)
    for _ in range(int(rw * 1.6)):
        t = rng.random()
        x = cx - rw * 0.92 + 2 * rw * 0.92 * t
        top = rim_y - height * math.sin(math.pi * t) ** 0.7
        y = rng.uniform(top + 6, rim_y + rw * 0.06)
        grain_of_rice(p, x, y, rng.uniform(7, 10), rng.uniform(0, 180))
    if steam:
        with p.layer(blur=6):
            for k in range(3):
                x0 = cx - rw * 0.4 + k * rw * 0.4
                wisp = [(x0 + 18 * math.sin(i * 0.5 + k), rim_y - height - 20 - i * 9) for i in range(26)]
                p.line(wisp, fill=(255, 255, 255, 120), width=10)


def jar(
    p: Painter,
    cx: float,
    base_y: float,
    w: float,
    h: float,
    fill1: Color,
    fill2: Color,
    lid: Color,
    label: Color = (246, 236, 210),
    emblem: Color = (190, 120, 30),
) -> None:
    x0, x1, top = cx - w / 2, cx + w / 2, base_y - h
    p.shadow((x0 - w * 0.1, base_y - h * 0.05, x1 + w * 0.25, base_y + h * 0.06), strength=120, blur=14)
    p.rrect((x0, top + h * 0.08, x1, base_y), w * 0.14, fill=(255, 255, 255, 60), outline=(255, 255, 255, 140), width=3)
    p.grad(
        "polygon",
        [
            (x0 + 8, top + h * 0.18),
            (x1 - 8, top + h * 0.18),
            (x1 - 8, base_y - 30),
            (x1 - 30, base_y - 8),
            (x0 + 30, base_y - 8),
            (x0 + 8, base_y - 30),
        ],
        fill1,
        fill2,
        mode="radial",
        focus=(0.35, 0.3),
    )
    p.rrect((x0 + w * 0.08, top + h * 0.22, x0 + w * 0.18, base_y - h * 0.1), 10, fill=(255, 255, 255, 70))
    p.grad(
        "rect",
        (x0 - w * 0.04, top - h * 0.02, x1 + w * 0.04, top + h * 0.12),
        mix(lid, (255, 255, 255), 0.25),
        mix(lid, (0, 0, 0), 0.3),
    )
    for i in range(1, 9):
        xx = x0 - w * 0.04 + (w * 1.08) * i / 9
        p.line([(xx, top), (xx, top + h * 0.1)], fill=(0, 0, 0, 40), width=2)
    ly0, ly1 = top + h * 0.38, top + h * 0.72
    p.rrect((x0 + w * 0.1, ly0, x1 - w * 0.1, ly1), 14, fill=label, outline=alpha(emblem, 200), width=3)
    hx, hy, hr = cx, ly0 + (ly1 - ly0) * 0.38, (ly1 - ly0) * 0.2
    p.polygon(
        [(hx + hr * math.cos(math.pi / 3 * i), hy + hr * math.sin(math.pi / 3 * i)) for i in range(6)],
        outline=emblem,
        width=4,
    )
    for k, frac in enumerate((0.68, 0.82)):
        half = w * (0.24 if k == 0 else 0.16)
        p.line(
            [(cx - half, ly0 + (ly1 - ly0) * frac), (cx + half, ly0 + (ly1 - ly0) * frac)],
            fill=alpha(emblem, 170),
            width=6,
        )


def honey_dipper(p: Painter, cx: float, cy: float, length: float, angle: float) -> None:
    def draw(q: Painter) -> None:
        w, h = q.w, q.h
        q.rrect((w / 2 - 7, 0, w / 2 + 7, h * 0.68), 7, fill=(168, 116, 66))
        for i in range(6):
            y = h * 0.62 + i * h * 0.055
            r = w * (0.3 + 0.12 * math.sin(math.pi * i / 5))
            q.grad("ellipse", (w / 2 - r, y, w / 2 + r, y + h * 0.07), (214, 164, 100), (150, 98, 50), mode="radial")
        q.polygon(
            [
                (w / 2 - w * 0.18, h * 0.9),
                (w / 2 + w * 0.18, h * 0.9),
                (w / 2 + 5, h * 0.985),
                (w / 2, h),
                (w / 2 - 5, h * 0.985),
            ],
            fill=(226, 150, 30, 230),
        )

    p.sprite(round(length * 0.28), round(length), draw, cx, cy, angle)


def hexagon(cx: float, cy: float, r: float) -> list[Point]:
    return [
        (cx + r * math.cos(math.pi / 3 * i + math.pi / 6), cy + r * math.sin(math.pi / 3 * i + math.pi / 6))
        for i in range(6)
    ]


def hex_pattern(p: Painter, r: float, color: Color, area=None) -> None:
    x0, y0, x1, y1 = area or (0, 0, p.w, p.h)
    dx, dy = r * math.sqrt(3), r * 1.5
    row = 0
    y = y0
    while y < y1 + r:
        x = x0 + (dx / 2 if row % 2 else 0)
        while x < x1 + r:
            p.polygon(hexagon(x, y, r * 0.96), outline=color, width=2)
            x += dx
        y += dy
        row += 1


def mushroom_top(p: Painter, cx: float, cy: float, r: float) -> None:
    """花菇 seen from above: a brown cap crazed with cream cracks."""
    rng = p.rng
    p.shadow((cx - r * 0.95, cy - r * 0.7, cx + r * 1.1, cy + r * 1.15), strength=100, blur=10)
    p.circle(cx, cy, r, fill=(236, 220, 190))
    sphere(p, cx, cy, r * 0.93, (150, 96, 56), (82, 48, 26), focus=(0.4, 0.35))
    for _ in range(int(r / 2.2)):
        a, d = rng.uniform(0, math.tau), r * 0.9 * math.sqrt(rng.random())
        x, y = cx + d * math.cos(a), cy + d * math.sin(a)
        pts = [(x, y)]
        for _ in range(rng.randint(2, 4)):
            a += rng.uniform(-0.9, 0.9)
            step = rng.uniform(4, r * 0.16)
            x, y = x + step * math.cos(a), y + step * math.sin(a)
            if math.hypot(x - cx, y - cy) > r * 0.9:
                break
            pts.append((x, y))
        if len(pts) > 1:
            p.line(pts, fill=(240, 226, 196, rng.randint(170, 240)), width=rng.uniform(1.5, 4.5))


def mushroom_side(
    p: Painter,
    cx: float,
    base_y: float,
    r: float,
    cap1: Color,
    cap2: Color,
    stem: Color = (238, 226, 200),
    stem_h: float = 0.9,
    fat: float = 0.28,
) -> None:
    """A mushroom in profile, standing on base_y."""
    cap_y = base_y - r * stem_h
    p.shadow((cx - r * 0.7, base_y - r * 0.08, cx + r * 0.8, base_y + r * 0.1), strength=110, blur=8)
    stem_pts = [
        (cx - r * fat, cap_y),
        (cx + r * fat, cap_y),
        (cx + r * fat * 1.3, base_y - r * 0.1),
        (cx + r * fat * 0.9, base_y),
        (cx - r * fat * 0.9, base_y),
        (cx - r * fat * 1.3, base_y - r * 0.1),
    ]
    p.grad("polygon", stem_pts, stem, mix(stem, (120, 100, 70), 0.35), mode="h")
    p.ellipse((cx - r * 0.95, cap_y - r * 0.12, cx + r * 0.95, cap_y + r * 0.16), fill=mix(stem, (150, 120, 80), 0.3))
    cap = [
        (cx + r * math.cos(math.pi + math.pi * i / 40), cap_y - r * 0.8 * math.sin(math.pi * i / 40) ** 0.8)
        for i in range(41)
    ]
    cap += [(cx + r * math.cos(math.pi * i / 20), cap_y + r * 0.1 * math.sin(math.pi * i / 20)) for i in range(21)]
    p.grad("polygon", cap, cap1, cap2, mode="radial", focus=(0.35, 0.2))


def nut_pile_positions(
    rng: random.Random, cx: float, cy: float, rx: float, ry: float, n: int, inside: bool = False
) -> list[Point]:
    """n points heaped around (cx, cy), sorted back to front; `inside` keeps them within rx × ry."""
    pts: list[Point] = []
    while len(pts) < n:
        x, y = rng.gauss(0, rx / 2.2), rng.gauss(0, ry / 2.2)
        if not inside or (x / rx) ** 2 + (y / ry) ** 2 <= 1:
            pts.append((cx + x, cy + y))
    return sorted(pts, key=lambda q: q[1])


# --------------------------------------------------------------------------- product pictures


def photo_tea_cup(p: Painter) -> None:
    """惠明茶: a white gaiwan of green tea with fresh leaves around it."""
    p.background(hexc("eef3e2"), hexc("cfdcb8"))
    p.bokeh(14, [(255, 255, 240), (200, 225, 170)], 30, 90, area=(0, 0, p.w, p.h * 0.5), blur=10)
    p.table(p.h * 0.56, hexc("d9c6a5"), hexc("b99a70"))
    cx, cy = p.w * 0.42, p.h * 0.6
    p.shadow((cx - 300, cy + 10, cx + 320, cy + 150), strength=110, blur=18)
    p.grad("ellipse", (cx - 290, cy - 20, cx + 290, cy + 130), (255, 255, 252), (206, 210, 204), mode="radial")
    bowl(p, cx, cy - 30, 200, 150, (255, 255, 252), (200, 204, 196))
    p.grad("ellipse", (cx - 188, cy - 52, cx + 188, cy - 8), (206, 214, 120), (150, 170, 50), mode="radial")
    for i in range(6):
        tea_leaf(p, cx - 120 + i * 45, cy - 32 + (i % 2) * 8, 40, -20 + i * 25)
    rng = p.rng
    for _ in range(16):
        x, y = rng.uniform(p.w * 0.62, p.w * 0.95), rng.uniform(p.h * 0.6, p.h * 0.95)
        tea_leaf(p, x, y, rng.uniform(60, 110), rng.uniform(0, 360))
    for _ in range(10):
        tea_leaf(
            p, rng.uniform(40, p.w * 0.3), rng.uniform(p.h * 0.8, p.h * 0.98), rng.uniform(50, 80), rng.uniform(0, 360)
        )


def photo_tea_shoot(p: Painter) -> None:
    """惠明茶 close-up: one bud and one leaf against a soft green background."""
    p.background(hexc("2e5a32"), hexc("7ea25a"))
    p.bokeh(40, [(220, 240, 180), (140, 190, 100), (255, 255, 220)], 20, 80, blur=12)
    rng = p.rng
    for k, (bx, by, s) in enumerate(((0.3, 1.0, 1.0), (0.62, 1.05, 1.25), (0.86, 1.0, 0.8))):
        x, y = p.w * bx, p.h * by
        top = (x + 30 * s, y - 560 * s)
        stem = [(x + 30 * s * (i / 20) ** 2, y - 560 * s * i / 20) for i in range(21)]
        p.line(stem, fill=(96, 130, 60), width=7 * s)
        for j, frac in enumerate((0.3, 0.52, 0.72)):
            sx, sy = stem[round(frac * 20)]
            side = 1 if (j + k) % 2 else -1
            draw_leaf(
                p,
                sx,
                sy,
                260 * s * (1.1 - frac * 0.5),
                120 * s * (1.1 - frac * 0.5),
                -90 + side * rng.uniform(40, 60),
                (98, 160, 64),
            )
        p.grad(
            "polygon",
            leaf_pts(top[0], top[1] + 20 * s, 130 * s, 44 * s, -88),
            (214, 236, 170),
            (140, 190, 90),
            mode="radial",
            focus=(0.3, 0.5),
        )
        with p.layer():
            for _ in range(30):  # downy hairs on the bud
                hx, hy = top[0] + rng.uniform(-16, 16) * s, top[1] + rng.uniform(-100, 10) * s
                p.line(
                    [(hx, hy), (hx + rng.uniform(-6, 6), hy - rng.uniform(3, 8))], fill=(255, 255, 240, 120), width=1
                )


def photo_mushroom_tray(p: Painter) -> None:
    """庆元花菇 on a round bamboo tray (this one is saved as PNG)."""
    p.background(hexc("e9dfcf"), hexc("cdbb9f"))
    cx, cy, R = p.w / 2, p.h / 2 + 20, p.w * 0.44
    p.shadow((cx - R, cy - R * 0.9, cx + R + 30, cy + R + 40), strength=90, blur=20)
    p.circle(cx, cy, R, fill=hexc("c9a66b"))
    for i in range(26):
        p.circle(cx, cy, R * (1 - i / 28), outline=(120, 84, 40, 60 if i % 2 else 30), width=3)
    for i in range(48):
        a = math.tau * i / 48
        p.line(
            [(cx + R * 0.08 * math.cos(a), cy + R * 0.08 * math.sin(a)), (cx + R * math.cos(a), cy + R * math.sin(a))],
            fill=(110, 76, 36, 40),
            width=2,
        )
    p.circle(cx, cy, R, outline=hexc("8a6535"), width=16)
    spots = [
        (-0.45, -0.4, 0.2),
        (0.05, -0.5, 0.22),
        (0.48, -0.28, 0.19),
        (-0.5, 0.12, 0.21),
        (-0.02, 0.0, 0.24),
        (0.45, 0.2, 0.2),
        (-0.22, 0.5, 0.19),
        (0.24, 0.55, 0.18),
    ]
    for dx, dy, rr in spots:
        mushroom_top(p, cx + dx * R, cy + dy * R, rr * R * 0.95)


def photo_dried_shiitake(p: Painter) -> None:
    """Rows of dried shiitake on dark slate."""
    p.background(hexc("3d3a36"), hexc("24211f"))
    rng = p.rng
    for row in range(3):
        for col in range(5):
            x = p.w * (0.13 + 0.185 * col) + (40 if row % 2 else 0) + rng.uniform(-12, 12)
            y = p.h * (0.36 + 0.27 * row)
            r = rng.uniform(78, 96)
            mushroom_side(p, x, y, r, (168, 112, 64), (88, 52, 28), stem=(222, 200, 160), stem_h=0.55, fat=0.2)


def photo_jumi(p: Painter) -> None:
    """遂昌菊米: golden infusion in a glass with dried buds beside it."""
    p.background(hexc("fbf3dc"), hexc("ecd9ac"))
    p.bokeh(10, [(255, 250, 220), (250, 220, 140)], 40, 100, area=(0, 0, p.w, p.h * 0.5), blur=14)
    p.table(p.h * 0.66, hexc("c7a878"), hexc("9c7a4d"))
    rng = p.rng
    cx, base = p.w * 0.38, p.h * 0.86
    p.shadow((cx - 170, base - 30, cx + 230, base + 30), strength=90, blur=12)
    glass = [(cx - 150, base - 480), (cx + 150, base - 480), (cx + 122, base), (cx - 122, base)]
    p.polygon(glass, fill=(255, 255, 255, 70))
    liquid = [(cx - 143, base - 380), (cx + 143, base - 380), (cx + 124, base - 10), (cx - 124, base - 10)]
    p.grad("polygon", liquid, (250, 214, 100), (214, 160, 40), mode="v", opacity=215)
    p.ellipse((cx - 143, base - 396, cx + 143, base - 364), fill=(255, 226, 130, 230))
    for _ in range(26):
        bx, by = cx + rng.uniform(-110, 110), base - rng.uniform(30, 370)
        p.circle(bx, by, rng.uniform(7, 11), fill=(255, 210, 60, 230))
        p.circle(bx, by + 6, 4, fill=(120, 140, 50, 200))
    p.ellipse((cx - 150, base - 496, cx + 150, base - 464), outline=(255, 255, 255, 200), width=4)
    p.polygon(glass, outline=(255, 255, 255, 170), width=4)
    p.polygon(
        [(cx - 130, base - 460), (cx - 106, base - 460), (cx - 92, base - 40), (cx - 108, base - 40)],
        fill=(255, 255, 255, 90),
    )
    for x, y in nut_pile_positions(rng, p.w * 0.74, p.h * 0.84, 300, 90, 420):
        c = jitter(rng, (196, 160, 64), 18)
        p.circle(x, y, rng.uniform(6, 9), fill=c, outline=mix(c, (80, 60, 20), 0.5), width=1)
        p.circle(x - 2, y - 2, 2.2, fill=(250, 226, 140))


def photo_rice_bowl(p: Painter, style: str = "white") -> None:
    """A bowl of steaming rice; style white | blue (青花) | wood."""
    bg = {"white": ("f6efe0", "e4d3b4"), "blue": ("eef1f4", "cfd7df"), "wood": ("f3e8d2", "dcc39a")}[style]
    p.background(hexc(bg[0]), hexc(bg[1]))
    p.glow(p.w * 0.75, p.h * 0.15, 220, (255, 255, 240), 140)
    p.table(p.h * 0.62, hexc("b88d5d"), hexc("8c6238"))
    cx, rim = p.w * 0.48, p.h * 0.55
    if style == "wood":
        bowl(p, cx, rim, 270, 230, hexc("b9834d"), hexc("6b4524"))
        for i in range(5):
            p.line(
                [(cx - 250 + i * 20, rim + 30 + i * 35), (cx + 250 - i * 20, rim + 30 + i * 35)],
                fill=(60, 36, 16, 40),
                width=3,
            )
    elif style == "blue":
        bowl(p, cx, rim, 270, 230, (255, 255, 255), (200, 208, 220), band=hexc("2f4f8f"))
    else:
        bowl(p, cx, rim, 270, 230, (255, 255, 250), (214, 208, 196))
    rice_mound(p, cx, rim, 262, 120)
    if style == "wood":
        for k in range(3):
            rice_ear(p, p.w * 0.8 + k * 40, p.h * 0.98, 360 + k * 40, 160 - k * 30)
    else:
        p.rrect((cx + 260, rim + 160, cx + 560, rim + 176), 8, fill=hexc("5a3a22"))
        p.rrect((cx + 268, rim + 190, cx + 580, rim + 206), 8, fill=hexc("6b482c"))


def photo_rice_grains(p: Painter) -> None:
    """Loose long-grain rice on a dark wooden board."""
    p.background(hexc("6b4a2e"), hexc("4a321e"))
    p.table(0, hexc("7a5434"), hexc("4e341f"))
    rng = p.rng
    for x, y in nut_pile_positions(rng, p.w * 0.5, p.h * 0.55, p.w * 0.7, p.h * 0.6, 1400):
        grain_of_rice(p, x, y, rng.uniform(13, 16), rng.uniform(0, 180))
    for k in range(2):
        rice_ear(p, p.w * (0.08 + k * 0.06), p.h + 20, 520, 260, color=(226, 186, 90))


def landscape_base(
    p: Painter,
    sky1: Color,
    sky2: Color,
    ridges: list[tuple[float, float, Color]],
    sun: Point | None = None,
    mist: Color = (255, 255, 255),
) -> None:
    p.background(sky1, sky2)
    if sun:
        p.glow(sun[0], sun[1], p.h * 0.16, (255, 244, 210), 200)
        p.circle(sun[0], sun[1], p.h * 0.05, fill=(255, 250, 230, 230))
    for base, amp, color in ridges:
        pts = ridge(p.rng, p.w, p.h * base, p.h * amp)
        p.polygon([*pts, (p.w, p.h), (0, p.h)], fill=color)
        with p.layer(blur=p.h * 0.03):
            p.polygon(
                [
                    (0, p.h * base + p.h * amp * 0.2),
                    (p.w, p.h * base + p.h * amp * 0.2),
                    (p.w, p.h * base + p.h * amp * 1.4),
                    (0, p.h * base + p.h * amp * 1.4),
                ],
                fill=alpha(mist, 70),
            )


def terraces(p: Painter, top: float, rows: int, colors: list[Color], water: bool = False) -> list[list[Point]]:
    """Curved terrace bands from y=top to the bottom edge; returns the band edges."""
    rng = p.rng
    edges = []
    for i in range(rows + 1):
        t = (i / rows) ** 1.5
        y = top + (p.h - top) * t
        amp = 6 + 40 * t
        ph, f = rng.uniform(0, math.tau), rng.uniform(0.8, 1.6)
        edges.append([(x, y + amp * math.sin(f * math.tau * x / p.w + ph)) for x in range(0, p.w + 21, 20)])
    for i in range(rows):
        band = edges[i] + edges[i + 1][::-1]
        c = colors[i % len(colors)]
        p.grad("polygon", band, mix(c, (255, 255, 255), 0.18), c, mode="v")
        p.line(edges[i + 1], fill=(70, 90, 40, 150), width=2 + 4 * i / rows)
        if water:
            for x, y in edges[i][:: 2 + (rows - i) // 3]:
                for k in range(2):
                    h = 5 + 16 * i / rows
                    yy = y + (edges[i + 1][0][1] - edges[i][0][1]) * (0.35 + 0.35 * k)
                    p.line([(x, yy), (x - 2, yy - h)], fill=(70, 140, 50), width=1 + 2 * i / rows)
    return edges


def photo_paddy_fish(p: Painter) -> None:
    """青田稻鱼共生: terraced paddies with red field-fish in the water."""
    landscape_base(p, hexc("b9d4e6"), hexc("e8f0ec"), [(0.3, 0.1, hexc("8fa9a6")), (0.4, 0.08, hexc("5f8a6e"))])
    terraces(p, p.h * 0.5, 7, [hexc("a9cbd0"), hexc("9cc3c8"), hexc("b4d3d3")], water=True)
    rng = p.rng
    for _ in range(9):
        x, y = rng.uniform(80, p.w - 80), rng.uniform(p.h * 0.7, p.h * 0.95)
        s, a = rng.uniform(24, 40), rng.uniform(-25, 25) + (180 if rng.random() < 0.5 else 0)
        body = ellipse_pts(x, y, s, s * 0.42, a)
        tail = rotate([(-s * 0.9, 0), (-s * 1.5, -s * 0.45), (-s * 1.5, s * 0.45)], x, y, a)
        p.polygon(tail, fill=(222, 90, 40, 220))
        p.polygon(body, fill=(236, 112, 52, 235))
        ex, ey = rotate([(s * 0.55, -s * 0.1)], x, y, a)[0]
        p.circle(ex, ey, s * 0.08, fill=(30, 20, 20))
        with p.layer(blur=4):
            p.ellipse((x - s * 1.6, y - s * 0.5, x + s * 1.6, y + s * 0.9), outline=(255, 255, 255, 90), width=3)


def photo_paddy_gold(p: Painter) -> None:
    """五常 paddy: golden rice stretching to low hills, ears in the foreground."""
    landscape_base(
        p,
        hexc("7fb2e0"),
        hexc("f2e6c8"),
        [(0.44, 0.05, hexc("6f8a70")), (0.5, 0.03, hexc("587a52"))],
        sun=(p.w * 0.8, p.h * 0.2),
    )
    top = p.h * 0.52
    p.grad("rect", (0, top, p.w, p.h), hexc("d7b45a"), hexc("b88a2e"))
    vx = p.w * 0.45
    for i in range(-30, 31):
        p.line([(vx + i * 8, top), (vx + i * 120, p.h)], fill=(120, 90, 20, 70), width=2)
    for i in range(14):
        y = top + (p.h - top) * (i / 14) ** 1.7
        p.line([(0, y), (p.w, y)], fill=(255, 230, 150, 50), width=1 + i / 3)
    for _ in range(22):
        rice_ear(p, p.rng.uniform(-50, p.w), p.h + 40, p.rng.uniform(260, 380), p.rng.uniform(80, 200))


def photo_jiaobai(p: Painter) -> None:
    """缙云茭白: peeled ivory shoots and whole ones in green sheaths."""
    p.background(hexc("eef2ea"), hexc("d4decb"))
    p.table(p.h * 0.45, hexc("cdd6c0"), hexc("aab896"), grain=False)
    for i in range(40):  # bamboo mat slats
        p.line([(0, p.h * 0.45 + i * 13), (p.w, p.h * 0.45 + i * 13)], fill=(120, 140, 90, 45), width=3)

    def shoot(q: Painter, sheath: bool) -> None:
        w, h = q.w, q.h

        def half(t: float) -> float:  # t = 0 at the cut end (bottom) … 1 at the tip
            return w * 0.44 * min(1.0, (t / 0.05) ** 0.5) * max(0.0, 1 - t**2.6) ** 0.6

        ts = [i / 40 for i in range(41)]
        body = [(w / 2 + half(t), h * 0.98 * (1 - t)) for t in ts] + [
            (w / 2 - half(t), h * 0.98 * (1 - t)) for t in ts[::-1]
        ]
        q.grad("polygon", body, (255, 253, 240), (212, 220, 186), mode="h")
        tip = [(w / 2 + half(t), h * 0.98 * (1 - t)) for t in ts[30:]] + [
            (w / 2 - half(t), h * 0.98 * (1 - t)) for t in ts[:29:-1]
        ]
        q.polygon(tip, fill=(190, 214, 150, 150))
        q.line([(w * 0.36, h * 0.85), (w * 0.4, h * 0.2)], fill=(255, 255, 255, 170), width=5)
        if sheath:  # the outer leaves still wrapped round the lower part
            for s, top in ((-1, 0.18), (1, 0.3)):
                q.grad(
                    "polygon",
                    [
                        (w / 2 + s * w * 0.5, h),
                        (w / 2 + s * w * 0.48, h * 0.5),
                        (w / 2 + s * w * 0.1, h * top),
                        (w / 2 - s * w * 0.2, h * 0.55),
                        (w / 2 - s * w * 0.12, h),
                    ],
                    (130, 178, 86),
                    (58, 108, 40),
                    mode="h",
                )

    for k, (x, y, a, sh) in enumerate(
        ((0.2, 0.62, -72, True), (0.38, 0.6, -62, False), (0.55, 0.66, -70, False), (0.75, 0.6, -64, True))
    ):
        p.shadow((p.w * x - 260, p.h * y + 40, p.w * x + 260, p.h * y + 110), strength=70, blur=14)
        p.sprite(150, 560 if k % 2 else 600, lambda q, sh=sh: shoot(q, sh), p.w * x, p.h * y, a + 90)


def photo_honey_jar(p: Painter) -> None:
    """土蜂蜜 (portrait): an amber jar, a dipper and a faint honeycomb backdrop."""
    p.background(hexc("fbeed0"), hexc("efcf94"))
    hex_pattern(p, 46, (200, 140, 40, 40), area=(0, 0, p.w, p.h * 0.62))
    p.table(p.h * 0.7, hexc("b2824c"), hexc("7a5230"))
    jar(p, p.w * 0.45, p.h * 0.88, 440, 600, (248, 176, 48), (170, 82, 10), hexc("8b2f22"))
    honey_dipper(p, p.w * 0.8, p.h * 0.64, 520, 28)
    p.grad("ellipse", (p.w * 0.66, p.h * 0.86, p.w * 0.96, p.h * 0.91), (246, 170, 40), (190, 100, 10), mode="radial")


def photo_honeycomb(p: Painter) -> None:
    """A frame of honeycomb, some cells capped with wax."""
    p.background(hexc("9a5a12"), hexc("5e3208"))
    rng = p.rng
    r = 36
    dx, dy = r * math.sqrt(3), r * 1.5
    for row in range(int(p.h / dy) + 2):
        for col in range(int(p.w / dx) + 2):
            x = col * dx + (dx / 2 if row % 2 else 0)
            y = row * dy
            capped = (x + y * 0.6) / (p.w + p.h * 0.6) + rng.uniform(-0.12, 0.12) < 0.42
            cell = hexagon(x, y, r * 0.9)
            if capped:
                p.grad("polygon", cell, (252, 226, 150), (214, 170, 80), mode="radial")
            else:
                p.grad(
                    "polygon",
                    cell,
                    jitter(rng, (250, 180, 40), 12),
                    jitter(rng, (176, 94, 8), 10),
                    mode="radial",
                    focus=(0.3, 0.3),
                )
                p.circle(x - r * 0.25, y - r * 0.3, r * 0.14, fill=(255, 245, 200, 150))
            p.polygon(hexagon(x, y, r), outline=(238, 196, 110), width=5)
    p.glow(p.w * 0.3, p.h * 0.25, p.w * 0.3, (255, 240, 200), 60)


def photo_linden_honey(p: Painter) -> None:
    """椴树雪蜜: a jar of creamy white crystallised honey with linden flowers."""
    p.background(hexc("f1f4e8"), hexc("d7e0c4"))
    p.bokeh(16, [(255, 255, 235), (220, 235, 180)], 30, 90, area=(0, 0, p.w, p.h * 0.55), blur=12)
    p.table(p.h * 0.68, hexc("d8c7a4"), hexc("b09a70"))
    jar(p, p.w * 0.42, p.h * 0.9, 380, 470, (255, 252, 238), (232, 222, 186), hexc("c8a34a"), emblem=(120, 150, 60))
    rng = p.rng
    for k in range(3):
        x, y = p.w * (0.7 + 0.1 * k), p.h * (0.74 + 0.06 * (k % 2))
        draw_leaf(p, x, y, 200, 170, -140 + 40 * k, (104, 150, 70))
    for _ in range(12):
        x, y = rng.uniform(p.w * 0.66, p.w * 0.95), rng.uniform(p.h * 0.62, p.h * 0.92)
        for i in range(5):
            a = math.tau * i / 5
            p.circle(x + 11 * math.cos(a), y + 11 * math.sin(a), 8, fill=(250, 240, 180))
        p.circle(x, y, 6, fill=(220, 180, 60))


def photo_honey_drip(p: Painter) -> None:
    """中华蜂百花蜜: honey running off a dipper into a small bowl."""
    p.background(hexc("3b2a1a"), hexc("1f160d"))
    p.glow(p.w * 0.45, p.h * 0.35, 320, (255, 190, 90), 90)
    p.table(p.h * 0.72, hexc("5a3f26"), hexc("3a2816"))
    cx = p.w * 0.47
    bowl(p, cx, p.h * 0.7, 230, 150, (238, 232, 220), (170, 160, 146))
    p.grad(
        "ellipse", (cx - 220, p.h * 0.7 - 26, cx + 220, p.h * 0.7 + 26), (252, 196, 70), (190, 100, 12), mode="radial"
    )
    honey_dipper(p, cx + 40, p.h * 0.3, 420, -40)
    stream = [(cx - 20 + 6 * math.sin(i * 0.5), p.h * 0.45 + i * (p.h * 0.25) / 30) for i in range(31)]
    p.line(stream, fill=(240, 160, 30, 230), width=9)
    p.circle(stream[-1][0], p.h * 0.69, 16, fill=(246, 176, 40))
    for x in (p.w * 0.12, p.w * 0.84):
        for i in range(5):
            p.polygon(hexagon(x, p.h * 0.2 + i * 62, 34), outline=(220, 160, 60, 70), width=3)


def photo_pine_nuts(p: Painter) -> None:
    """红松子: a heap of cracked pine nuts and two pine cones."""
    p.background(hexc("e9dcc6"), hexc("c8b08a"))
    p.table(p.h * 0.5, hexc("a77c52"), hexc("7a5434"))
    rng = p.rng

    def cone(q: Painter) -> None:
        w, h = q.w, q.h
        q.grad("ellipse", (w * 0.05, h * 0.03, w * 0.95, h * 0.97), (150, 94, 50), (86, 50, 24), mode="radial")
        for row in range(14):
            y = h * (0.08 + row * 0.064)
            half = w * 0.44 * math.sin(math.pi * (0.08 + row * 0.064)) ** 0.7
            for col in range(-3, 4):
                x = w / 2 + col * half / 3.2 + (half / 6.4 if row % 2 else 0)
                if abs(x - w / 2) > half:
                    continue
                s = h * 0.05
                q.polygon(
                    [(x, y - s * 0.6), (x + s, y), (x, y + s * 0.8), (x - s, y)],
                    fill=jitter(q.rng, (168, 110, 58), 14),
                    outline=(70, 40, 18),
                    width=2,
                )

    p.shadow((p.w * 0.02, p.h * 0.55, p.w * 0.34, p.h * 0.72), strength=100)
    p.sprite(260, 380, cone, p.w * 0.17, p.h * 0.5, -70)
    p.sprite(220, 320, cone, p.w * 0.86, p.h * 0.42, 60)
    for x, y in nut_pile_positions(rng, p.w * 0.55, p.h * 0.76, 420, 150, 380, inside=True):
        a = rng.uniform(0, 360)
        s = rng.uniform(15, 19)
        pts = [
            (s * 1.3 * math.cos(t) * (1 - 0.25 * math.cos(t)), s * 0.75 * math.sin(t))
            for t in [math.tau * i / 18 for i in range(18)]
        ]
        c = jitter(rng, (160, 104, 56), 16)
        p.polygon(rotate(pts, x, y, a), fill=c, outline=mix(c, (40, 20, 5), 0.5), width=1)
        p.line(rotate([(-s * 0.6, 0), (s * 0.5, 0)], x, y, a), fill=(246, 230, 196), width=2.5)
        hx, hy = rotate([(-s * 0.3, -s * 0.3)], x, y, a)[0]
        p.circle(hx, hy, 2.5, fill=(230, 190, 140, 160))


def photo_corn(p: Painter) -> None:
    """鲜食黏玉米: white waxy corn cobs with their husks pulled back."""
    p.background(hexc("f4f1e4"), hexc("dcd8bf"))
    p.table(p.h * 0.55, hexc("c9b48e"), hexc("a08762"))

    def cob(q: Painter) -> None:
        w, h = q.w, q.h
        for a in (118, 62):  # husks pulled back behind the cob
            q.grad(
                "polygon",
                leaf_pts(w / 2, h * 0.7, h * 0.32, w * 0.42, a),
                (164, 204, 110),
                (80, 130, 54),
                mode="radial",
                focus=(0.5, 0.2),
            )
        body = (w * 0.2, h * 0.02, w * 0.8, h * 0.82)
        q.grad("ellipse", body, (250, 246, 226), (216, 206, 170), mode="h")
        rows, cols = 22, 7
        for r_ in range(rows):
            y = h * 0.06 + r_ * (h * 0.72 / rows)
            half = w * 0.28 * math.sin(math.pi * (0.06 + r_ / rows * 0.88)) ** 0.5
            for c_ in range(cols):
                x = w / 2 + (c_ - (cols - 1) / 2) * (2 * half / cols)
                kw, kh = half / cols * 0.9, h * 0.72 / rows * 0.45
                q.ellipse(
                    (x - kw, y - kh, x + kw, y + kh),
                    fill=jitter(q.rng, (248, 242, 216), 6),
                    outline=(206, 196, 160),
                    width=1,
                )
                q.circle(x - kw * 0.3, y - kh * 0.3, kw * 0.25, fill=(255, 255, 255, 180))
        q.grad(
            "polygon",
            leaf_pts(w / 2, h * 0.74, h * 0.27, w * 0.3, 95),
            (186, 216, 128),
            (104, 154, 62),
            mode="radial",
            focus=(0.4, 0.2),
        )
        q.line([(w / 2, h * 0.8), (w / 2 + 4, h)], fill=(120, 150, 70), width=10)

    for x, y, a in ((0.28, 0.6, -60), (0.52, 0.58, -80), (0.76, 0.62, -100)):
        p.shadow((p.w * x - 200, p.h * y + 30, p.w * x + 200, p.h * y + 110), strength=80, blur=14)
        p.sprite(220, 620, cob, p.w * x, p.h * y, a + 90)


def photo_tea_cake(p: Painter) -> None:
    """普洱生茶饼: a round cake in cotton paper with a red seal, on dark wood."""
    p.background(hexc("4a3324"), hexc("2c1d13"))
    p.table(0, hexc("553a28"), hexc("2f2016"))
    cx, cy, R = p.w / 2, p.h / 2, p.w * 0.34
    p.shadow((cx - R * 0.95, cy - R * 0.8, cx + R * 1.1, cy + R * 1.15), strength=150, blur=20)
    p.grad(
        "ellipse", (cx - R, cy - R, cx + R, cy + R), (250, 245, 232), (214, 202, 178), mode="radial", focus=(0.4, 0.35)
    )
    rng = p.rng
    for i in range(60):  # paper pleats
        a = math.tau * i / 60 + rng.uniform(-0.03, 0.03)
        c = (255, 255, 255, 60) if i % 2 else (120, 100, 70, 45)
        p.line(
            [
                (cx + R * 0.12 * math.cos(a), cy + R * 0.12 * math.sin(a)),
                (cx + R * 0.98 * math.cos(a + 0.05), cy + R * 0.98 * math.sin(a + 0.05)),
            ],
            fill=c,
            width=3,
        )
    p.circle(cx, cy, R * 0.1, fill=(200, 186, 160))
    p.circle(cx, cy, R * 0.06, fill=(170, 152, 126))
    sx, sy, sr = cx + R * 0.36, cy - R * 0.32, R * 0.2
    p.circle(sx, sy, sr, outline=(178, 36, 30, 210), width=7)
    for i in range(3):
        for j in range(3):
            if (i + j) % 2 == 0 or i == 1:
                s = sr * 0.22
                x, y = sx + (i - 1) * s * 1.4, sy + (j - 1) * s * 1.4
                p.rrect((x - s * 0.55, y - s * 0.55, x + s * 0.55, y + s * 0.55), 3, fill=(178, 36, 30, 200))
    p.circle(cx, cy, R * 0.72, outline=(150, 40, 30, 70), width=2)
    for _ in range(14):
        a, d = rng.uniform(0, math.tau), R * rng.uniform(1.08, 1.35)
        tea_leaf(
            p, cx + d * math.cos(a), cy + d * math.sin(a) * 0.9, rng.uniform(60, 90), rng.uniform(0, 360), dried=True
        )


def photo_tea_soup(p: Painter) -> None:
    """生普茶汤: a glass pitcher of golden tea and two small cups."""
    p.background(hexc("3b3026"), hexc("1d1712"))
    p.glow(p.w * 0.42, p.h * 0.45, 300, (255, 210, 120), 70)
    p.table(p.h * 0.72, hexc("4e3a2a"), hexc("2e2219"))
    cx, base = p.w * 0.38, p.h * 0.86
    p.shadow((cx - 200, base - 30, cx + 220, base + 30), strength=150)
    body = [(cx - 180, base - 420), (cx + 150, base - 420), (cx + 170, base), (cx - 170, base)]
    p.polygon(body, fill=(255, 255, 255, 45))
    liquid = [(cx - 174, base - 300), (cx + 162, base - 300), (cx + 168, base - 8), (cx - 168, base - 8)]
    p.grad("polygon", liquid, (246, 196, 80), (196, 124, 24), opacity=225)
    p.ellipse((cx - 174, base - 314, cx + 162, base - 286), fill=(255, 214, 110, 230))
    p.polygon(
        [(cx - 180, base - 420), (cx - 240, base - 450), (cx - 236, base - 430), (cx - 176, base - 396)],
        fill=(255, 255, 255, 70),
    )
    p.polygon(body, outline=(255, 255, 255, 150), width=4)
    p.rrect((cx - 150, base - 400, cx - 128, base - 30), 10, fill=(255, 255, 255, 80))
    for k, x in enumerate((p.w * 0.7, p.w * 0.86)):
        y = base + (10 if k else -20)
        p.shadow((x - 80, y - 20, x + 90, y + 20), strength=140, blur=10)
        p.polygon([(x - 80, y - 110), (x + 80, y - 110), (x + 46, y), (x - 46, y)], fill=(244, 240, 230))
        p.ellipse((x - 80, y - 124, x + 80, y - 96), fill=(240, 236, 226))
        p.ellipse((x - 70, y - 118, x + 70, y - 100), fill=(226, 164, 50))


def photo_ripe_tea(p: Painter) -> None:
    """熟普散茶: a heap of dark loose tea and a cup of ruby-red liquor."""
    p.background(hexc("d8c3a2"), hexc("a98a62"))
    p.table(p.h * 0.58, hexc("8d6a45"), hexc("5e4329"))
    rng = p.rng
    p.shadow((p.w * 0.1, p.h * 0.62, p.w * 0.62, p.h * 0.98), strength=110, blur=18)
    for x, y in nut_pile_positions(rng, p.w * 0.36, p.h * 0.8, 440, 180, 1800):
        a, s = rng.uniform(0, 360), rng.uniform(8, 16)
        c = jitter(rng, (78, 44, 26), 16)
        p.line(rotate([(-s, 0), (-s * 0.2, s * 0.25), (s, 0)], x, y, a), fill=c, width=rng.uniform(3, 5))
        if rng.random() < 0.2:
            p.circle(x, y, 2, fill=(200, 150, 90, 160))
    cx, base = p.w * 0.76, p.h * 0.86
    p.shadow((cx - 150, base - 20, cx + 170, base + 30), strength=130)
    p.polygon(
        [(cx - 140, base - 250), (cx + 140, base - 250), (cx + 110, base), (cx - 110, base)],
        fill=(255, 255, 255, 60),
        outline=(255, 255, 255, 150),
        width=4,
    )
    p.grad(
        "polygon",
        [(cx - 134, base - 200), (cx + 134, base - 200), (cx + 112, base - 8), (cx - 112, base - 8)],
        (150, 44, 20),
        (80, 16, 8),
        opacity=235,
    )
    p.ellipse((cx - 134, base - 214, cx + 134, base - 186), fill=(170, 60, 28, 240))
    p.ellipse((cx - 60, base - 210, cx + 10, base - 196), fill=(255, 200, 160, 90))


def photo_porcini(p: Painter) -> None:
    """牛肝菌: one fresh porcini and scattered dried slices."""
    p.background(hexc("e6dccb"), hexc("c4b090"))
    p.table(p.h * 0.58, hexc("9a7a52"), hexc("6b4f32"))
    mushroom_side(
        p, p.w * 0.27, p.h * 0.8, 190, (178, 112, 60), (96, 56, 26), stem=(240, 228, 204), stem_h=1.3, fat=0.36
    )
    rng = p.rng

    def slice_(q: Painter) -> None:
        w, h = q.w, q.h
        cap = [
            (w / 2 + w * 0.48 * math.cos(math.pi + math.pi * i / 30), h * 0.42 - h * 0.4 * math.sin(math.pi * i / 30))
            for i in range(31)
        ]
        shape = [*cap, (w * 0.72, h * 0.5), (w * 0.66, h * 0.97), (w * 0.34, h * 0.97), (w * 0.28, h * 0.5)]
        q.polygon(shape, fill=(226, 196, 140), outline=(128, 82, 40), width=6)
        for _ in range(10):
            x, y = q.rng.uniform(w * 0.3, w * 0.7), q.rng.uniform(h * 0.2, h * 0.9)
            q.line([(x, y), (x + q.rng.uniform(-8, 8), y + q.rng.uniform(10, 30))], fill=(170, 130, 80, 120), width=2)

    for _ in range(9):
        x, y = rng.uniform(p.w * 0.45, p.w * 0.95), rng.uniform(p.h * 0.55, p.h * 0.95)
        p.shadow((x - 60, y - 40, x + 70, y + 60), strength=60, blur=8)
        p.sprite(150, 180, slice_, x, y, rng.uniform(-60, 60))


def photo_macadamia(p: Painter) -> None:
    """澳洲坚果: cracked macadamias on a round wooden plate."""
    p.background(hexc("efe6d6"), hexc("d6c5a6"))
    cx, cy, R = p.w * 0.5, p.h * 0.56, p.h * 0.46
    p.shadow((cx - R, cy - R * 0.6, cx + R + 30, cy + R * 0.85), strength=100, blur=20)
    p.grad("ellipse", (cx - R, cy - R * 0.72, cx + R, cy + R * 0.72), hexc("c89a64"), hexc("8a5e34"), mode="radial")
    p.ellipse((cx - R * 0.88, cy - R * 0.62, cx + R * 0.88, cy + R * 0.62), outline=(90, 58, 28, 90), width=4)
    rng = p.rng
    for x, y in nut_pile_positions(rng, cx, cy, R * 0.78, R * 0.48, 34, inside=True):
        r = rng.uniform(46, 56)
        if rng.random() < 0.3:
            sphere(p, x, y, r * 0.8, (250, 236, 200), (206, 172, 112))
        else:
            sphere(p, x, y, r, (196, 140, 84), (108, 66, 30))
            a = rng.uniform(0, math.tau)
            crack = [
                (x + r * 0.9 * math.cos(a + t), y + r * 0.9 * math.sin(a + t) * 0.9)
                for t in [k * 0.12 for k in range(-4, 5)]
            ]
            p.line(crack, fill=(50, 28, 10), width=4)
            mx, my = crack[4]
            p.circle(mx, my, r * 0.2, fill=(240, 222, 180))


def photo_oranges(p: Painter) -> None:
    """赣南脐橙: a few navel oranges with leaves."""
    p.background(hexc("fdf1de"), hexc("f3d2a4"))
    p.bokeh(12, [(255, 255, 240), (255, 220, 160)], 40, 110, area=(0, 0, p.w, p.h * 0.5), blur=14)
    p.table(p.h * 0.62, hexc("e7cfa7"), hexc("c6a276"))
    for x, y, r, a in ((0.26, 0.62, 150, -30), (0.56, 0.58, 170, 20), (0.8, 0.72, 130, -10), (0.42, 0.8, 140, 40)):
        p.shadow((p.w * x - r * 0.9, p.h * y + r * 0.5, p.w * x + r * 1.2, p.h * y + r * 1.15), strength=100, blur=14)
        orange(p, p.w * x, p.h * y, r, leaf=True, angle=a)


def photo_orange_halves(p: Painter) -> None:
    """Cut navel oranges showing juicy segments (square)."""
    p.background(hexc("fff3e0"), hexc("f6d9ae"))
    rng = p.rng
    for x, y, r in ((0.36, 0.4, 250), (0.7, 0.72, 220)):
        cx, cy = p.w * x, p.h * y
        p.shadow((cx - r, cy - r * 0.8, cx + r * 1.1, cy + r * 1.15), strength=100, blur=16)
        p.circle(cx, cy, r, fill=(238, 128, 20))
        p.circle(cx, cy, r * 0.92, fill=(255, 240, 214))
        n = 11
        for i in range(n):
            a0, a1 = math.tau * i / n + 0.03, math.tau * (i + 1) / n - 0.03
            pts = [(cx + r * 0.1 * math.cos((a0 + a1) / 2), cy + r * 0.1 * math.sin((a0 + a1) / 2))]
            pts += [
                (cx + r * 0.86 * math.cos(a0 + (a1 - a0) * k / 8), cy + r * 0.86 * math.sin(a0 + (a1 - a0) * k / 8))
                for k in range(9)
            ]
            p.grad("polygon", pts, (255, 190, 70), (244, 130, 20), mode="radial", focus=(0.5, 0.5))
            for _ in range(6):
                t, d = rng.uniform(a0 + 0.05, a1 - 0.05), rng.uniform(0.3, 0.8) * r
                p.line(
                    [
                        (cx + d * math.cos(t), cy + d * math.sin(t)),
                        (cx + (d + 24) * math.cos(t), cy + (d + 24) * math.sin(t)),
                    ],
                    fill=(255, 236, 190, 140),
                    width=3,
                )
        p.circle(cx, cy, r * 0.08, fill=(255, 236, 200))
    draw_leaf(p, p.w * 0.78, p.h * 0.22, 260, 120, 150, (60, 126, 50))
    orange(p, p.w * 0.2, p.h * 0.84, 120, leaf=False)


def photo_orchard(p: Painter) -> None:
    """Red-soil hills terraced with rows of orange trees."""
    landscape_base(
        p,
        hexc("8ec3ea"),
        hexc("f6ead2"),
        [(0.3, 0.08, hexc("8ba8a0")), (0.38, 0.08, hexc("6e9474"))],
        sun=(p.w * 0.18, p.h * 0.16),
    )
    edges = terraces(p, p.h * 0.45, 6, [hexc("c0714a"), hexc("b2633e"), hexc("c87d52")])
    rng = p.rng
    for i in range(len(edges) - 1):
        depth = (i + 1) / len(edges)
        r = 16 + 52 * depth**1.4
        step = max(2, round(r * 2.2 / 20))
        for x, y in edges[i][::step]:
            cx, cy = x + rng.uniform(-6, 6), y + (edges[i + 1][0][1] - edges[i][0][1]) * 0.4
            p.circle(cx + r * 0.2, cy + r * 0.6, r, fill=(80, 40, 20, 90))
            p.line([(cx, cy + r * 0.4), (cx, cy + r * 1.1)], fill=(90, 60, 30), width=2 + r / 12)
            sphere(p, cx, cy, r, (96, 160, 70), (30, 84, 34))
            for _ in range(int(r / 8)):
                a, d = rng.uniform(0, math.tau), rng.uniform(0.2, 0.8) * r
                p.circle(cx + d * math.cos(a), cy + d * math.sin(a), max(2.0, r / 9), fill=(250, 140, 20))


def photo_pear(p: Painter) -> None:
    """云和雪梨: russet-yellow pears with a leaf."""
    p.background(hexc("f0f2e4"), hexc("d5dcbd"))
    p.table(p.h * 0.64, hexc("d2c6a4"), hexc("aa9a74"))
    rng = p.rng
    for x, y, r in ((0.3, 0.66, 150), (0.55, 0.6, 170), (0.76, 0.72, 140)):
        cx, cy = p.w * x, p.h * y
        p.shadow((cx - r, cy + r * 0.6, cx + r * 1.2, cy + r * 1.25), strength=100, blur=14)
        pts = [
            (cx + r * math.sin(t) * (0.82 - 0.3 * math.cos(t)), cy - r * 1.15 * math.cos(t) + r * 0.2)
            for t in [math.tau * i / 60 for i in range(60)]
        ]
        p.grad("polygon", pts, (238, 212, 130), (166, 126, 58), mode="radial", focus=(0.35, 0.45))
        for _ in range(int(r * 0.9)):
            t, d = rng.uniform(0, math.tau), rng.uniform(0, 0.75)
            px = cx + r * d * math.sin(t) * (0.82 - 0.3 * math.cos(t))
            py = cy - r * 1.15 * d * math.cos(t) + r * 0.2
            p.circle(px, py, rng.uniform(1.2, 2.6), fill=(130, 90, 40, 140))
        top = (cx, cy - r * 0.95)
        p.line([top, (cx + 10, top[1] - 50), (cx + 22, top[1] - 70)], fill=(100, 70, 40), width=6)
    draw_leaf(p, p.w * 0.56, p.h * 0.28, 220, 120, -20, (84, 140, 60))


def photo_tea_oil(p: Painter) -> None:
    """冷榨山茶油: a bottle of golden oil, camellia fruits and a white camellia flower."""
    p.background(hexc("eef0e4"), hexc("d3d8c0"))
    p.bokeh(12, [(255, 255, 240), (210, 225, 180)], 40, 100, area=(0, 0, p.w, p.h * 0.5), blur=14)
    p.table(p.h * 0.7, hexc("c9b18a"), hexc("9c7e56"))
    cx, base = p.w * 0.34, p.h * 0.9
    p.shadow((cx - 150, base - 30, cx + 190, base + 30), strength=120)
    p.rrect((cx - 140, base - 520, cx + 140, base), 50, fill=(255, 255, 255, 60), outline=(255, 255, 255, 160), width=4)
    p.grad("rect", (cx - 130, base - 470, cx + 130, base - 10), (252, 214, 90), (206, 146, 22), opacity=235)
    p.rrect(
        (cx - 50, base - 640, cx + 50, base - 510), 16, fill=(255, 255, 255, 70), outline=(255, 255, 255, 160), width=4
    )
    p.rrect((cx - 58, base - 700, cx + 58, base - 630), 12, fill=hexc("2f5a38"))
    p.rrect((cx - 110, base - 360, cx + 110, base - 170), 16, fill=(248, 242, 226), outline=(47, 90, 56), width=4)
    draw_leaf(p, cx - 40, base - 230, 100, 50, -30, (60, 120, 60))
    p.rrect((cx - 118, base - 490, cx - 96, base - 40), 10, fill=(255, 255, 255, 90))
    for x, y, r in ((0.62, 0.82, 60), (0.72, 0.88, 54), (0.68, 0.74, 50)):
        p.shadow((p.w * x - r, p.h * y + r * 0.5, p.w * x + r * 1.2, p.h * y + r * 1.2), strength=90, blur=8)
        sphere(p, p.w * x, p.h * y, r, (196, 120, 80), (110, 60, 40))
    fx, fy = p.w * 0.8, p.h * 0.5
    for k in range(2):
        draw_leaf(p, fx - 40 + k * 90, fy + 90, 190, 90, 130 - k * 90, (44, 96, 50))
    for i in range(6):
        a = math.tau * i / 6 + 0.3
        p.grad(
            "ellipse",
            (
                fx + 70 * math.cos(a) - 62,
                fy + 70 * math.sin(a) - 62,
                fx + 70 * math.cos(a) + 62,
                fy + 70 * math.sin(a) + 62,
            ),
            (255, 255, 255),
            (226, 226, 220),
            mode="radial",
        )
    for _ in range(30):
        a, d = p.rng.uniform(0, math.tau), p.rng.uniform(0, 30)
        p.circle(fx + d * math.cos(a), fy + d * math.sin(a), 6, fill=(240, 196, 40))


def photo_wood_ear(p: Painter) -> None:
    """东北秋木耳: glossy black fungus on a white plate."""
    p.background(hexc("dfe3e6"), hexc("b8c0c6"))
    p.table(p.h * 0.5, hexc("a9b0b4"), hexc("7e868b"), grain=False)
    cx, cy = p.w * 0.5, p.h * 0.58
    p.shadow((cx - 430, cy - 200, cx + 450, cy + 290), strength=110, blur=20)
    p.grad("ellipse", (cx - 430, cy - 250, cx + 430, cy + 250), (255, 255, 255), (218, 222, 226), mode="radial")
    p.ellipse((cx - 330, cy - 185, cx + 330, cy + 185), outline=(190, 196, 200), width=3)
    rng = p.rng
    for x, y in nut_pile_positions(rng, cx, cy, 300, 150, 24, inside=True):
        r = rng.uniform(46, 70)
        pts = blob_pts(rng, x, y, r, wobble=0.22)
        pts = [(px, y + (py - y) * 0.7) for px, py in pts]
        p.grad("polygon", pts, (70, 52, 50), (18, 12, 12), mode="radial", focus=(0.4, 0.35))
        a0 = rng.uniform(0, math.tau)
        p.line(
            [(x + r * 0.5 * math.cos(a0 + t), y + r * 0.35 * math.sin(a0 + t)) for t in [k * 0.15 for k in range(8)]],
            fill=(255, 255, 255, 70),
            width=4,
        )


# --------------------------------------------------------------------------- brand logos & banners


def logo(kind: str, color: Color) -> Callable[[Painter], None]:
    def draw(p: Painter) -> None:
        c, s = p.w / 2, p.w
        white = (255, 255, 255, 255)
        p.circle(c, c, s * 0.48, fill=alpha(color, 255))
        p.circle(c, c, s * 0.43, outline=white, width=s * 0.012)
        if kind == "mountains":
            p.polygon(
                [
                    (s * 0.18, s * 0.62),
                    (s * 0.38, s * 0.3),
                    (s * 0.5, s * 0.46),
                    (s * 0.62, s * 0.26),
                    (s * 0.84, s * 0.62),
                ],
                fill=white,
            )
            p.polygon([(s * 0.33, s * 0.38), (s * 0.38, s * 0.3), (s * 0.43, s * 0.38)], fill=alpha(color, 255))
            for k in range(2):
                y = s * (0.7 + 0.08 * k)
                p.line(
                    [(s * (0.2 + 0.6 * i / 30), y + s * 0.02 * math.sin(i / 30 * math.tau * 2)) for i in range(31)],
                    fill=white,
                    width=s * 0.03,
                )
        elif kind == "rice":
            stalk = [(s * (0.5 + 0.16 * (i / 20) ** 2), s * (0.82 - 0.56 * i / 20)) for i in range(21)]
            p.line(stalk, fill=white, width=s * 0.025)
            for i in range(6, 21, 2):
                x, y = stalk[i]
                for side in (-1, 1):
                    a = -90 + side * 40 + i * 1.5
                    gx, gy = rotate([(s * 0.05, 0)], x, y, a)[0]
                    p.polygon(ellipse_pts(gx, gy, s * 0.045, s * 0.02, a, n=16), fill=white)
            p.chord((s * 0.2, s * 0.7, s * 0.8, s * 0.95), 180, 360, fill=white)
        elif kind == "tea":
            for a in (-130, -50):
                p.polygon(leaf_pts(s * 0.5, s * 0.72, s * 0.34, s * 0.16, a), fill=white)
            p.polygon(leaf_pts(s * 0.5, s * 0.72, s * 0.46, s * 0.11, -90), fill=(236, 220, 160, 255))
            p.line([(s * 0.5, s * 0.72), (s * 0.5, s * 0.84)], fill=white, width=s * 0.025)
        elif kind == "orange":
            p.circle(c, s * 0.55, s * 0.24, fill=white)
            p.circle(c, s * 0.55, s * 0.19, fill=(255, 200, 120, 255))
            for i in range(8):
                a = math.tau * i / 8
                p.line(
                    [(c, s * 0.55), (c + s * 0.19 * math.cos(a), s * 0.55 + s * 0.19 * math.sin(a))],
                    fill=white,
                    width=s * 0.012,
                )
            p.polygon(leaf_pts(c, s * 0.31, s * 0.22, s * 0.1, -40), fill=white)

    return draw


def banner_lishui(p: Painter) -> None:
    landscape_base(
        p,
        hexc("a8c8d8"),
        hexc("eef2e8"),
        [(0.32, 0.16, hexc("9fb5b8")), (0.44, 0.14, hexc("7a9c8c")), (0.56, 0.1, hexc("557f62"))],
        sun=(p.w * 0.78, p.h * 0.22),
    )
    terraces(p, p.h * 0.66, 6, [hexc("7fb05a"), hexc("94c068"), hexc("6ea04e")])


def banner_wuchang(p: Painter) -> None:
    photo_paddy_gold(p)


def banner_puer(p: Painter) -> None:
    landscape_base(p, hexc("cfe0d0"), hexc("f2f0e0"), [(0.34, 0.14, hexc("a9c2aa")), (0.48, 0.12, hexc("7fa584"))])
    rng = p.rng
    top = p.h * 0.55
    pts = ridge(rng, p.w, top, p.h * 0.06)
    p.polygon([*pts, (p.w, p.h), (0, p.h)], fill=hexc("7db060"))
    for row in range(10):
        t = row / 10
        y0 = top + (p.h - top) * t**1.3 + 10
        r = 10 + 26 * t
        ph = rng.uniform(0, math.tau)
        for i in range(0, p.w + 40, max(6, round(r * 1.3))):
            y = y0 + 18 * (1 + t) * math.sin(i / p.w * math.tau * 1.2 + ph)
            p.circle(i, y, r, fill=jitter(rng, (46, 110, 48), 10))
            p.circle(i - r * 0.3, y - r * 0.35, r * 0.35, fill=(140, 190, 100, 120))
    for x in (0.08, 0.2, 0.88, 0.95):
        bx, by = p.w * x, p.h * 0.62
        p.line([(bx, by), (bx, by - p.h * 0.28)], fill=(70, 60, 40), width=10)
        for _ in range(6):
            p.circle(
                bx + rng.uniform(-50, 50),
                by - p.h * 0.3 + rng.uniform(-50, 40),
                rng.uniform(30, 55),
                fill=jitter(rng, (40, 90, 50), 12),
            )
    with p.layer(blur=30):
        p.polygon([(0, p.h * 0.5), (p.w, p.h * 0.46), (p.w, p.h * 0.6), (0, p.h * 0.64)], fill=(255, 255, 255, 90))


def banner_gannan(p: Painter) -> None:
    photo_orchard(p)


# --------------------------------------------------------------------------- the catalog's pictures


@dataclass(frozen=True)
class Picture:
    path: str  # relative to the repository root
    size: tuple[int, int]
    draw: Callable[[Painter], None]
    grain: float = 0.025  # strength of the film grain (0 = none)

    @property
    def format(self) -> str:
        return "PNG" if self.path.endswith(".png") else "JPEG"


def _products(brand: str, *items: tuple) -> list[Picture]:
    """(product id, file name, size, draw function[, grain]) → Pictures under products/brand/."""
    return [Picture(f"products/{brand}/{prod}/{name}", *rest) for prod, name, *rest in items]


LAND = (1200, 900)
SQUARE = (1000, 1000)
PORTRAIT = (900, 1200)
BANNER = (1600, 600)
LOGO = (400, 400)

BRANDS = {
    "lishui-shangeng": ("mountains", hexc("2e7d5a"), banner_lishui),
    "wuchang-dami": ("rice", hexc("c8962a"), banner_wuchang),
    "puer-cha": ("tea", hexc("2f5d3e"), banner_puer),
    "gannan-qicheng": ("orange", hexc("e8791c"), banner_gannan),
}

PICTURES: list[Picture] = [
    *[Picture(f"brands/{b}/logo.png", LOGO, logo(kind, color), grain=0) for b, (kind, color, _) in BRANDS.items()],
    *[Picture(f"brands/{b}/banner.jpg", BANNER, banner) for b, (_, _, banner) in BRANDS.items()],
    *_products(
        "lishui-shangeng",
        ("jingning-huiming-cha", "cover.jpg", LAND, photo_tea_cup),
        ("jingning-huiming-cha", "leaves.jpg", LAND, photo_tea_shoot),
        ("qingyuan-huagu", "huagu.png", SQUARE, photo_mushroom_tray, 0),  # PNG photo: no grain, see encode()
        ("qingyuan-huagu", "dried.jpg", LAND, photo_dried_shiitake),
        ("suichang-jumi", "cover.jpg", LAND, photo_jumi),
        ("qingtian-daoyu-mi", "cover.jpg", LAND, photo_rice_bowl),
        ("qingtian-daoyu-mi", "field.jpg", LAND, photo_paddy_fish),
        ("jinyun-jiaobai", "cover.jpg", LAND, photo_jiaobai),
        ("gaoshan-tufengmi", "jar.jpg", PORTRAIT, photo_honey_jar),
        ("gaoshan-tufengmi", "comb.jpg", LAND, photo_honeycomb),
        ("yunhe-xueli", "cover.jpg", LAND, photo_pear),
    ),
    *_products(
        "wuchang-dami",
        ("daohuaxiang-2hao", "cover.jpg", LAND, lambda p: photo_rice_bowl(p, "blue")),
        ("daohuaxiang-2hao", "grains.jpg", LAND, photo_rice_grains),
        ("daohuaxiang-2hao", "paddy.jpg", LAND, photo_paddy_gold),
        ("youji-changlixiang", "cover.jpg", LAND, lambda p: photo_rice_bowl(p, "wood")),
        ("qiumuer", "cover.jpg", LAND, photo_wood_ear),
        ("duanshu-mi", "cover.jpg", LAND, photo_linden_honey),
        ("hongsongzi", "cover.jpg", LAND, photo_pine_nuts),
        ("xianshi-nianyumi", "cover.jpg", LAND, photo_corn),
    ),
    *_products(
        "puer-cha",
        ("jingmai-shengcha", "cover.jpg", SQUARE, photo_tea_cake),
        ("jingmai-shengcha", "tea-soup.jpg", LAND, photo_tea_soup),
        ("gongting-shucha", "cover.jpg", LAND, photo_ripe_tea),
        ("niuganjun-ganpian", "cover.jpg", LAND, photo_porcini),
        ("aozhou-jianguo", "cover.jpg", LAND, photo_macadamia),
        ("zhonghuafeng-baihuami", "cover.jpg", LAND, photo_honey_drip),
    ),
    *_products(
        "gannan-qicheng",
        ("niuheer-qicheng", "cover.jpg", LAND, photo_oranges),
        ("niuheer-qicheng", "halves.jpg", SQUARE, photo_orange_halves),
        ("niuheer-qicheng", "orchard.jpg", LAND, photo_orchard),
        ("lengzha-shanchayou", "cover.jpg", LAND, photo_tea_oil),
    ),
]


# --------------------------------------------------------------------------- rendering & encoding


def add_grain(img: Image.Image, rng: random.Random, amount: float) -> Image.Image:
    """Soft monochrome film grain: seeded noise at half resolution, scaled up and blended in."""
    w, h = (img.width + 1) // 2, (img.height + 1) // 2
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h)).resize(img.size, Image.BILINEAR)
    return Image.blend(img, Image.merge("RGB", (noise, noise, noise)), amount)


def render(pic: Picture) -> bytes:
    rng = random.Random(pic.path)  # str seeds are hashed with SHA-512: stable across runs
    transparent = pic.format == "PNG" and pic.path.startswith("brands/")
    ss = 4 if transparent else SS
    painter = Painter(*pic.size, rng, ss=ss, transparent=transparent)
    pic.draw(painter)
    img = painter.img.resize(pic.size, Image.LANCZOS)
    if pic.grain and img.mode == "RGB":
        img = add_grain(img, random.Random(pic.path + "#grain"), pic.grain)
    return encode(img, pic)


def encode(img: Image.Image, pic: Picture) -> bytes:
    buf = io.BytesIO()
    if pic.format == "PNG":
        if img.mode != "RGB":  # logos keep their alpha channel
            img.save(buf, "PNG", optimize=True)
            return buf.getvalue()
        for colors in PNG_PALETTES:  # a photo saved as PNG: a palette keeps it small
            buf = io.BytesIO()
            img.quantize(colors, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
                buf, "PNG", optimize=True
            )
            if buf.tell() <= TARGET_BYTES:
                break
        return buf.getvalue()
    for quality in JPEG_QUALITIES:
        buf = io.BytesIO()
        img.convert("RGB").save(buf, "JPEG", quality=quality, optimize=True)
        if buf.tell() <= TARGET_BYTES:
            break
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the files on disk")
    parser.add_argument("only", nargs="*", help="render only paths containing one of these strings")
    args = parser.parse_args(argv)

    total, stale = 0, []
    for pic in PICTURES:
        if args.only and not any(s in pic.path for s in args.only):
            continue
        data = render(pic)
        assert len(data) < MAX_BYTES, f"{pic.path} is {len(data)} bytes, over the {MAX_BYTES} byte limit"
        total += len(data)
        target = ROOT / pic.path
        same = target.is_file() and target.read_bytes() == data
        if args.check:
            if not same:
                stale.append(pic.path)
            continue
        if not same:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        print(
            f"{'unchanged' if same else 'wrote':9} {pic.path}  {pic.size[0]}×{pic.size[1]}  {len(data) / 1024:6.1f} KB"
        )
    if args.check:
        for path in stale:
            print(f"differs or missing: {path}", file=sys.stderr)
        return 1 if stale else 0
    print(f"{total / 1024:.0f} KB in total")
    return 0


if __name__ == "__main__":
    sys.exit(main())
