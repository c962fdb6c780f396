#!/usr/bin/python3
"""Streams from River's documented drift-detector examples, for rtai's tests.

Usage: make_drift_fixtures.py OUT_DIR
  adwin_ph_stream.txt: random.Random(12345): choices([0,1], k=1000) +
                       choices(range(4,8), k=1000)  (ADWIN -> 1023, PH -> 1006)
  ddm_stream.txt:      random.Random(42): choices([0,1], k=1000) +
                       choices([0,1], k=1000, weights=[0.3,0.7])
                       (DDM: warning 1084, drift 1334, warning 1492)
  ks.txt: two samples and scipy's ks_2samp statistic and
          scipy.special.kolmogorov(sqrt(nm/(n+m)) D), one value per line.
"""
import math
import os
import random
import sys


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(12345)
    data = rng.choices([0, 1], k=1000) + rng.choices(range(4, 8), k=1000)
    with open(os.path.join(out, "adwin_ph_stream.txt"), "w") as f:
        f.write(" ".join(map(str, data)) + "\n")
    rng = random.Random(42)
    data = rng.choices([0, 1], k=1000)
    data = data + rng.choices([0, 1], k=1000, weights=[0.3, 0.7])
    with open(os.path.join(out, "ddm_stream.txt"), "w") as f:
        f.write(" ".join(map(str, data)) + "\n")
    from scipy import special, stats
    rng = random.Random(7)
    a = [rng.gauss(0, 1) for _ in range(500)]
    b = [rng.gauss(0.2, 1.1) for _ in range(400)]
    d = stats.ks_2samp(a, b).statistic
    p = special.kolmogorov(math.sqrt(500 * 400 / 900) * d)
    with open(os.path.join(out, "ks.txt"), "w") as f:
        f.write(" ".join(repr(x) for x in a) + "\n")
        f.write(" ".join(repr(x) for x in b) + "\n")
        f.write(f"{d!r} {p!r}\n")


if __name__ == "__main__":
    main()
