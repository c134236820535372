"""Protected areas: Land of the Leopard, its units, the complex, the China NP, corridor targets.

The 2012 park is its real outline (OpenStreetMap, geodata/sources/); its area is measured, not
fitted. Everything else is placed by a rule: where a published area exists and the facts leave
one dimension open, that one parameter is solved so the built area matches the published figure
(:func:`_geometry.calibrate`); every such parameter is listed in SOURCES.md.
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
    QUAD_SEGS,
    area_km2,
    calibrate,
    clean,
    disc,
    lonlat_box,
    outside_km2,
    point_laea,
    to_laea,
    to_lonlat,
)

# --------------------------------------------------------------------------------------------
# Land of the Leopard and its units
# --------------------------------------------------------------------------------------------


def build_park(ctx: Context, res: Result) -> dict[str, Any]:
    """The 2012 park (the OpenStreetMap outline on Russian land) and the 2019 Gamov cluster."""
    inp = ctx.inp
    name = "Land of the Leopard"
    park = clean(ctx.rus.intersection(inp.park_outline))
    dropped_km2 = area_km2(shapely.difference(inp.park_outline, ctx.rus))
    relation = int(inp.park_osm["osm_relation"])
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
            "osm_relation": relation,
            "accuracy": "real outline: OpenStreetMap, simplified to <= 1,200 vertices (tens to "
            "a few hundred m); the official boundary is not available",
            "method": (
                f"OSM relation {relation} (sources/land_of_the_leopard_np.osm.geojson) clipped "
                f"to OSM Russian land ({dropped_km2:.1f} km² dropped); area not fitted"
            ),
            "geometry": park,
        },
        {
            "name": gamov_name,
            **common,
            "established": "2019-12-03",
            "area_published_km2": published_km2(inp, "park", gamov_name),
            "source_ids": source_ids(inp, "park", gamov_name),
            "osm_relation": None,
            "accuracy": "schematic: a disc on the published point, ±3 km",
            "method": (
                f"Russian land within {cal.value:g} km of 42.566°N 131.200°E (S98), "
                "radius solved for the published area, minus the 2012 park"
            ),
            "geometry": gamov,
        },
    ]
    frame_ = frame(rows)
    frame_["osm_relation"] = frame_["osm_relation"].astype("Int64")
    res.layers["park"] = frame_
    res.checks.append(
        (
            "LotL 2012: the OSM outline on OSM Russian land",
            f"{area_km2(inp.park_outline):,.1f} km² outline, {dropped_km2:.1f} km² of it outside "
            f"Russia (simplification along the border), {area_km2(park):,.1f} km² kept",
        )
    )
    return {"park": park, "gamov": gamov}


def build_kedrovaya_pad(ctx: Context, res: Result, park: shapely.Geometry) -> shapely.MultiPolygon:
    """Kedrovaya Pad: the notch of the park's outline that holds the reserve's label point.

    The notch is closed by rolling a disc along the outside of the park (a morphological
    closing): the pocket between the park and the disc's arc, on land, is the reserve. The
    disc's radius is solved for the published area (a larger disc closes the notch with a
    flatter arc).
    """
    inp = ctx.inp
    lat, lon = inp.points["kedrovaya_pad"]
    seed = point_laea(lat, lon)
    park_laea = to_laea(park)
    if park_laea.buffer(1.0).contains(seed):
        raise ValueError("the Kedrovaya Pad label point lies inside the park: no notch to fill")
    land = ctx.rus.difference(park)

    def notch(radius_km: float) -> shapely.Geometry:
        r = radius_km * 1_000.0
        closed = park_laea.buffer(r, quad_segs=QUAD_SEGS).buffer(-r, quad_segs=QUAD_SEGS)
        parts = shapely.get_parts(closed.difference(park_laea))
        pocket = [p for p in parts if p.distance(seed) < 1.0]
        if not pocket:
            return shapely.MultiPolygon()
        # 5 m into the park, so the reserve's western edges are exactly the park's after the
        # difference below (no sliver between them).
        return land.intersection(to_lonlat(pocket[0].buffer(5.0)))

    geom, cal = calibrate(
        notch,
        target_km2=published_km2(inp, "park_units", "Kedrovaya Pad"),
        low=5.0,
        high=500.0,
        decimals=1,
        name="kp_closing_radius_km",
        unit="km",
        rule="radius of the disc rolled along the outside of the park that closes its eastern "
        "notch; the pocket around the Kedrovaya Pad label point (S16) is the reserve",
    )
    res.calibrations.append(cal)
    return geom


def build_park_units(
    ctx: Context, res: Result, park: shapely.Geometry, kp: shapely.Geometry
) -> dict[str, Any]:
    inp = ctx.inp
    lay = "park_units"
    bori, cal = calibrate(
        lambda lat: park.intersection(north_of(lat)),
        target_km2=published_km2(inp, lay, "Borisovskoye Plateau"),
        low=42.3,
        high=park.bounds[3],
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
        lambda w: south.intersection(ctx.band_ru_cnkp(w)),
        target_km2=published_km2(inp, lay, "Barsovy"),
        low=0.5,
        high=60.0,
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
    kp_r = cal_value(res, "kp_closing_radius_km")
    units = [
        (
            "Kedrovaya Pad",
            "Кедровая Падь",
            "State nature reserve (zapovednik); UNESCO biosphere reserve 2004",
            "1916/1925",
            "",
            kp,
            "placed in the notch of the real park outline; its own boundary is not available",
            f"the eastern notch of LotL 2012 around {kp_lat}°N {kp_lon}°E (S16, S3), closed by a "
            f"disc of {kp_r:g} km rolled along the park (radius solved for the area); on land",
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


def build_protected_complex(
    ctx: Context, res: Result, park: shapely.Geometry, kp: shapely.Geometry
) -> shapely.MultiPolygon:
    """The protected complex of one directorate: the 2012 NP and Kedrovaya Pad (S8)."""
    inp = ctx.inp
    lay, name = "protected_complex", "Land of the Leopard + Kedrovaya Pad"
    geom = clean(shapely.union(park, kp))
    row = {
        "name": name,
        "name_ru": "Земля леопарда + Кедровая Падь",
        "designation": "National park + state nature reserve under one directorate (FGBI "
        "Land of the Leopard)",
        "established": "2012-05-21",
        "components": "Land of the Leopard (2012 boundary); Kedrovaya Pad",
        "area_published_km2": published_km2(inp, lay, name),
        "source_ids": source_ids(inp, lay, name),
        "accuracy": "as its components: the park is the OSM outline, Kedrovaya Pad is placed",
        "method": "union of the park layer's 2012 feature and the Kedrovaya Pad unit; the "
        "2019 Gamov cluster is not in the published 279,913.652 ha (S4)",
        "geometry": geom,
    }
    res.layers[lay] = frame([row])
    return geom


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
        lambda d: in_box.intersection(ctx.band_ru_cn(d)),
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


def build_corridor_targets(
    ctx: Context, res: Result, park: shapely.Geometry, hunchun: shapely.Geometry
) -> None:
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
    start = round(park.bounds[3] + inp.p("poltavsky_gap_deg"), 5)
    width = inp.p("poltavsky_band_km")
    strip = (
        ctx.rus.intersection(ctx.west_of_line)
        .intersection(ctx.band_ru_cn(width))
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
            f"Russian land within {width:g} km of the China border, west of the "
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
