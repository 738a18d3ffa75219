"""The saved notebooks pass nbval on other CPUs too: re-run under other CPU-kernel settings.

numpy picks SIMD loops for the CPU it runs on, and the OpenBLAS it ships picks its BLAS kernels
and thread count, so a result at round-off level (a cosine of 1e-17, a difference of 1e-16) comes
out differently on another machine. A notebook that prints one passes nbval only on its author's
CPU. This test re-executes every notebook of the English edition (found by itself, solutions
included) with nbval, in a separate pytest process, under each setting
:func:`cpu_kernel_variants` returns, unlike the CPU the saved outputs came from. The Korean
edition (``notebooks/ko/``) runs the same code cells (``tests/test_editions.py``), so it prints
the same numbers in other words: re-running it would double this test's time and find nothing
new (``notebook_harness.one_edition``).

* ``oldest``: OpenBLAS's oldest x86-64 kernels (``OPENBLAS_CORETYPE=Prescott``, SSE3), every numpy
  SIMD loop above the build's baseline switched off (``NPY_DISABLE_CPU_FEATURES``: no AVX2, no
  AVX-512), one BLAS thread;
* ``avx2``: OpenBLAS's Haswell kernels (AVX2; the machine's own preset ``OPENBLAS_CORETYPE`` when
  it has one) and numpy's AVX-512 loops switched off, the default number of threads: an AMD Zen
  or an older Intel.

Compared outputs must print what a value means, or round it to the precision it really has (see
CONTRIBUTING.md). ``-m "not cpu_variants"`` deselects this test.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_harness as nh  # noqa: E402

NOTEBOOKS = nh.one_edition(nh.notebook_paths())  # the Korean edition runs the same code


def numpy_cpu_features() -> tuple[list[str], dict[str, bool]]:
    """(the SIMD features numpy dispatches at run time, the features this CPU has)."""
    import numpy

    try:
        from numpy._core import _multiarray_umath as core  # numpy 2
    except ImportError:  # numpy 1.x
        from numpy.core import _multiarray_umath as core
    del numpy
    return list(core.__cpu_dispatch__), dict(core.__cpu_features__)


def cpu_kernel_variants() -> dict[str, dict[str, str]]:
    """Name -> environment variables of each CPU-kernel setting the notebooks are re-run under."""
    dispatch, has = numpy_cpu_features()
    usable = [f for f in dispatch if has.get(f)]  # disabling a feature the CPU lacks only warns
    wide = [f for f in usable if f.startswith("AVX512") or f == "X86_V4"]
    x86 = platform.machine().lower() in ("x86_64", "amd64")
    preset = os.environ.get("OPENBLAS_CORETYPE")
    oldest = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    avx2 = {}
    if x86:
        oldest["OPENBLAS_CORETYPE"] = "Prescott"  # plain SSE3: runs on every x86-64 CPU
        if preset:
            avx2["OPENBLAS_CORETYPE"] = preset
        elif has.get("AVX2"):
            avx2["OPENBLAS_CORETYPE"] = "Haswell"
    if usable:
        oldest["NPY_DISABLE_CPU_FEATURES"] = " ".join(usable)
    if wide:
        avx2["NPY_DISABLE_CPU_FEATURES"] = " ".join(wide)
    return {"oldest": oldest, "avx2": avx2}


def describe(variables: dict[str, str]) -> str:
    return " ".join(f"{k}={v!r}" for k, v in sorted(variables.items())) or "(no change)"


VARIANTS = cpu_kernel_variants()


@pytest.mark.cpu_variants
@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks")
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_notebooks_pass_nbval_under_other_cpu_kernels(variant, tmp_path):
    variables = VARIANTS[variant]
    env = dict(os.environ)
    for key in list(env):
        if key.startswith("PYTEST_"):
            del env[key]
    env.update(variables)
    cmd = [sys.executable, "-m", "pytest", "-c", str(nh.ROOT / "pyproject.toml"),
           "--rootdir", str(nh.ROOT), "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
           "--basetemp", str(tmp_path / "basetemp"), *map(str, NOTEBOOKS)]
    run = subprocess.run(cmd, cwd=nh.ROOT, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=1800)
    lines = run.stdout.splitlines()
    summary = lines[-1] if lines else "(no output)"
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    assert run.returncode == 0, (
        f"nbval under {variant} CPU kernels ({describe(variables)}): {summary}\n"
        + "\n".join(failed) + "\n\n" + "\n".join(lines[-120:])
        + "\nA compared output printed a value at round-off level: print what it means "
          "(e.g. '|cos| < 1e-12') or round it to the precision it really has.")
