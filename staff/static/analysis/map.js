// The staff map: country and region outlines shipped with the desk, an optional tile layer,
// and the reader's reports clustered, coloured by category, sized by people affected, drawn
// as precisely as they were placed. A slider shows the reports received up to a day.
(function () {
  "use strict";
  var COLOURS = {
    killing: "#b10026", physical_assault: "#e31a1c", sexual_violence: "#6a3d9a",
    arbitrary_detention: "#1f78b4", abduction_disappearance: "#0b3d91",
    attack_on_civilian_area: "#ff7f00", property_destruction_looting: "#b15928",
    extortion_corruption: "#33a02c", forced_displacement: "#fb9a99",
    restriction_of_freedoms: "#a6cee3", threat_intimidation: "#fdbf6f",
    child_recruitment: "#cab2d6", other: "#777777"
  };
  var DAY_MS = 86400000;

  function words() {
    var node = document.getElementById("map-words");
    return node ? JSON.parse(node.textContent) : {};
  }

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, key) { return String(values[key]); });
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return response.json();
    });
  }

  function radius(people, precision) {
    var base = 5 + 2.2 * Math.sqrt(people || 0);
    return precision === "admin" ? Math.max(16, base * 1.8) : base;
  }

  function pointLayer(point, text, caseUrl) {
    // point: [lat, lon, category, people, precision, reference, day, severity]
    var precision = point[4], colour = COLOURS[point[2]] || COLOURS.other;
    var style = {
      radius: radius(point[3], precision), color: colour, fillColor: colour, weight: 2,
      fillOpacity: precision === "exact" ? 0.85 : precision === "place" ? 0.45 : 0.12,
      dashArray: precision === "exact" ? null : precision === "place" ? "3 3" : "6 4",
      className: "point-" + precision
    };
    var layer = L.circleMarker([point[0], point[1]], style);
    layer.bindPopup(function () { return popup(point, text, caseUrl); });
    return layer;
  }

  function popup(point, text, caseUrl) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = caseUrl + encodeURIComponent(point[5]);
    link.textContent = point[5] + " · " + (text.open || "");
    var lines = [
      (text.categories || {})[point[2]] || point[2],
      new Date(point[6] * DAY_MS).toISOString().slice(0, 10),
      text[point[4]] || point[4],
      (text.people || "") + ": " + point[3]
    ];
    box.appendChild(link);
    lines.forEach(function (line) {
      var p = document.createElement("div");
      p.textContent = line;
      box.appendChild(p);
    });
    return box;
  }

  function outline(map, topology, name, style) {
    var shapes = topojson.feature(topology, topology.objects[name]);
    return L.geoJSON(shapes, { style: style, interactive: false }).addTo(map);
  }

  function start() {
    var node = document.getElementById("map");
    if (!node || !window.L) { return; }
    var text = words();
    var map = L.map(node, { preferCanvas: true, worldCopyJump: true, minZoom: 2, maxZoom: 18 }).setView([14, -2], 5);
    if (node.dataset.tiles) {
      L.tileLayer(node.dataset.tiles, { maxZoom: 18 }).addTo(map);
    }
    getJSON(node.dataset.countries).then(function (topology) {
      outline(map, topology, "countries", { color: "#7a8793", weight: 1, fillColor: "#eef1f4", fillOpacity: 0.6 });
    }).catch(function () { node.dataset.outlines = "failed"; });
    var clusters = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
    map.addLayer(clusters);
    getJSON(node.dataset.api).then(function (data) {
      showRegions(map, node, data.countries || []);
      showPoints(map, node, clusters, data, text);
    }).catch(function () { node.dataset.loaded = "failed"; });
  }

  function showRegions(map, node, countries) {
    countries.forEach(function (code) {
      getJSON(node.dataset.regions + code + ".json").then(function (topology) {
        outline(map, topology, "regions", { color: "#a3adb8", weight: 0.6, dashArray: "2 3", fill: false });
      }).catch(function () { return null; });
    });
  }

  function showPoints(map, node, clusters, data, text) {
    var points = data.points, slider = document.getElementById("map-until");
    var days = points.map(function (p) { return p[6]; });
    var first = Math.min.apply(null, days.length ? days : [0]);
    var last = Math.max.apply(null, days.length ? days : [0]);
    var layers = points.map(function (p) { return pointLayer(p, text, node.dataset.case); });
    function draw() {
      var until = Number(slider.value);
      clusters.clearLayers();
      var shown = layers.filter(function (_, i) { return points[i][6] <= until; });
      clusters.addLayers(shown);
      document.getElementById("map-day").textContent = new Date(until * DAY_MS).toISOString().slice(0, 10);
      document.getElementById("map-count").textContent = fill(text.shown || "{shown}/{total}", { shown: shown.length, total: points.length });
      node.dataset.shown = String(shown.length);
    }
    slider.min = String(first);
    slider.max = String(last);
    slider.value = String(last);
    slider.addEventListener("input", draw);
    if (layers.length) {  // zoom first: clusters are then built once, at the final zoom
      map.fitBounds(L.featureGroup(layers).getBounds(), { maxZoom: 9, padding: [20, 20], animate: false });
    }
    draw();
    var unplaced = Object.keys(data.unplaced || {}).reduce(function (n, k) { return n + data.unplaced[k]; }, 0);
    if (unplaced) {
      document.getElementById("map-unplaced").textContent = fill(text.unplaced || "{count}", { count: unplaced });
    }
    node.dataset.loaded = String(points.length);
  }

  document.addEventListener("DOMContentLoaded", start);
})();
