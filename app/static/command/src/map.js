// The command centre's map of Shandong (/command/map): every county of our divisions, coloured by
// the state the page's data gives it, with the cities' borders drawn over the counties.
//
// The boundaries (app/static/build/shandong_counties.json, made by scripts/shandong_map.mjs) name
// each county by its adcode, the key of the page's data too: names repeat across cities (市中区).
// Hover shows the county, its application and phase; a click opens the application when the data
// gives its address (the user may see it). `window.echarts` is this bundle's ECharts, for the tests.
import * as echarts from 'echarts/core';
import { LinesChart, MapChart } from 'echarts/charts';
import { GeoComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([ MapChart, LinesChart, GeoComponent, TooltipComponent, VisualMapComponent, CanvasRenderer ]);
window.echarts = echarts;

const MAP_NAME = 'shandong';

const escapeHtml = (text) => String(text ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function tooltip(labels) {
  return (params) => {
    const county = params.data;
    if (!county) return '';
    const lines = [ `<strong>${escapeHtml(county.countyName)}</strong>`, escapeHtml(county.label) ];
    if (county.application) lines.push(escapeHtml(labels.application + county.application));
    if (county.phase) lines.push(escapeHtml(labels.phase + county.phase));
    if (county.url) lines.push(`<em>${escapeHtml(labels.open)}</em>`);
    return lines.join('<br>');
  };
}

function options(data, borders) {
  const states = [ ...new Map(data.counties.map((county) => [ county.state, county.colour ])).entries() ];
  const index = new Map(states.map(([ state ], i) => [ state, i ]));
  return {
    tooltip: { trigger: 'item', formatter: tooltip(data.labels), confine: true, className: 'county-map-tooltip' },
    visualMap: {
      type: 'piecewise',
      show: false,
      dimension: 0,
      seriesIndex: 0,
      pieces: states.map(([ state, colour ], i) => ({ value: i, color: colour, label: state }))
    },
    geo: {
      map: MAP_NAME,
      nameProperty: 'adcode',
      roam: true,
      // The whole province inside the box, however narrow (a phone) or wide, centred.
      top: 16,
      bottom: 16,
      left: 16,
      right: 16,
      preserveAspect: 'contain',
      scaleLimit: { min: 0.8, max: 12 },
      itemStyle: { borderColor: '#a7b4bd', borderWidth: 0.5, areaColor: '#eeeeee' },
      emphasis: { label: { show: false }, itemStyle: { areaColor: null, borderColor: '#111111', borderWidth: 1.6 } },
      select: { disabled: true }
    },
    series: [
      {
        type: 'map',
        geoIndex: 0,
        map: MAP_NAME,
        nameProperty: 'adcode', // the series fills in the regions it has no data for, by this name too
        data: data.counties.map((county) => ({
          name: county.adcode,
          value: index.get(county.state),
          countyName: county.name,
          state: county.state,
          label: county.label,
          application: county.application,
          phase: county.phase,
          url: county.url
        }))
      },
      {
        type: 'lines',
        coordinateSystem: 'geo',
        geoIndex: 0,
        polyline: true,
        silent: true,
        lineStyle: { color: '#37474f', width: 1.3, opacity: 0.9 },
        data: borders.map((coords) => ({ coords }))
      }
    ]
  };
}

async function drawMap(container) {
  const data = JSON.parse(document.getElementById('county-map-data').textContent);
  const response = await fetch(container.dataset.geojson, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`the county boundaries did not load (${response.status})`);
  const geojson = await response.json();
  echarts.registerMap(MAP_NAME, geojson);
  const chart = echarts.init(container, null, { renderer: 'canvas' });
  chart.setOption(options(data, geojson.city_borders || []));
  chart.on('click', (params) => {
    if (params.seriesType === 'map' && params.data && params.data.url) window.location.assign(params.data.url);
  });
  window.addEventListener('resize', () => chart.resize());
  container.dataset.ready = 'true';
}

const container = document.querySelector('[data-testid="county-map"]');
if (container) {
  drawMap(container).catch((error) => {
    container.dataset.failed = error.message;
    container.hidden = true;
    document.querySelector('[data-map-failed]').hidden = false;
  });
}
