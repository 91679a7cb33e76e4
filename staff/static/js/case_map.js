// The case page's map: the report's place over the country and region outlines shipped with
// the desk (no tile server: nothing leaves for a third party), drawn as precisely as it was
// placed, as on the staff map: a pin the reporter shared is a solid point, a town named in
// the report a dashed circle around the town, a region known only by name a faint area
// around the region's centre.
(function () {
  "use strict";
  // metres drawn around a point that is only a town, or only a region's centre
  var SPREAD = { place: 5000, admin: 60000 };
  var ZOOM = { exact: 11, place: 10, admin: 7 };

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return response.json();
    });
  }

  function outline(map, topology, name, style) {
    if (!window.topojson || !topology.objects[name]) { return; }
    var shapes = topojson.feature(topology, topology.objects[name]);
    L.geoJSON(shapes, { style: style, interactive: false }).addTo(map);
  }

  function mark(map, where, precision) {
    if (precision === "exact") {
      return L.circleMarker(where, {
        radius: 7, color: "#b10026", fillColor: "#b10026", fillOpacity: 0.9, weight: 2,
        className: "point-exact"
      }).addTo(map);
    }
    var broad = precision === "admin";
    return L.circle(where, {
      radius: broad ? SPREAD.admin : SPREAD.place, color: "#b10026", fillColor: "#b10026",
      fillOpacity: broad ? 0.12 : 0.35, weight: 2, dashArray: broad ? "6 4" : "3 3",
      className: "point-" + (broad ? "admin" : "place")
    }).addTo(map);
  }

  function start() {
    var node = document.getElementById("case-map");
    if (!node || !window.L) { return; }
    var where = [Number(node.dataset.lat), Number(node.dataset.lon)];
    var precision = ZOOM[node.dataset.precision] ? node.dataset.precision : "admin";
    var map = L.map(node, { preferCanvas: false, minZoom: 2, maxZoom: 14, scrollWheelZoom: false })
      .setView(where, ZOOM[precision]);
    var layer = mark(map, where, precision);
    if (precision !== "exact") {
      map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: ZOOM[precision], animate: false });
    }
    node.dataset.precision = precision;
    getJSON(node.dataset.countries).then(function (topology) {
      outline(map, topology, "countries", { color: "#7a8793", weight: 1, fillColor: "#eef1f4", fillOpacity: 0.6 });
      layer.bringToFront();
      node.dataset.outlines = "drawn";
    }).catch(function () { node.dataset.outlines = "failed"; });
    if (node.dataset.country) {
      getJSON(node.dataset.regions + node.dataset.country + ".json").then(function (topology) {
        outline(map, topology, "regions", { color: "#a3adb8", weight: 0.6, dashArray: "2 3", fill: false });
      }).catch(function () { return null; });
    }
    node.dataset.drawn = "true";
  }

  document.addEventListener("DOMContentLoaded", start);
})();
