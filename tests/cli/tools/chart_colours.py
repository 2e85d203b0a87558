#!/usr/bin/env python3
"""Counts the pixels of each chart colour in a screenshot of the HTML report.

    chart_colours.py SHOT.png NAME=#rrggbb ...

Prints one line per colour, "NAME N" (pixels within a small distance of the
colour, so anti-aliased edges count too), and exits 1 when any colour has
fewer than MIN_PIXELS (an empty or missing chart)."""
import sys

from PIL import Image

MIN_PIXELS = 40


def main(argv):
    img = Image.open(argv[1]).convert("RGB")
    pixels = img.getdata()
    wanted = {}
    for arg in argv[2:]:
        name, colour = arg.split("=")
        wanted[name] = tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    counts = dict.fromkeys(wanted, 0)
    for p in pixels:
        for name, c in wanted.items():
            if abs(p[0] - c[0]) + abs(p[1] - c[1]) + abs(p[2] - c[2]) <= 24:
                counts[name] += 1
    missing = False
    for name, n in counts.items():
        print(f"{name} {n}")
        missing |= n < MIN_PIXELS
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
