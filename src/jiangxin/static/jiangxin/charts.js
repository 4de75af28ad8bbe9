/* Jiangxin charts: draws every element with data-chart="<id of a JSON data block>" with
 * Apache ECharts (vendored, loaded before this file).
 *
 * The data comes from a <script type="application/json"> block (Django's json_script), so no
 * inline script runs. Under the site's CSP (style-src 'self', no 'unsafe-inline'):
 *  - the chart box is sized by the .jx-chart class; ECharts' own sizing of its elements goes
 *    through the CSSOM (element.style.*), which the CSP allows;
 *  - the SVG renderer is used (crisp at any zoom, text selectable);
 *  - the tooltip is drawn inside the chart (renderMode "richText"): ECharts' HTML tooltip
 *    writes style="" attributes into its markup, which the CSP refuses.
 * Each chart has a table version next to it on the page; the chart itself is role="img".
 *
 * Data block: {"kind": "bar" | "hbar" | "pie", "title", "axis", "series", "labels": [],
 * "values": []}.
 */
(function () {
  "use strict";

  var COLORS = ["#9e1b1b", "#c8872b", "#2f6f8f", "#4d7c3a", "#6d4c8d", "#8a6d3b", "#3b6e6e", "#a04e6e"];
  var charts = [];

  function barOption(data, horizontal) {
    var category = { type: "category", data: data.labels, axisLabel: { interval: 0, width: 110, overflow: "truncate" } };
    var value = { type: "value", minInterval: 1 };
    if (horizontal) {
      category.inverse = true;
    } else {
      category.axisLabel.rotate = data.labels.length > 4 ? 30 : 0;
    }
    return {
      color: COLORS,
      animation: false,
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "item", renderMode: "richText" },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{ type: "bar", name: data.series, data: data.values, label: { show: true, position: horizontal ? "right" : "top" } }]
    };
  }

  function pieOption(data) {
    return {
      color: COLORS,
      animation: false,
      tooltip: { trigger: "item", renderMode: "richText", formatter: "{b}: {c} ({d}%)" },
      series: [{
        type: "pie",
        name: data.series,
        radius: ["35%", "65%"],
        label: { formatter: "{b}: {c}" },
        data: data.labels.map(function (label, i) { return { name: label, value: data.values[i] }; })
      }]
    };
  }

  function draw(box) {
    var source = document.getElementById(box.getAttribute("data-chart"));
    if (!source || !window.echarts) {
      return;
    }
    var data = JSON.parse(source.textContent);
    if (!data.labels || !data.labels.length) {
      box.classList.add("d-none");
      return;
    }
    var horizontal = data.kind === "bar" && data.labels.length > 6;
    if (horizontal) {
      // A bar per label: give long lists room (CSSOM, allowed by the CSP).
      box.style.height = Math.max(256, 32 * data.labels.length + 48) + "px";
    }
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.setOption(data.kind === "pie" ? pieOption(data) : barOption(data, horizontal || data.kind === "hbar"));
    charts.push(chart);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), draw);
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        charts.forEach(function (chart) { chart.resize(); });
      }, 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
