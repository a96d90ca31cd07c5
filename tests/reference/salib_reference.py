"""SALib's numbers on detente's own designs (documentation only: CI does not
run Python). They are pinned in src/sensitivity/reference_tests.rs.

    python3 -m venv venv && venv/bin/pip install SALib numpy
    cargo build
    venv/bin/python tests/reference/salib_reference.py target/debug/detente

The script asks `detente sweep --dry-run --seed 2007` for a Sobol design
(N = 64 base samples, 3 parameters on [0, 1], with and without second-order
points) and a Morris design (16 trajectories, 4 levels, 4 parameters on
[0, 1]), evaluates fixed test functions on them (only + and *, so Rust and
Python compute the same bits), and analyses the outputs with SALib's
`sobol.analyze` and `morris.analyze`. It also runs SALib's
`LocalOptimisation` on 40 candidate trajectories and prints which 6 it keeps,
next to the 6 detente keeps with `optimal_trajectories = 40`.
"""

import csv
import io
import os
import subprocess
import sys
import tempfile

import numpy as np
from importlib.metadata import version
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample.morris.local import LocalOptimisation

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASELINE = os.path.join(ROOT, "configs", "baseline.toml")
PATHS = [
    "agents.russia.reservation",
    "agents.us.reservation",
    "agents.germany.weights.security",
    "agents.germany.weights.influence",
]


def design(binary, sweep, parameters):
    text = f'extends = "{BASELINE}"\n[scenario]\nname = "reference"\n[sweep]\n{sweep}\n'
    for i, path in enumerate(PATHS[:parameters]):
        text += f'[[sweep.parameters]]\npath = "{path}"\nname = "x{i + 1}"\nfrom = 0.0\nto = 1.0\n'
    with tempfile.NamedTemporaryFile("w", suffix=".toml", delete=False) as f:
        f.write(text)
    try:
        out = subprocess.run(
            [binary, "sweep", f.name, "--dry-run", "--seed", "2007"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(f.name)
    rows = list(csv.reader(io.StringIO(out)))[1:]
    return np.array([[float(v) for v in row[1:]] for row in rows])


def sobol_function(x):
    x1, x2, x3 = x
    return 100.0 + 5.0 * x1 + 3.0 * x2 * x2 + 4.0 * x1 * x3 + 2.0 * x2 * x3


def morris_function(x):
    x1, x2, x3, x4 = x
    return x1 * (x2 + x3 + x4) + 2.0 * x2 - x4 * x4


def salib_order(y, d, second_order):
    """detente's blocks [A, B, AB_1..AB_d, BA_1..BA_d] to SALib's
    [A, AB_1..AB_d, BA_1..BA_d, B]."""
    block = 2 * d + 2 if second_order else d + 2
    out = []
    for j in range(len(y) // block):
        b = y[j * block : (j + 1) * block]
        out += [b[0]] + list(b[2 : 2 + d])
        if second_order:
            out += list(b[2 + d : 2 + 2 * d])
        out += [b[1]]
    return np.array(out)


def main():
    binary = sys.argv[1]
    print(f"SALib {version('SALib')}, numpy {np.__version__}")
    problem3 = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[0, 1]] * 3}
    for second_order in (True, False):
        sweep = 'design = "sobol"\nsamples = 64\nsecond_order = ' + str(second_order).lower()
        x = design(binary, sweep, 3)
        y = np.array([sobol_function(row) for row in x])
        si = sobol_analyze.analyze(
            problem3, salib_order(y, 3, second_order), calc_second_order=second_order, seed=1
        )
        print(f"sobol.analyze(problem, Y, calc_second_order={second_order}, seed=1)")
        print("  S1", [repr(float(v)) for v in si["S1"]])
        print("  ST", [repr(float(v)) for v in si["ST"]])
        if second_order:
            print("  S2", [repr(float(si["S2"][i, k])) for i in range(3) for k in range(i + 1, 3)])

    problem4 = {"num_vars": 4, "names": ["x1", "x2", "x3", "x4"], "bounds": [[0, 1]] * 4}
    x = design(binary, 'design = "morris"\ntrajectories = 16\nlevels = 4', 4)
    y = np.array([morris_function(row) for row in x])
    si = morris_analyze.analyze(problem4, x, y, num_levels=4, seed=1)
    print("morris.analyze(problem, X, Y, num_levels=4, seed=1)")
    for key in ("mu", "mu_star", "sigma"):
        print(f"  {key}", [repr(float(v)) for v in si[key]])

    candidates = design(binary, 'design = "morris"\ntrajectories = 40\nlevels = 4', 4)
    chosen = LocalOptimisation().find_local_maximum(candidates, 40, 4, 6)
    print("LocalOptimisation().find_local_maximum(candidates, 40, 4, 6):", [int(c) for c in chosen])
    picked = design(
        binary, 'design = "morris"\ntrajectories = 6\noptimal_trajectories = 40\nlevels = 4', 4
    )
    ours = []
    for t in range(6):
        block = picked[t * 5 : (t + 1) * 5]
        ours += [c for c in range(40) if np.array_equal(candidates[c * 5 : (c + 1) * 5], block)]
    print("detente optimal_trajectories = 40 keeps candidates:", ours)


if __name__ == "__main__":
    main()
