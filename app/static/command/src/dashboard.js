// The dashboard's charts (templates/command/dashboard.html): drawn with ECharts from the JSON the page
// carries (#dashboard-charts; the CSP allows no inline script), one per [data-chart] element. Every bar
// and slice that stands for applications opens the application list filtered to them.
import * as echarts from 'echarts/core';
import { BarChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([ BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer ]);

const PALETTE = [ '#1d4ed8', '#9b1c1c', '#166534', '#b45309', '#6d28d9', '#0e7490', '#be185d', '#4d7c0f', '#475569' ];
const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", system-ui, sans-serif';

// On a narrow chart (a phone) the names under vertical bars slant, so that they do not run together.
const SLANTED = [ { query: { maxWidth: 480 }, option: { xAxis: { axisLabel: { rotate: 40 } } } } ];

function cut(text, size) {
  return text.length > size ? text.slice(0, size - 1) + '…' : text;
}

function barOption(chart) {
  // Long names (themes) read better as horizontal bars, the largest on top.
  const horizontal = chart.items.length > 6 || chart.items.some((item) => item.name.length > 8);
  const items = horizontal ? chart.items.slice().reverse() : chart.items;
  const names = { type: 'category', data: items.map((item) => item.name),
    axisLabel: { formatter: (name) => cut(name, horizontal ? 18 : 10), interval: 0 } };
  const values = { type: 'value', minInterval: 1 };
  return {
    media: horizontal ? null : SLANTED,
    grid: { left: horizontal ? 8 : 24, right: 24, top: 12, bottom: 8, containLabel: true },
    tooltip: { trigger: 'item' },
    xAxis: horizontal ? values : names,
    yAxis: horizontal ? names : values,
    series: [ { type: 'bar', barMaxWidth: 28, label: { show: true, position: horizontal ? 'right' : 'top' },
      data: items.map((item, i) => ({ value: item.value, href: item.href,
        itemStyle: { color: PALETTE[chart.key === 'theme' ? 0 : i % PALETTE.length] } })) } ]
  };
}

function pieOption(chart) {
  return {
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { orient: 'vertical', right: 8, top: 'middle', type: 'scroll' },
    series: [ { type: 'pie', radius: [ '45%', '72%' ], center: [ '35%', '50%' ], label: { formatter: '{c}' },
      data: chart.items.map((item, i) => ({ name: item.name, value: item.value, href: item.href,
        itemStyle: { color: PALETTE[i % PALETTE.length] } })) } ]
  };
}

function groupedOption(chart) {
  return {
    media: SLANTED,
    grid: { left: 8, right: 24, top: 56, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    xAxis: { type: 'category', data: chart.categories, axisLabel: { interval: 0 } },
    yAxis: { type: 'value', name: '' },
    series: chart.series.map((series, s) => ({ name: series.name, type: 'bar', barMaxWidth: 22,
      itemStyle: { color: PALETTE[s % PALETTE.length] },
      data: series.values.map((value) => ({ value, href: series.href })) }))
  };
}

const OPTIONS = { bar: barOption, pie: pieOption, grouped: groupedOption };

function draw(element, chart) {
  const view = echarts.init(element, null, { renderer: 'canvas' });
  const { media, ...option } = OPTIONS[chart.kind](chart);
  const base = { color: PALETTE, textStyle: { fontFamily: FONT }, animation: false, ...option };
  view.setOption(media ? { baseOption: base, media } : base);
  view.on('click', (params) => {
    const href = params.data && params.data.href;
    if (href) window.location.assign(href);
  });
  view.getZr().on('mousemove', (event) => {
    view.getZr().setCursorStyle(event.target ? 'pointer' : 'default');
  });
  return view;
}

const source = document.getElementById('dashboard-charts');
if (source) {
  const charts = new Map(JSON.parse(source.textContent).map((chart) => [ chart.key, chart ]));
  const views = [];
  document.querySelectorAll('[data-chart]').forEach((element) => {
    const chart = charts.get(element.dataset.chart);
    if (!chart) return;
    // A long ranking (themes, experts) gets the height its bars need.
    if (chart.items && chart.items.length > 8) element.style.height = (chart.items.length * 24 + 40) + 'px';
    views.push(draw(element, chart));
  });
  window.addEventListener('resize', () => views.forEach((view) => view.resize()));
}
