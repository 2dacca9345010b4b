#!/usr/bin/python3
"""Compares SitePlan's overlaps.csv with the PostGIS result, row by row.

Usage: compare_overlaps.py SITEPLAN_OVERLAPS_CSV POSTGIS_OVERLAPS_CSV
                           [--parcels SITEPLAN_PARCELS_CSV POSTGIS_PARCELS_CSV]
                           [--rel 1e-6] [--abs 1e-3] [--show 15]

A (parcel_id, rule_id) row agrees when |a - b| <= max(rel * max(a, b), abs): 1e-6 relative, or
1e-3 m² absolute for tiny overlaps.  A row present on one side only counts as missing unless its
area is itself within the absolute tolerance (a sliver the other side rounded away); such rows
are reported separately.  With --parcels, parcel areas and statuses are compared the same way.
Exit status: 0 when everything agrees, 1 otherwise.  Standard library only.
"""
import argparse
import csv
import sys


def read_overlaps(path):
    rows = {}
    dup = 0
    with open(path, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            key = (r["parcel_id"], r["rule_id"])
            if key in rows:
                dup += 1
            rows[key] = float(r["overlap_m2"])
    return rows, dup


def agree(a, b, rel, ab):
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), ab)


def rule_of(rule_id):
    return rule_id.split(":", 1)[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("siteplan")
    ap.add_argument("postgis")
    ap.add_argument("--parcels", nargs=2, metavar=("SITEPLAN_PARCELS", "POSTGIS_PARCELS"))
    ap.add_argument("--rel", type=float, default=1e-6)
    ap.add_argument("--abs", type=float, default=1e-3, dest="abs_tol")
    ap.add_argument("--show", type=int, default=15)
    a = ap.parse_args()

    sp, sp_dup = read_overlaps(a.siteplan)
    pg, pg_dup = read_overlaps(a.postgis)
    keys = set(sp) | set(pg)
    only_sp = sorted(k for k in keys if k not in pg)
    only_pg = sorted(k for k in keys if k not in sp)
    both = sorted(k for k in keys if k in sp and k in pg)

    bad = []
    worst_rel = (0.0, None)
    worst_abs = (0.0, None)
    per_rule = {}
    for k in both:
        x, y = sp[k], pg[k]
        d = abs(x - y)
        r = d / max(abs(x), abs(y)) if max(abs(x), abs(y)) > 0 else 0.0
        if r > worst_rel[0] and max(x, y) >= 1.0:  # below 1 m² the 6-decimal CSV dominates
            worst_rel = (r, k)
        if d > worst_abs[0]:
            worst_abs = (d, k)
        st = per_rule.setdefault(rule_of(k[1]), [0, 0, 0.0])
        st[0] += 1
        if max(x, y) >= 1.0:
            st[2] = max(st[2], r)
        if not agree(x, y, a.rel, a.abs_tol):
            st[1] += 1
            bad.append((r, d, k, x, y))
    miss_sp = [k for k in only_pg if pg[k] > a.abs_tol]      # real rows SitePlan lacks
    miss_pg = [k for k in only_sp if sp[k] > a.abs_tol]      # real rows PostGIS lacks
    sliver_sp = len(only_pg) - len(miss_sp)
    sliver_pg = len(only_sp) - len(miss_pg)

    print(f"rows: SitePlan {len(sp):,}, PostGIS {len(pg):,}, in both {len(both):,}")
    if sp_dup or pg_dup:
        print(f"DUPLICATE keys: SitePlan {sp_dup}, PostGIS {pg_dup}")
    print(f"rows only in PostGIS:  {len(only_pg):,} ({len(miss_sp):,} above {a.abs_tol:g} m², "
          f"{sliver_sp:,} slivers)")
    print(f"rows only in SitePlan: {len(only_sp):,} ({len(miss_pg):,} above {a.abs_tol:g} m², {sliver_pg:,} slivers)")
    print(f"rows that differ beyond tolerance (rel {a.rel:g} or abs {a.abs_tol:g} m²): {len(bad):,}")
    if worst_rel[1]:
        k = worst_rel[1]
        print(f"worst relative difference (rows >= 1 m²): {worst_rel[0]:.3e} at {k[0]} {k[1]} "
              f"(SitePlan {sp[k]:.6f}, PostGIS {pg[k]:.6f})")
        k = worst_abs[1]
        print(f"worst absolute difference: {worst_abs[0]:.3e} m² at {k[0]} {k[1]} "
              f"(SitePlan {sp[k]:.6f}, PostGIS {pg[k]:.6f})")
    print("per rule: rows in both / beyond tolerance / worst relative difference (rows >= 1 m²)")
    for rule, (n, nb, w) in sorted(per_rule.items()):
        print(f"  {rule:8s} {n:7,} {nb:5,}  {w:.2e}")
    for title, ks, src in (("missing in SitePlan", miss_sp, pg), ("missing in PostGIS", miss_pg, sp)):
        for k in ks[:a.show]:
            print(f"  {title}: {k[0]} {k[1]} {src[k]:.6f} m²")
        if len(ks) > a.show:
            print(f"  ... {len(ks) - a.show} more {title}")
    for r, d, k, x, y in sorted(bad, reverse=True)[:a.show]:
        print(f"  differs: {k[0]} {k[1]} SitePlan {x:.6f} PostGIS {y:.6f} (rel {r:.2e}, abs {d:.3e})")

    ok = not bad and not miss_sp and not miss_pg and not sp_dup and not pg_dup

    if a.parcels:
        sp_p, pg_p = {}, {}
        with open(a.parcels[0], newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                sp_p[r["parcel_id"]] = (float(r["area_m2"]), r["geometry_status"], r["verdict"])
        with open(a.parcels[1], newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                pg_p[r["parcel_id"]] = (float(r["area_m2"]), r["status"])
        pbad = []
        for pid in sorted(set(sp_p) | set(pg_p)):
            if pid not in sp_p or pid not in pg_p:
                pbad.append(f"{pid}: only in {'SitePlan' if pid in sp_p else 'PostGIS'}")
                continue
            (x, sst, verdict), (y, pst) = sp_p[pid], pg_p[pid]
            if sst != pst:
                pbad.append(f"{pid}: status SitePlan {sst} / PostGIS {pst}")
            elif not agree(x, y, a.rel, a.abs_tol):
                pbad.append(f"{pid}: area SitePlan {x:.6f} / PostGIS {y:.6f}")
        counts = {}
        for _, st, _v in sp_p.values():
            counts[st] = counts.get(st, 0) + 1
        print(f"parcels: {len(sp_p):,} in SitePlan, {len(pg_p):,} in PostGIS; statuses "
              + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
              + f"; {len(pbad)} disagree on status or area")
        for line in pbad[:a.show]:
            print("  " + line)
        ok = ok and not pbad

    print("AGREEMENT: OK" if ok else "AGREEMENT: DIFFERENCES FOUND")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
