"""Ranges: the leopard range epochs, the tiger range and the breeding areas.

Each epoch is one parameterised construction solved for its published area; epochs are
clipped to the older ones where the facts say the range only shrank.
"""

from __future__ import annotations

from typing import Any

import shapely

from _context import (
    Context,
    Result,
    buffer_lonlat,
    frame,
    north_of,
    published_km2,
    source_ids,
    south_of,
)
from _geometry import (
    area_km2,
    calibrate,
    clean,
    disc,
    lonlat_box,
    point_laea,
    polygonal,
    radius_for_area_km,
    to_laea,
    to_lonlat,
)

# --------------------------------------------------------------------------------------------
# Leopard range epochs
# --------------------------------------------------------------------------------------------

HISTORICAL_HULL = (
    "prk_label",
    "kor_label",
    "cn_np_bbox_sw",
    "cn_np_bbox_nw",
    "cn_np_bbox_ne",
    "pogranichnyy",
    "kamen_rybolov",
    "coast_44n",
    "lazovsky_nr",
    "marker_423",
)
#: Disc anchors of the 1970s Russian groups other than SW Primorye (which is the whole
#: SW Primorye region: Khasansky + Nadezhdinsky = 5,726 km², S94, S102).
GROUPS_1970S_RU = ("pogranichnyy", "kamen_rybolov", "lazovsky_nr")
GROUPS_1970S_CN = ("hunchun_nnr", "cn_np_bbox_centre")
#: FACTS 2.1 (S35): in the 1970s the Russian range shrank to ~20% of the former one.
RU_1970S_SHARE = 0.2


def build_leopard_range(ctx: Context, res: Result, lotl: dict[str, Any]) -> dict[str, Any]:
    inp = ctx.inp
    lay = "leopard_range"
    pts = inp.points
    hull = shapely.MultiPoint(
        [to_laea(shapely.Point(pts[i][1], pts[i][0])) for i in HISTORICAL_HULL]
    )
    hull = hull.convex_hull
    hist, cal = calibrate(
        lambda r: ctx.range_land.intersection(to_lonlat(hull.buffer(r * 1_000.0, quad_segs=32))),
        target_km2=published_km2(inp, lay, "c. 1900 (historical)"),
        low=0.0,
        high=600.0,
        decimals=2,
        name="historical_buffer_km",
        unit="km",
        rule="buffer of the convex hull of the historical anchors (Korea, NE China NP box, "
        "Khanka, S Sikhote-Alin), on the land of China, both Koreas and Russia",
    )
    res.calibrations.append(cal)
    hist_r = cal.value

    def discs(ids: tuple[str, ...], r: float) -> shapely.Geometry:
        return shapely.union_all([disc(pts[i][0], pts[i][1], r) for i in ids])

    hist_ru = area_km2(hist.intersection(ctx.rus))
    ru70, cal = calibrate(
        lambda r: ctx.rus.intersection(
            shapely.union(ctx.sw_primorye, discs(GROUPS_1970S_RU, r))
        ).intersection(hist),
        target_km2=RU_1970S_SHARE * hist_ru,
        low=1.0,
        high=250.0,
        decimals=3,
        name="range_1970s_ru_radius_km",
        unit="km",
        rule="radius of the discs on the Prikhankaisky (Pogranichny, Kamen-Rybolov) and S "
        "Sikhote-Alin (Lazovsky) anchors; with SW Primorye the Russian part is 20% of the "
        "historical Russian range (S35)",
    )
    res.calibrations.append(cal)
    r70_ru = cal.value
    cn70, cal = calibrate(
        lambda r: ctx.chn.intersection(discs(GROUPS_1970S_CN, r)).intersection(hist),
        target_km2=published_km2(inp, lay, "1970s") - area_km2(ru70),
        low=1.0,
        high=400.0,
        decimals=3,
        name="range_1970s_cn_radius_km",
        unit="km",
        rule="radius of the discs on the Chinese anchors (Hunchun reserve, NP box centre), "
        "solved so Russia + China = 71,971 km² (S31)",
    )
    res.calibrations.append(cal)
    r70_cn = cal.value
    r70 = clean(shapely.union(ru70, cn70))
    sw_70 = ctx.sw_primorye.intersection(r70)
    r00, cal = calibrate(
        lambda w: sw_70.intersection(ctx.band_ru_cnkp(w)),
        target_km2=published_km2(inp, lay, "early 2000s"),
        low=1.0,
        high=80.0,
        decimals=3,
        name="range_2000s_band_km",
        unit="km",
        rule="width of the early-2000s band along the China/DPRK border in SW Primorye",
    )
    res.calibrations.append(cal)
    r00_w = cal.value
    cn_top = pts["cn_np_bbox_ne"][0]
    land_2015 = shapely.union(ctx.chn, ctx.rus.intersection(ctx.west_of_line)).intersection(
        south_of(cn_top)
    )
    land_2015 = land_2015.intersection(hist)
    r15, cal = calibrate(
        lambda w: land_2015.intersection(ctx.band_ru_cnkp(w)),
        target_km2=published_km2(inp, lay, "2015"),
        low=1.0,
        high=150.0,
        decimals=3,
        name="range_2015_band_km",
        unit="km",
        rule="width of the 2015 band on both sides of the RU–CN/DPRK border, south of the "
        "China NP box top (44.2469°N)",
    )
    res.calibrations.append(cal)
    r15_w = cal.value
    lotl_all = shapely.union_all([lotl["park"], lotl["gamov"], lotl["kp"]])
    sw_forest = ctx.rus.intersection(ctx.west_of_line).intersection(inp.forest)
    ru21, cal = calibrate(
        lambda lat: shapely.union(sw_forest.intersection(south_of(lat)), lotl_all).intersection(
            hist
        ),
        target_km2=published_km2(inp, lay, "2021 ∩ RUS"),
        low=42.3,
        high=45.5,
        decimals=5,
        name="range_2021_north_lat",
        unit="deg",
        rule="northern limit of the 2021 Russian range = MODIS forest west of the Razdolnaya/"
        "Amur Bay line, plus LotL and Kedrovaya Pad",
    )
    res.calibrations.append(cal)
    ru21_lat = cal.value
    cn_land_21 = ctx.chn.intersection(south_of(ru21_lat)).intersection(hist)
    cn21, cal = calibrate(
        lambda w: cn_land_21.intersection(ctx.band_ru_cn(w)),
        target_km2=published_km2(inp, lay, "2021 ∩ CHN"),
        low=0.2,
        high=60.0,
        decimals=3,
        name="range_2021_china_strip_km",
        unit="km",
        rule="width of the 2021 Chinese strip along the Russian border, south of the 2021 "
        "Russian northern limit",
    )
    res.calibrations.append(cal)
    cn21_w = cal.value
    r21 = clean(shapely.union(ru21, cn21))
    epochs = [
        (
            "c. 1900 (historical)",
            "c. 1900",
            1900,
            hist,
            f"CN, KP, KR and RU land within {hist_r:g} km of the hull of anchors in Korea "
            "(S36, S33, S69), the NE China NP box (S77), Khanka (S33) and S Sikhote-Alin "
            "(S33, S63); buffer solved for the area; see SOURCES.md",
        ),
        (
            "1970s",
            "1970s",
            1975,
            r70,
            f"RU: SW Primorye + discs of {r70_ru:g} km (Prikhankaisky, S Sikhote-Alin; 20% of "
            f"the RU historical range, S33, S35); CN: within {r70_cn:g} km of Hunchun and the "
            "NP box, total solved for 71,971 km² (S31); no Korea (S36); see SOURCES.md",
        ),
        (
            "early 2000s",
            "early 2000s",
            2002,
            r00,
            f"Russian land in SW Primorye (west of the Razdolnaya/Amur Bay line, south of "
            f"Razdolnoye's latitude) within {r00_w:g} km of the China/DPRK border (S33); "
            "clipped to the 1970s range; width solved for the area",
        ),
        (
            "2015",
            "2015",
            2015,
            r15,
            f"land of China and of Russia west of the Razdolnaya/Amur Bay line within {r15_w:g}"
            " km of the RU–CN/DPRK border, south of 44.2469°N (S31, S77); clipped to the "
            "historical range; width solved for the area",
        ),
        (
            "2021",
            "2021",
            2021,
            r21,
            f"RU: MODIS 2019 forest in SW Primorye south of {ru21_lat:.4f}°N, plus LotL and "
            f"Kedrovaya Pad (S37, S38); CN: a {cn21_w:g} km strip along the RU border south of "
            "that latitude; both solved for their areas; see SOURCES.md",
        ),
    ]
    rows = []
    for name, epoch, year, geom, method in epochs:
        pub = inp.published[(lay, name)]
        rows.append(
            {
                "name": name,
                "epoch": epoch,
                "year": year,
                "area_published_km2": float(pub["area_published_km2"]),
                "source_ids": pub["source_ids"],
                "method": method,
                "geometry": clean(geom),
            }
        )
    res.layers[lay] = frame(rows)
    return {"hist": hist, "r70": r70, "r00": r00, "r15": r15, "r21": r21}


# --------------------------------------------------------------------------------------------
# Tiger range
# --------------------------------------------------------------------------------------------


def build_tiger_range(ctx: Context, res: Result, lotl: dict[str, Any]) -> None:
    inp = ctx.inp
    lay = "tiger_range"
    lobc = clean(shapely.union_all([lotl["park"], lotl["gamov"], lotl["kp"], lotl["china_np"]]))
    lobc_ru = lobc.intersection(ctx.rus)
    main_forest = ctx.rus.intersection(ctx.east_of_line).intersection(inp.forest)
    russia, cal = calibrate(
        lambda lat: shapely.union(main_forest.intersection(south_of(lat)), lobc_ru),
        target_km2=published_km2(inp, lay, "Russia (1995–2005 counts)"),
        low=43.0,
        high=55.0,
        decimals=5,
        name="tiger_north_lat",
        unit="deg",
        rule="northern limit of the Russian tiger range = MODIS forest east of the "
        "Vladivostok–Ussuriysk barrier, plus the Russian part of the Land of Big Cats",
    )
    res.calibrations.append(cal)
    main = clean(main_forest.intersection(south_of(cal.value)))
    lobc_name = "SW Primorye – NE China (Land of Big Cats)"
    rus_name = "Russia (1995–2005 counts)"
    rows = [
        {
            "name": lobc_name,
            "scope": "transboundary population (SW Primorye + NE China)",
            "period": "2019–2024",
            "area_published_km2": published_km2(inp, lay, lobc_name),
            "source_ids": source_ids(inp, lay, lobc_name) + ",S54,S70,S71",
            "method": "union of LotL (2012 + Gamov), Kedrovaya Pad and the NE China NP, the "
            "area of the transboundary counts (S50, S51, S70); no range map is published",
            "geometry": lobc,
        },
        {
            "name": "Sikhote-Alin (main range)",
            "scope": "main Russian population",
            "period": "1995–2005",
            "area_published_km2": None,
            "source_ids": "S72,S60,S59",
            "method": "MODIS 2019 forest (IGBP 1–5) in Russia east of the Vladivostok–Ussuriysk "
            f"barrier (S59, S60), south of {cal.value:.4f}°N (solved so that, with the "
            "Russian part of the Land of Big Cats, it matches the Russian range of S72)",
            "geometry": main,
        },
        {
            "name": rus_name,
            "scope": "national total (Russia); overlaps the two features above",
            "period": "1995–2005",
            "area_published_km2": published_km2(inp, lay, rus_name),
            "source_ids": source_ids(inp, lay, rus_name),
            "method": "union of the Sikhote-Alin feature and the Russian part of the Land of "
            "Big Cats feature",
            "geometry": clean(russia),
        },
    ]
    res.layers[lay] = frame(rows)


# --------------------------------------------------------------------------------------------
# Breeding areas
# --------------------------------------------------------------------------------------------


def build_breeding_areas(
    ctx: Context, res: Result, park: shapely.Geometry, kp: shapely.Geometry
) -> None:
    inp = ctx.inp
    reach = radius_for_area_km(inp.p("female_cub_range_km2"))
    half, cal = calibrate(
        lambda lat: park.intersection(north_of(lat)),
        target_km2=area_km2(park) / 2.0,
        low=42.2,
        high=44.5,
        decimals=5,
        name="park_median_lat",
        unit="deg",
        rule="latitude that splits LotL 2012 into equal northern and southern halves "
        "('northern LotL' = the northern half)",
        increasing=False,
    )
    res.calibrations.append(cal)
    kp_area = ctx.rus.intersection(buffer_lonlat(kp, reach))
    north = ctx.rus.intersection(buffer_lonlat(half, reach))
    rows = [
        {
            "name": "Kedrovaya Pad cub records",
            "evidence": "a cub recorded in Kedrovaya Pad in 2013 and 2018; 1 resident male "
            "and 3–4 overlapping females (2018)",
            "years": "2013,2018",
            "source_ids": "S103",
            "placement": "the records are attributed to the reserve only (no coordinates): "
            f"Kedrovaya Pad widened by {reach:.2f} km, the radius of a ~10 km² female-with-cubs "
            "range (S40)",
            "uncertainty_km": round(reach, 2),
            "female_range_published_km2": inp.p("female_cub_range_km2"),
            "geometry": clean(kp_area),
        },
        {
            "name": "Malaya Kedrovka valley (female with cub)",
            "evidence": "a female with a cub in the Malaya Kedrovka valley, northern LotL",
            "years": "",
            "source_ids": "S103",
            "placement": "no coordinates published and the valley is not in the base data: "
            f"the northern half of LotL 2012 (north of {cal.value:.4f}°N) widened by "
            f"{reach:.2f} km; the valley itself is a small part of this envelope",
            "uncertainty_km": round(reach, 2),
            "female_range_published_km2": inp.p("female_cub_range_km2"),
            "geometry": clean(north),
        },
    ]
    res.layers["breeding_areas"] = frame(rows)


# --------------------------------------------------------------------------------------------
# Consistency checks
# --------------------------------------------------------------------------------------------


def shared_boundary_frac(
    inner: shapely.Geometry, outer: shapely.Geometry, *, tolerance_m: float = 1.0
) -> float:
    """Share (0–1) of ``inner``'s boundary length that runs along ``outer``'s boundary."""
    edge = to_laea(inner.boundary)
    along = edge.intersection(to_laea(outer.boundary).buffer(tolerance_m))
    return float(along.length / edge.length)


def quality_checks(ctx: Context, res: Result, lotl: dict[str, Any]) -> None:
    park = lotl["park"]
    park_laea = to_laea(park)
    border = ctx.border_ru_cnkp
    for pid, what in [
        ("barabash", "Barabash (S91: surrounded on 3 sides by LotL)"),
        ("kedrovaya_pad", "Kedrovaya Pad label (S16)"),
        ("park_label_enwiki", "LotL infobox point (S1)"),
        ("park_label_dewiki", "LotL de.wiki point (S3)"),
        ("park_label_ukwiki", "LotL uk.wiki point (S5)"),
        ("park_label_iparks", "LotL internationalparks point (S2)"),
    ]:
        lat, lon = ctx.inp.points[pid]
        pt = point_laea(lat, lon)
        res.checks.append(
            (
                what,
                f"{pt.distance(park_laea) / 1000:.1f} km from the park; "
                f"{pt.distance(border) / 1000:.1f} km from the border",
            )
        )
    north_lat = park.bounds[3]
    res.checks.append(
        (
            "LotL reaches roughly the latitude of Razdolnoye, ~43.5°N (FACTS 1.3, unsourced)",
            f"the OSM outline reaches {north_lat:.3f}°N, {(north_lat - 43.5) * 111.2:.0f} km "
            "further north",
        )
    )
    kp = lotl["kp"]
    kp_laea = to_laea(kp)
    west, south, east, north = kp.bounds
    sea = to_laea(lonlat_box(west - 1, south - 1, east + 1, north + 1).difference(ctx.range_land))
    res.checks.append(
        (
            "Kedrovaya Pad: China border <20 km away (S16)",
            f"{kp_laea.distance(ctx.border_ru_cn) / 1000:.1f} km from the built reserve to the "
            "China border",
        )
    )
    res.checks.append(
        (
            "Kedrovaya Pad: Amur Bay <5 km away (S17)",
            f"{kp_laea.distance(sea) / 1000:.1f} km from the built reserve to the sea",
        )
    )
    share = shared_boundary_frac(kp, park)
    res.checks.append(
        (
            "Kedrovaya Pad is enclosed by the park on the west, north and south (S3, S91)",
            f"{100 * share:.1f}% of its boundary is the park's; overlap with the park "
            f"{area_km2(shapely.intersection(kp, park)):.3f} km²",
        )
    )
    ranges = res.layers["leopard_range"].set_index("name").geometry
    hist_ru = area_km2(ranges["c. 1900 (historical)"].intersection(ctx.rus))
    ru70 = polygonal(ranges["1970s"].intersection(ctx.rus))  # not the lines along the border
    parts = shapely.get_parts(shapely.buffer(ru70, 0.01))  # ~1 km: merge touching slivers
    groups = [p for p in parts if area_km2(p) >= 100.0]
    res.checks.append(
        (
            "1970s: Russia shrank to ~20% of its former range, in 3 isolated groups (S35, S33)",
            f"{100 * area_km2(ru70) / hist_ru:.1f}% of the historical Russian part; "
            f"{len(groups)} separate Russian parts of ≥ 100 km² (and {len(parts) - len(groups)} "
            "islands)",
        )
    )
    ru21 = area_km2(ranges["2021"].intersection(ctx.rus))
    res.checks.append(
        (
            "2021: the range is 3× larger than in the early 2000s (S37)",
            f"published figures give {4600 / 3000:.2f}× (4,600 vs ~3,000 km², FACTS §6.11); "
            f"built: {ru21 / area_km2(ranges['early 2000s']):.2f}×",
        )
    )
