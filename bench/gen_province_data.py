#!/usr/bin/python3
"""A synthetic province for the MPI benchmark (bench/README.md, docs/mpi.md): many county-sized
pieces side by side, each a translated copy of a county data set written by gen_clearance_data.py
(by default the one in /tmp/siteplan-bench, generated when missing).

    gen_province_data.py OUT --pieces 4 [--base DIR] [--bases 1] [--columns 2] [--force]

Piece k sits in column k % columns and row k // columns of a grid with a step of 110 km (east) and
100 km (north), so the counties' land-use coverages (each 110 x 100 km) abut without overlapping.
Three columns span E 335,000-665,000 in EPSG:4542: within 1 degree of the 3-degree zone (SitePlan
warns that the outer columns lie a little outside it, as the county benchmark already does).
Parcel ids (XMBH) get the piece number as a prefix, so they stay unique.  --bases N > 1 generates
N counties with different seeds (N x ~70 s) and uses them round-robin, so pieces differ.

Writes OUT/parcels.gpkg, OUT/dltb.gpkg, OUT/constraints.gpkg (the county's layer names) and
OUT/manifest.json.  Needs gdal-bin (ogr2ogr); run with Debian's /usr/bin/python3.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
STEP_E, STEP_N = 110000.0, 100000.0
CONSTRAINTS = ["yjjbnt", "stbhhx", "ldbh", "gyl", "sysyd", "dzzh"]


def county(base, seed, default_seed):
    """The folder of the county with this seed, generated when it is missing."""
    folder = base if seed == default_seed else f"{base}-seed{seed}"
    if not os.path.exists(os.path.join(folder, "manifest.json")):
        cmd = [sys.executable, os.path.join(HERE, "gen_clearance_data.py"), folder, "--seed", str(seed)]
        print("generating", folder, flush=True)
        subprocess.run(cmd, check=True)
    return folder


def copy_layer(src, layer, dst, out_layer, de, dn, sql=None):
    # EPSG:4542 is northing-first: a PROJ affine step in the CRS's axis order takes the northing
    # shift as xoff and the easting shift as yoff.
    cmd = ["ogr2ogr", "-f", "GPKG", "-update", "-append", dst, src, "-nln", out_layer,
           "-s_srs", "EPSG:4542", "-t_srs", "EPSG:4542",
           "-ct", f"+proj=affine +xoff={dn:.1f} +yoff={de:.1f}", "-nlt", "MULTIPOLYGON"]
    cmd += ["-dialect", "sqlite", "-sql", sql] if sql else [layer]
    if not os.path.exists(dst):
        cmd.remove("-update")
    subprocess.run(cmd, check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--pieces", type=int, default=4)
    ap.add_argument("--columns", type=int, default=2, choices=[1, 2, 3])
    ap.add_argument("--base", default=os.environ.get("BENCH_DATA", "/tmp/siteplan-bench"))
    ap.add_argument("--bases", type=int, default=1, help="distinct counties (seeds 20240611, +1, ...)")
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args()
    if os.path.exists(os.path.join(a.out, "manifest.json")) and not a.force:
        sys.exit(f"{a.out} already holds a province (--force to overwrite)")
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    t0 = time.time()
    seed0 = 20240611
    bases = [county(a.base, seed0 + i, seed0) for i in range(a.bases)]
    pieces = []
    for k in range(a.pieces):
        src = bases[k % len(bases)]
        col, row = k % a.columns, k // a.columns
        de, dn = -STEP_E * col, STEP_N * row
        copy_layer(f"{src}/parcels.gpkg", "parcels", f"{a.out}/parcels.gpkg", "parcels", de, dn,
                   sql=f"SELECT geom, '{k:03d}' || XMBH AS XMBH FROM parcels")
        copy_layer(f"{src}/dltb.gpkg", "dltb", f"{a.out}/dltb.gpkg", "dltb", de, dn)
        for layer in CONSTRAINTS:
            copy_layer(f"{src}/constraints.gpkg", layer, f"{a.out}/constraints.gpkg", layer, de, dn)
        pieces.append({"piece": k, "county": src, "offset_east_m": de, "offset_north_m": dn})
        print(f"piece {k}: {src} shifted by E {de:+.0f} m, N {dn:+.0f} m ({time.time() - t0:.0f} s)",
              flush=True)
    manifest = {"generator": "bench/gen_province_data.py", "pieces": pieces, "columns": a.columns,
                "crs": "EPSG:4542", "seconds": round(time.time() - t0, 1)}
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
    print(f"province of {a.pieces} counties in {a.out} ({time.time() - t0:.0f} s)")


if __name__ == "__main__":
    main()
