#!/usr/bin/python3
"""Writes the coordinate TXT test files (建设用地报批 / 勘测定界 坐标文件) in this folder.

Committed; rerun with /usr/bin/python3 (standard library only) to regenerate. Coordinates are
the CGCS2000 3-degree Gauss-Krüger zone 33 (CM 99E) metres of tests/data (E 620000, N 2899000):
prefixed eastings are 33620000.  Every area is hand-computable from the squares below.

Good files: good_utf8.txt (prefixed eastings, UTF-8, LF), plain_gbk.txt (no prefix, GBK, CRLF),
extended_13.txt (13-attribute headers), xian80_6.txt (1980西安坐标系, 6-degree zone 17),
area_mismatch.txt (a declared 地块面积 20 % off).  bad_*.txt: one malformed case each; the unit
test (tests/unit/io/coord_txt_test.cpp) expects the line numbers noted next to each.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
E0, N0 = 620000.0, 2899000.0


def props(zone="33", width="3", datum="2000国家大地坐标系", extra=()):
    lines = ["[属性描述]", "格式版本号=1.01版本", "数据产生单位=鹤庆县自然资源局",
             "数据产生日期=2024-5-1", f"坐标系={datum}", f"几度分带={width}",
             "投影类型=高斯克吕格", "计量单位=米"]
    if zone is not None:
        lines.append(f"带号={zone}")
    lines += ["精度=0.01", "转换参数=,,,,,,", *extra, "[地块坐标]"]
    return lines


def sq(x0, y0, x1, y1):
    """Corners of a square, relative to E0/N0, as (east, north)."""
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def rows(rings, prefix=33, start=1):
    """Point rows J1..: each ring closed by repeating its first point; 圈号 1, 2, ..."""
    out, k = [], start
    for no, corners in enumerate(rings, 1):
        first = k
        for e, n in corners:
            out.append(f"J{k},{no},{N0 + n:.3f},{prefix * 1e6 + E0 + e if prefix else E0 + e:.3f}")
            k += 1
        e, n = corners[0]
        out.append(f"J{first},{no},{N0 + n:.3f},{prefix * 1e6 + E0 + e if prefix else E0 + e:.3f}")
    return out


# (id, name, use, class, declared ha, rings, 界址点数 counting the closing rows?)
PARCELS = [
    ("BY-01", "北衙地块一", "工业用地", "0601", "1.0000", [sq(0, 0, 100, 100)], True),
    ("BY-02", "带洞地块", "工业用地", "0601", "0.7500",
     [sq(400, 0, 500, 100), sq(425, 25, 475, 75)], False),
    ("BY-03", "两部分地块", "仓储用地", "0602", "0.5000",
     [sq(600, 0, 650, 50), sq(700, 0, 750, 50)], True),
    ("BY-04", "洞中岛", "公园与绿地", "1402", "6.0000",
     [sq(1000, 300, 1300, 600), sq(1050, 350, 1250, 550), sq(1100, 400, 1200, 500)], True),
    ("BY-05", "蝴蝶形", "工业用地", "0601", "",
     [[(1000, 0), (1100, 100), (1100, 0), (1000, 100)]], True),
]


def parcel_lines(prefix=33, extended=False, parcels=PARCELS):
    out = []
    for pid, name, use, cls, ha, rings, with_closing in parcels:
        pts = rows(rings, prefix)
        count = len(pts) if with_closing else len(pts) - len(rings)
        head = [str(count), ha, pid, name, "面", "", use, cls]
        if extended:
            head += ["新增", "水田", "10", "8", "提质改造"]
        out.append(",".join(head + ["@"]))
        out += pts
    return out


def write(name, lines, encoding="utf-8", eol="\n"):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write((eol.join(lines) + eol).encode(encoding))


def main():
    write("good_utf8.txt", props() + parcel_lines())
    write("plain_gbk.txt", props() + parcel_lines(prefix=0), "gbk", "\r\n")
    write("extended_13.txt", props() + parcel_lines(extended=True, parcels=PARCELS[:2]))
    write("xian80_6.txt", props("17", "6", "1980西安坐标系") + parcel_lines(0, parcels=PARCELS[:1]))
    one = [("BY-01", "北衙地块一", "工业用地", "0601", "1.2000", [sq(0, 0, 100, 100)], True)]
    write("area_mismatch.txt", props() + parcel_lines(parcels=one))

    base = props() + parcel_lines(parcels=PARCELS[:2])  # header on 13, BY-02 header on 19
    def bad(name, lines, encoding="utf-8"):
        write("bad_" + name + ".txt", lines, encoding)

    open(os.path.join(HERE, "bad_empty.txt"), "wb").close()                     # line 1
    bad("no_props", base[11:])                                                  # line 1
    bad("no_coords", base[:11])                                                 # line 11
    bad("field_count", base[:18] + ["10,0.7500,BY-02,带洞地块,面,,0601,@"] + base[19:])   # 19
    bad("number", base[:15] + ["J3,1,2899100.00O,33620100.000"] + base[16:])    # line 16
    bad("nan", base[:15] + ["J3,1,nan,33620100.000"] + base[16:])               # line 16
    bad("unclosed", base[:17] + base[18:])                                      # ring at 14
    bad("short_ring", base[:12] + ["3,,BY-01,三点,面,,,,@", base[13], base[14], base[13]])  # 16
    bad("count", base[:12] + ["7" + base[12][1:]] + base[13:])                  # header 13
    bad("zone", base[:15] + ["J3,1,2899100.000,34620100.000"] + base[16:])      # line 16
    bad("no_zone", props(zone=None) + parcel_lines(0, parcels=PARCELS[:1]))     # [属性描述] 1
    bad("zone_width", props("33", "6") + parcel_lines(0, parcels=PARCELS[:1]))  # 带号 line 9
    bad("point_fields", base[:14] + ["J2,1,2899000.000"] + base[15:])           # line 15
    bad("before_header", base[:12] + base[13:])                                 # line 13
    bad("mixed_prefix", base[:15] + ["J3,1,2899100.000,620100.000"] + base[16:])  # line 16
    bad("swapped", base[:14] + ["J2,1,33620100.000,2899000.000"] + base[15:])   # line 15


if __name__ == "__main__":
    main()
