"""Benchmark: `docgen tong-hop` rolling up the national count of communes (3,321) for one province's report.

    python bench/tong_hop.py [--units N ...] [--jobs J] [--formats docx,xlsx]

Generates N communes' data files from the example commune data_examples/tong-hop/xa/hoa-an.yaml (each its own name
and plausible figures, all valid; a unit list don-vi.yaml naming them all), then runs `docgen tong-hop` on them as
a new process with -j J, and prints the wall time and the peak memory (max RSS of the process and its workers) per
N and format, so that how time grows with the number of units shows. Targets (issue 16): 3,321 units in at most
60 s with -j 2, peak memory under 500 MB. Timings live here, never in the tests.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "data_examples" / "tong-hop"
NATIONAL_COUNT = 3321


def make_units(folder: Path, count: int) -> Path:
    """`count` communes' files in folder/xa and the province's files beside them; the province's data file."""
    base = yaml.safe_load((EXAMPLE / "xa" / "hoa-an.yaml").read_text(encoding="utf-8"))
    units = folder / "xa"
    units.mkdir(parents=True)
    rng = random.Random(count)
    listed = []
    for index in range(count):
        name = f"xã Thử Nghiệm {index + 1}"
        data = yaml.safe_load(yaml.safe_dump(base))  # a deep copy
        data["co_quan"].update(ten=["Ủy ban nhân dân", name], ten_goi=f"UBND {name}")
        data["van_ban"]["dia_danh"] = f"Thử Nghiệm {index + 1}"
        files = data["so_lieu"]["ho_so"]
        received = rng.randint(200, 2500)
        resolved = received - rng.randint(0, 30)
        files.update(ky_truoc_chuyen_sang=rng.randint(0, 40), tiep_nhan=received, truc_tuyen=int(received * rng.uniform(0.8, 1)),
                     da_giai_quyet=resolved, dung_han=resolved - rng.randint(0, 3))
        files["qua_han"] = resolved - files["dung_han"]
        (units / f"xa-{index + 1:04d}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                                                          encoding="utf-8")
        listed.append({"ma": f"{40000 + index}", "ten": name})
    (folder / "don-vi.yaml").write_text(yaml.safe_dump({"don_vi": listed}, allow_unicode=True), encoding="utf-8")
    shutil.copy(EXAMPLE / "tinh.yaml", folder / "tinh.yaml")
    return folder / "tinh.yaml"


def run(folder: Path, province_file: Path, jobs: int, fmt: str) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB, the largest of the process and its workers) of one `docgen tong-hop`."""
    out = folder / f"tinh.{fmt}"
    launcher = ("import resource, subprocess, sys, time; start = time.perf_counter();"
                "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE).returncode;"
                "elapsed = time.perf_counter() - start;"
                "print(code, elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    command = [sys.executable, "-m", "cchc_docgen", "tong-hop", str(folder / "xa"), "--du-lieu", str(province_file),
               "-j", str(jobs), "-f", fmt, "-o", str(out)]
    result = subprocess.run([sys.executable, "-c", launcher, *command], capture_output=True, text=True, check=True)
    code, elapsed, rss_kib = result.stdout.split()
    if int(code) != 0:
        raise SystemExit(f"docgen tong-hop failed (exit {code}) on {folder}")
    return float(elapsed), int(rss_kib) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="*", default=[250, 1000, NATIONAL_COUNT])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--formats", default="docx,xlsx")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="docgen-tong-hop-"))
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()}; -j {args.jobs}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'units':>6} {'format':>6} {'seconds':>8} {'s / 1000 units':>15} {'peak RSS MiB':>13}")
    try:
        for count in args.units:
            folder = work / str(count)
            province_file = make_units(folder, count)
            for fmt in args.formats.split(","):
                seconds, rss = run(folder, province_file, args.jobs, fmt)
                print(f"{count:>6} {fmt:>6} {seconds:8.1f} {seconds / count * 1000:15.2f} {rss:13.0f}", flush=True)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
