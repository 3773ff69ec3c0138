"""Compares the grid page's bilinear rotation with SciPy's and NumPy's (run with /usr/bin/python3).

rotateImage turns counter-clockwise as displayed, about the centre (27/2, 27/2), zero outside:
scipy.ndimage.rotate(order=1, reshape=False, mode='constant') does the same, and a quarter turn is
numpy.rot90. Input: the JSON written by scripts/check-rotation.ts.
"""
import json
import sys

import numpy as np
from scipy import ndimage

data = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "/tmp/grid-rotation.json"))
source = np.array(data["source"]).reshape(28, 28)
worst = 0.0
for key, values in data.items():
    if key == "source":
        continue
    angle = int(key)
    ours = np.array(values).reshape(28, 28)
    ref = ndimage.rotate(source, angle, reshape=False, order=1, mode="constant", cval=0.0, prefilter=False)
    err = float(np.abs(ours - ref).max())
    line = f"{angle:4d}°: max |ours - scipy| = {err:.2e}"
    if angle % 90 == 0:
        exact = float(np.abs(ours - np.rot90(source, angle // 90)).max())
        line += f", max |ours - numpy.rot90| = {exact:.1e}"
        err = max(err, exact)
    worst = max(worst, err)
    print(line)
sys.exit(0 if worst < 1e-6 else 1)
