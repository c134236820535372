"""Protected areas: Land of the Leopard, its units, the China NP and the corridor targets.

Where a published area exists and the facts leave one dimension open, that one parameter is
solved so the built area matches the published figure (:func:`_geometry.calibrate`); every
such parameter is listed in SOURCES.md.
"""

from __future__ import annotations

from typing import Any

import shapely

from _context import (
    Context,
    Result,
    buffer_lonlat,
    cal_value,
    frame,
    north_of,
    published_km2,
    source_ids,
    south_of,
)
from _geometry import (
    area_km2,
    band,
    calibrate,
    clean,
    disc,
    ellipse,
    lonlat_box,
    outside_km2,
)

# --------------------------------------------------------------------------------------------
# Land of the Leopard and its units
# --------------------------------------------------------------------------------------------


def build_kedrovaya_pad(ctx: Context, res: Result) -> shapely.MultiPolygon:
    inp = ctx.inp
    lat, lon = inp.points["kedrovaya_pad"]
    ratio, azimuth = inp.p("kp_axis_ratio"), inp.p("kp_azimuth_deg")
    geom, cal = calibrate(
        lambda b: ctx.rus.intersection(
            ellipse(lat, lon, semi_major_km=ratio * b, semi_minor_km=b, azimuth_deg=azimuth)
        ),
        target_km2=published_km2(inp, "park_units", "Kedrovaya Pad"),
        low=1.0,
        high=15.0,
        decimals=3,
        name="kp_semi_minor_km",
        unit="km",
        rule="semi-minor axis of the Kedrovaya Pad ellipse (semi-major = 2×) on its label point",
    )
    res.calibrations.append(cal)
    return geom


def _settlement_discs(ctx: Context, region: shapely.Geometry) -> shapely.Geometry:
    radius = ctx.inp.p("settlement_exclusion_km")
    inside = [pt for pt in ctx.inp.settlements.geometry if region.contains(pt)]
    return shapely.union_all([disc(pt.y, pt.x, radius) for pt in inside])


def build_park(ctx: Context, res: Result, kp: shapely.Geometry) -> dict[str, Any]:
    inp = ctx.inp
    width = inp.p("park_band_km")
    candidate = ctx.park_region.intersection(band(ctx.border_ru_cnkp, width))
    excluded = shapely.union(kp, _settlement_discs(ctx, candidate))
    base = candidate.difference(excluded)
    name = "Land of the Leopard"
    park, cal = calibrate(
        lambda lat: base.intersection(south_of(lat)),
        target_km2=published_km2(inp, "park", name),
        low=42.6,
        high=44.5,
        decimals=5,
        name="park_north_lat",
        unit="deg",
        rule=(
            "northern limit of LotL 2012 (the band within 20 km of the border, west of the "
            "park_east line, minus Kedrovaya Pad and settlement discs)"
        ),
    )
    res.calibrations.append(cal)
    lat, lon = inp.points["gamov"]
    gamov_name = "Land of the Leopard – Gamov cluster"
    gamov, cal = calibrate(
        lambda r: ctx.rus.intersection(disc(lat, lon, r)).difference(park),
        target_km2=published_km2(inp, "park", gamov_name),
        low=1.0,
        high=15.0,
        decimals=3,
        name="gamov_radius_km",
        unit="km",
        rule="radius of the land disc on the Gamov Peninsula point (S98)",
    )
    res.calibrations.append(cal)
    common = {"name_ru": "Земля леопарда", "designation": "National park"}
    rows = [
        {
            "name": name,
            **common,
            "established": "2012-04-05",
            "area_published_km2": published_km2(inp, "park", name),
            "source_ids": source_ids(inp, "park", name),
            "accuracy": "schematic: border and coast exact to Natural Earth 1:10m; inner "
            "(east) edge and northern limit by rule, several km uncertain",
            "method": (
                f"Russian land within {width:g} km of the China/DPRK border (S16, S17), west of "
                f"the Tumen mouth–Kraskino–Slavyanka–Amur Bay–Razdolnoye line, south of "
                f"{cal_value(res, 'park_north_lat'):.4f}°N (solved for the published area), "
                "minus Kedrovaya Pad and 2 km settlement discs"
            ),
            "geometry": park,
        },
        {
            "name": gamov_name,
            **common,
            "established": "2019-12-03",
            "area_published_km2": published_km2(inp, "park", gamov_name),
            "source_ids": source_ids(inp, "park", gamov_name),
            "accuracy": "schematic: a disc on the published point, ±3 km",
            "method": (
                f"Russian land within {cal.value:g} km of 42.566°N 131.200°E (S98), "
                "radius solved for the published area, minus the 2012 park"
            ),
            "geometry": gamov,
        },
    ]
    res.layers["park"] = frame(rows)
    return {"park": park, "gamov": gamov}


def build_park_units(
    ctx: Context, res: Result, park: shapely.Geometry, kp: shapely.Geometry
) -> dict[str, Any]:
    inp = ctx.inp
    lay = "park_units"
    bori, cal = calibrate(
        lambda lat: park.intersection(north_of(lat)),
        target_km2=published_km2(inp, lay, "Borisovskoye Plateau"),
        low=42.3,
        high=cal_value(res, "park_north_lat"),
        decimals=5,
        name="borisovskoye_south_lat",
        unit="deg",
        rule="southern limit of the Borisovskoye Plateau unit (the northern end of the park)",
        increasing=False,
    )
    res.calibrations.append(cal)
    bori_lat = cal.value
    south = park.intersection(south_of(bori_lat))
    bars, cal = calibrate(
        lambda w: south.intersection(band(ctx.border_ru_cnkp, w)),
        target_km2=published_km2(inp, lay, "Barsovy"),
        low=0.5,
        high=inp.p("park_band_km"),
        decimals=3,
        name="barsovy_band_km",
        unit="km",
        rule="width of the Barsovy unit along the border, south of the Borisovskoye unit",
    )
    res.calibrations.append(cal)
    bars_w = cal.value
    leop = clean(shapely.union(bori, bars))
    lotl_kp = shapely.union(park, kp)
    pz, cal = calibrate(
        lambda d: (
            ctx.rus.intersection(ctx.west_of_line)
            .intersection(buffer_lonlat(lotl_kp, d))
            .difference(lotl_kp)
        ),
        target_km2=published_km2(inp, lay, "Protection zone"),
        low=0.5,
        high=30.0,
        decimals=3,
        name="protection_zone_km",
        unit="km",
        rule="width of the protection-zone ring around LotL + Kedrovaya Pad (west of the "
        "Razdolnaya/Amur Bay line)",
    )
    res.calibrations.append(cal)
    pz_d = cal.value
    kp_lat, kp_lon = inp.points["kedrovaya_pad"]
    units = [
        (
            "Kedrovaya Pad",
            "Кедровая Падь",
            "State nature reserve (zapovednik); UNESCO biosphere reserve 2004",
            "1916/1925",
            "",
            kp,
            "schematic ellipse, ±3 km",
            f"ellipse on {kp_lat}°N {kp_lon}°E (S16), major axis NE–SW (Narva to Barabashevka,"
            f" S17), axis ratio 2 (assumption), size solved for the published area; clipped "
            "to land",
        ),
        (
            "Barsovy",
            "Барсовый",
            "Former federal zoological refuge (1979), in Leopardovy since 2008",
            "1979",
            "Leopardovy",
            bars,
            "schematic: its extent inside the park is not published",
            f"park south of {bori_lat:.4f}°N and within {bars_w:g} km of the border "
            "(Khasansky district along the China border, S18), width solved for the area",
        ),
        (
            "Borisovskoye Plateau",
            "Борисовское плато",
            "Former regional refuge (1996), in Leopardovy since 2008",
            "1996",
            "Leopardovy",
            bori,
            "schematic: its extent inside the park is not published",
            f"park north of {bori_lat:.4f}°N (the plateau where three districts meet on the "
            "China border, S19), limit solved for the area",
        ),
        (
            "Leopardovy",
            "Леопардовый",
            "Former federal refuge (2008) = Barsovy + Borisovskoye Plateau; merged into LotL",
            "2008-10-27",
            "",
            leop,
            "schematic (union of the two units above)",
            "union of Barsovy and Borisovskoye Plateau (S20, S21)",
        ),
        (
            "Protection zone",
            "Охранная зона",
            "Protection (buffer) zone of LotL; land not withdrawn from owners",
            "2013-01-15",
            "",
            pz,
            "schematic ring; the decree's boundary is not available",
            f"Russian land within {pz_d:g} km of LotL 2012 + Kedrovaya Pad, outside both, west "
            "of the Razdolnaya/Amur Bay line (Khasansky, Nadezhdinsky, Ussuriysky, S9-S11); "
            "width solved for the area",
        ),
    ]
    rows = [
        {
            "name": n,
            "name_ru": ru,
            "designation": des,
            "established": est,
            "part_of": part,
            "area_published_km2": published_km2(inp, lay, n),
            "source_ids": source_ids(inp, lay, n),
            "accuracy": acc,
            "method": method,
            "geometry": clean(geom),
        }
        for n, ru, des, est, part, geom, acc, method in units
    ]
    res.layers[lay] = frame(rows)
    protected = area_km2(shapely.union_all([park, kp, pz]))
    res.checks.append(
        (
            "LotL 2012 + Kedrovaya Pad + protection zone vs 360,000 ha under protection "
            "regimes (S9, S10)",
            f"{protected:,.0f} km² vs 3,600 km² ({100 * (protected / 3600 - 1):+.1f}%)",
        )
    )
    return {"pz": pz}


# --------------------------------------------------------------------------------------------
# China
# --------------------------------------------------------------------------------------------


def build_china_np(ctx: Context, res: Result) -> dict[str, Any]:
    inp = ctx.inp
    lay = "china_np"
    sw, ne = inp.points["cn_np_bbox_sw"], inp.points["cn_np_bbox_ne"]
    in_box = ctx.chn.intersection(lonlat_box(sw[1], sw[0], ne[1], ne[0]))
    np_name = "Northeast China Tiger and Leopard National Park"
    cnp, cal = calibrate(
        lambda d: in_box.intersection(band(ctx.border_ru_cn, d)),
        target_km2=published_km2(inp, lay, np_name),
        low=5.0,
        high=300.0,
        decimals=3,
        name="china_np_band_km",
        unit="km",
        rule="width of the China NP band along the Russian border, inside the published "
        "bounding box (S77)",
    )
    res.calibrations.append(cal)
    np_d = cal.value
    lat, lon = inp.points["hunchun_nnr"]
    hn_name = "Hunchun National Nature Reserve"
    hun, cal = calibrate(
        lambda r: ctx.chn.intersection(disc(lat, lon, r)),
        target_km2=published_km2(inp, lay, hn_name),
        low=5.0,
        high=60.0,
        decimals=3,
        name="hunchun_radius_km",
        unit="km",
        rule="radius of the Hunchun reserve disc on its label point (S82), clipped to China",
    )
    res.calibrations.append(cal)
    rows = [
        {
            "name": np_name,
            "name_zh": "东北虎豹国家公园",
            "designation": "National park",
            "established": "2021-09-30",
            "area_published_km2": published_km2(inp, lay, np_name),
            "source_ids": source_ids(inp, lay, np_name),
            "accuracy": "schematic: border exact to Natural Earth 1:10m; western edge by rule",
            "method": (
                f"Chinese land within {np_d:g} km of the Russian border, inside the published "
                "bounding box 42.5183–44.2469°N 129.0833–131.3133°E (S77); width solved for "
                "the formal area"
            ),
            "geometry": cnp,
        },
        {
            "name": hn_name,
            "name_zh": "",
            "designation": "National nature reserve (2005; provincial 2001)",
            "established": "2001-12",
            "area_published_km2": published_km2(inp, lay, hn_name),
            "source_ids": source_ids(inp, lay, hn_name),
            "accuracy": "schematic disc, ±5 km",
            "method": (
                f"Chinese land within {cal.value:g} km of 42.833°N 130.733°E (S82); radius "
                "solved for the area"
            ),
            "geometry": hun,
        },
    ]
    res.layers[lay] = frame(rows)
    res.checks.append(
        (
            "Hunchun reserve inside the China NP (the NP absorbed it)",
            f"{outside_km2(hun, cnp):.1f} km² of the reserve outside the NP",
        )
    )
    return {"china_np": cnp, "hunchun": hun}


def build_corridor_targets(ctx: Context, res: Result, hunchun: shapely.Geometry) -> None:
    inp = ctx.inp
    lay = "corridor_targets"
    ulat, ulon = inp.points["ussuriysky_nr"]
    uss, cal_u = calibrate(
        lambda r: ctx.rus.intersection(disc(ulat, ulon, r)),
        target_km2=published_km2(inp, lay, "Ussuriysky Nature Reserve"),
        low=1.0,
        high=40.0,
        decimals=3,
        name="ussuriysky_radius_km",
        unit="km",
        rule="radius of the Ussuriysky reserve disc, 50 km NE of Vladivostok (S66)",
    )
    llat, llon = inp.points["lazovsky_nr"]
    laz, cal_l = calibrate(
        lambda r: ctx.rus.intersection(disc(llat, llon, r)),
        target_km2=published_km2(inp, lay, "Lazovsky Nature Reserve"),
        low=1.0,
        high=60.0,
        decimals=3,
        name="lazovsky_radius_km",
        unit="km",
        rule="radius of the Lazovsky reserve land disc on its point (S63)",
    )
    start = cal_value(res, "park_north_lat") + inp.p("poltavsky_gap_deg")
    strip = (
        ctx.rus.intersection(ctx.west_of_line)
        .intersection(band(ctx.border_ru_cn, inp.p("park_band_km")))
        .intersection(north_of(start))
    )
    pol, cal_p = calibrate(
        lambda lat: strip.intersection(south_of(lat)),
        target_km2=published_km2(inp, lay, "Poltavsky refuge"),
        low=start + 0.01,
        high=start + 3.0,
        decimals=5,
        name="poltavsky_north_lat",
        unit="deg",
        rule="northern limit of the Poltavsky strip along the border, which starts "
        f"{inp.p('poltavsky_gap_deg'):g}° north of the park (gap: assumption)",
    )
    res.calibrations.extend([cal_u, cal_l, cal_p])
    targets = [
        (
            "Ussuriysky Nature Reserve",
            "Уссурийский заповедник",
            "State nature reserve; under the FGBI Land of the Leopard since 2019",
            uss,
            "placed: no coordinates published; centre 50 km NE of Vladivostok (S66) at "
            f"{ulat:.4f}°N {ulon:.4f}°E, ±15 km",
            f"Russian land within {cal_u.value:g} km of the derived centre; radius solved for "
            "the area",
        ),
        (
            "Lazovsky Nature Reserve",
            "Лазовский заповедник",
            "State nature reserve; leopard reintroduction site",
            laz,
            "schematic disc on the published point, ±10 km",
            f"Russian land within {cal_l.value:g} km of 43.233°N 133.400°E (S63); radius "
            "solved for the area",
        ),
        (
            "Poltavsky refuge",
            "Полтавский заказник",
            "Regional refuge (zakaznik), north of LotL",
            pol,
            "placed: no coordinates published; built to the 1963 area, so larger than the "
            "refuge left after the 1996 reduction",
            f"Russian land within {inp.p('park_band_km'):g} km of the China border, west of the "
            f"Razdolnaya line, from {start:.4f}°N to {cal_p.value:.4f}°N (S22: Ussuriysky + "
            "Oktyabrsky districts, north of LotL, with a gap to the Borisovskoye Plateau)",
        ),
        (
            "Hunchun National Nature Reserve",
            "",
            "National nature reserve (China); the LotL ↔ China link",
            hunchun,
            "as in china_np",
            "same geometry as the china_np feature (S82, S50)",
        ),
    ]
    rows = []
    for name, ru, des, geom, acc, method in targets:
        pub = inp.published[(lay, name)]
        rows.append(
            {
                "name": name,
                "name_ru": ru,
                "designation": des,
                "area_published_km2": float(pub["area_published_km2"]),
                "area_published_year": int(pub["year"]),
                "source_ids": pub["source_ids"],
                "accuracy": acc,
                "method": method,
                "geometry": clean(geom),
            }
        )
    res.layers[lay] = frame(rows)
