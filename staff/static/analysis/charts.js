// Draws each chart of the page from the numbers the page carries (the same as its tables).
(function () {
  "use strict";
  var PALETTE = ["#1f78b4", "#e31a1c", "#33a02c", "#ff7f00", "#6a3d9a", "#b15928",
    "#a6cee3", "#fb9a99", "#b2df8a", "#fdbf6f", "#cab2d6", "#777777", "#0b3d91"];

  function datasets(chart, names) {
    return Object.keys(chart.series).map(function (key, i) {
      return {
        label: chart.kind === "stacked" ? (names[key] || key) : key,
        data: chart.series[key],
        backgroundColor: PALETTE[i % PALETTE.length]
      };
    });
  }

  function surgeLine(chart, surgeWord) {
    // Surges as a line of their own over the bars: the count where the detector fired.
    if (!chart.markers || !chart.markers.length) { return null; }
    var values = chart.labels.map(function () { return null; });
    chart.markers.forEach(function (m) {
      var i = chart.labels.indexOf(m.label);
      if (i >= 0) { values[i] = (values[i] || 0) + m.reports; }
    });
    return { type: "line", label: surgeWord, data: values, borderColor: "#a61b1b",
      backgroundColor: "#a61b1b", showLine: false, pointStyle: "triangle", pointRadius: 8 };
  }

  function draw(canvas, chart, names, surgeWord, rtl) {
    var sets = datasets(chart, names);
    var surges = surgeLine(chart, surgeWord);
    if (surges) { sets.push(surges); }
    var labels = chart.kind === "bar" ? chart.labels.map(function (k) { return names[k] || k; }) : chart.labels;
    var stacked = chart.kind === "stacked";
    return new Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: sets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        scales: { x: { stacked: stacked, reverse: rtl }, y: { stacked: stacked, beginAtZero: true } },
        plugins: { legend: { rtl: rtl, position: "bottom" }, tooltip: { rtl: rtl } }
      }
    });
  }

  function start() {
    var node = document.getElementById("chart-data");
    if (!node || !window.Chart) { return; }
    var data = JSON.parse(node.textContent);
    var rtl = document.documentElement.dir === "rtl";
    var byId = {};
    data.charts.forEach(function (chart) { byId[chart.id] = chart; });
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var chart = byId[canvas.dataset.chart];
      if (chart) {
        draw(canvas, chart, data.names[chart.id] || {}, data.surge, rtl);
        canvas.dataset.drawn = "true";
      }
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
