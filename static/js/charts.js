/* The project's charts: one set of Chart.js options for every chart (issue 13).
 *
 * A page puts {% chart spec "id" %} (accounts/templatetags/chart_tags.py) where a chart goes: a
 * <canvas data-qa-chart="id-data"> and the specification as JSON (accounts/charts.py). This file
 * draws every such canvas the same way:
 *   - the value axis starts at zero (or its title says where it starts), percentages end at 100;
 *   - the goal is a dashed line, across the chart or one per bar, named in the legend;
 *   - each bar carries its value; a bar with no cases reads "no cases" rather than looking like 0;
 *   - n is shown under (or after) each label; long labels are shortened, the tooltip and the
 *     table under the chart give them whole.
 * QACharts.options(spec) is the options object; QACharts.render(canvas, spec) draws one chart
 * (QACharts.complete(spec) fills in a specification made in the browser).
 */
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }

  var INK = "#212529";
  var MUTED = "#45484c";
  // Series colours, each at least 3:1 against white (WCAG 1.4.11); dashes tell lines apart beyond them.
  var PALETTE = ["#0b3d91", "#b02a37", "#146c43", "#6f42c1", "#a3520c", "#087990", "#495057", "#ab296a"];
  var DASHES = [[], [6, 3], [2, 3], [10, 4, 2, 4]];
  var FONT = { size: 12 };

  function shorten(text, limit) {
    text = String(text);
    return text.length <= limit ? text : text.slice(0, limit - 1).replace(/[\s,;:.]+$/, "") + "\u2026";
  }

  function nText(spec, index) {
    var n = spec.series.length === 1 && spec.series[0].n ? spec.series[0].n[index] : null;
    return n === null || n === undefined ? "" : "n = " + n;
  }

  // The category label: shortened to the room there is, with its n (one series) under or after it;
  // where upright bars are too narrow for it, n is left to the tooltip and the table.
  function categoryLabel(spec, index, width) {
    var limit = spec.horizontal ? (width < 500 ? 24 : 48) : 14;
    var label = shorten(spec.short_labels[index], limit);
    var n = nText(spec, index);
    if (!n) { return label; }
    if (spec.horizontal) { return label + " (" + n + ")"; }
    return width / spec.labels.length >= 28 ? [label, n.replace(/ /g, "")] : label;
  }

  function formatAxis(spec, value) {
    return spec.unit === "%" ? value + "%" : value;
  }

  function barColour(series, seriesIndex, index) {
    return series.colours ? series.colours[index] : PALETTE[seriesIndex % PALETTE.length];
  }

  // Black or white, whichever reads better on `hex` (#rrggbb), by relative luminance.
  function textOn(hex) {
    var channels = [1, 3, 5].map(function (at) {
      var c = parseInt(hex.slice(at, at + 2), 16) / 255;
      return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    var luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
    return (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? "#000" : "#fff";
  }

  function goalAt(spec, index) {
    if (spec.goal === null || spec.goal === undefined) { return null; }
    return Array.isArray(spec.goal) ? spec.goal[index] : spec.goal;
  }

  // The goal: one dashed line across the chart, or a short one over each bar when goals differ
  // (a regional goal); drawn after the bars so that it is never hidden behind them.
  var goalLine = {
    id: "qaGoal",
    afterDatasetsDraw: function (chart) {
      var spec = chart.canvas.qaSpec;
      if (!spec || spec.goal === null || spec.goal === undefined) { return; }
      var area = chart.chartArea;
      var valueScale = spec.horizontal ? chart.scales.x : chart.scales.y;
      var ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = INK;
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      var segments = [];
      if (!Array.isArray(spec.goal)) {
        segments.push([spec.goal, null]);
      } else {
        var meta = chart.getDatasetMeta(0);
        spec.goal.forEach(function (goal, index) {
          if (goal !== null && meta.data[index]) { segments.push([goal, meta.data[index]]); }
        });
      }
      segments.forEach(function (segment) {
        var at = valueScale.getPixelForValue(segment[0]);
        var bar = segment[1];
        ctx.beginPath();
        if (spec.horizontal) {
          var top = bar ? bar.y - bar.height / 2 - 4 : area.top;
          var bottom = bar ? bar.y + bar.height / 2 + 4 : area.bottom;
          ctx.moveTo(at, top); ctx.lineTo(at, bottom);
        } else {
          var left = bar ? bar.x - bar.width / 2 - 4 : area.left;
          var right = bar ? bar.x + bar.width / 2 + 4 : area.right;
          ctx.moveTo(left, at); ctx.lineTo(right, at);
        }
        ctx.stroke();
      });
      ctx.restore();
    }
  };

  // The value at the end of each bar; "no cases" (or the reason) where there is no value.
  var valueLabels = {
    id: "qaValues",
    afterDatasetsDraw: function (chart) {
      var spec = chart.canvas.qaSpec;
      if (!spec || spec.kind !== "bar") { return; }
      var ctx = chart.ctx;
      var valueScale = spec.horizontal ? chart.scales.x : chart.scales.y;
      var base = valueScale.getPixelForValue(Math.max(spec.min || 0, 0));
      ctx.save();
      ctx.font = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
      // A white halo keeps a value readable where the goal line or a grid line runs through it.
      ctx.strokeStyle = "#fff";
      ctx.lineWidth = 3;
      ctx.lineJoin = "round";
      var write = function (text, x, y) { ctx.strokeText(text, x, y); ctx.fillText(text, x, y); };
      spec.series.forEach(function (series, s) {
        var meta = chart.getDatasetMeta(s);
        if (meta.hidden) { return; }
        meta.data.forEach(function (bar, i) {
          var missing = series.values[i] === null;
          var text = series.texts[i];
          ctx.fillStyle = missing ? MUTED : INK;
          ctx.font = (missing ? "italic " : "") + "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
          if (spec.horizontal) {
            ctx.textAlign = "left"; ctx.textBaseline = "middle";
            write(text, (missing ? base : bar.x) + 4, bar.y);
          } else if (missing) {
            // Upright along the empty bar's place, so that it cannot be read as a 0 bar.
            ctx.save();
            ctx.translate(bar.x, base - 4);
            ctx.rotate(-Math.PI / 2);
            ctx.textAlign = "left"; ctx.textBaseline = "middle";
            write(text, 0, 0);
            ctx.restore();
          } else if (bar.width < 14) {
            return; // too narrow to write on (a phone): the value is in the tooltip and the table
          } else if (ctx.measureText(text).width <= bar.width + 6) {
            ctx.textAlign = "center"; ctx.textBaseline = "bottom";
            write(text, bar.x, bar.y - 3);
          } else {
            // Narrow bars: the value upright, inside a tall bar (in a colour readable on it) or above a short one.
            var inside = Math.abs(base - bar.y) >= ctx.measureText(text).width + 8;
            ctx.save();
            ctx.translate(bar.x, inside ? bar.y + 4 : bar.y - 4);
            ctx.rotate(-Math.PI / 2);
            ctx.textAlign = inside ? "right" : "left"; ctx.textBaseline = "middle";
            if (inside) {
              ctx.fillStyle = textOn(barColour(series, s, i));
              ctx.fillText(text, 0, 0);
            } else {
              write(text, 0, 0);
            }
            ctx.restore();
          }
        });
      });
      ctx.restore();
    }
  };

  function options(spec) {
    var valueAxis = {
      beginAtZero: true,
      min: spec.min,
      max: spec.max === null ? undefined : spec.max,
      grace: spec.kind === "bar" && spec.max === null ? "10%" : 0,
      title: { display: Boolean(spec.axis_title), text: spec.axis_title, color: INK, font: FONT },
      ticks: { color: INK, font: FONT, callback: function (value) { return formatAxis(spec, value); } },
      grid: { color: "#dee2e6" }
    };
    var categoryAxis = {
      title: { display: Boolean(spec.label_title), text: spec.label_title, color: INK, font: FONT },
      ticks: {
        color: INK, font: FONT, autoSkip: false, maxRotation: spec.horizontal ? 0 : 90,
        callback: function (value, index) { return categoryLabel(spec, index, this.chart.width); }
      },
      grid: { display: false }
    };
    var withGoal = spec.goal !== null && spec.goal !== undefined;
    var severalSeries = spec.series.length > 1;
    return {
      animation: false, // printed and screenshotted charts must be complete at once
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: spec.horizontal ? "y" : "x",
      layout: { padding: spec.kind === "bar" ? (spec.horizontal ? { right: 72 } : { top: 18 }) : 4 },
      scales: spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        legend: {
          display: severalSeries || withGoal,
          position: "bottom",
          labels: {
            color: INK, font: FONT, usePointStyle: true,
            generateLabels: function (chart) {
              var items = severalSeries ? Chart.defaults.plugins.legend.labels.generateLabels(chart) : [];
              if (withGoal) {
                items.push({
                  text: spec.goal_label + (spec.goal_text ? " " + spec.goal_text : ""),
                  strokeStyle: INK, fillStyle: "rgba(0,0,0,0)", lineWidth: 2, lineDash: [6, 4], pointStyle: "line",
                  hidden: false, datasetIndex: -1, fontColor: INK
                });
              }
              return items;
            }
          },
          onClick: function (event, item, legend) {
            if (item.datasetIndex >= 0) { Chart.defaults.plugins.legend.onClick.call(this, event, item, legend); }
          }
        },
        tooltip: {
          callbacks: {
            title: function (items) { return items.length ? spec.labels[items[0].dataIndex] : ""; },
            label: function (item) {
              var series = spec.series[item.datasetIndex];
              var n = series.n ? series.n[item.dataIndex] : null;
              var text = series.label + ": " + series.texts[item.dataIndex];
              return n !== null && n !== undefined ? text + " (n = " + n + ")" : text;
            },
            footer: function (items) {
              var goal = items.length ? goalAt(spec, items[0].dataIndex) : null;
              return goal === null ? "" : spec.goal_label + ": " + formatAxis(spec, goal);
            }
          }
        }
      }
    };
  }

  function datasets(spec) {
    return spec.series.map(function (series, index) {
      var colour = PALETTE[index % PALETTE.length];
      if (spec.kind === "line") {
        return {
          label: series.label, data: series.values, borderColor: series.emphasis ? INK : colour,
          backgroundColor: series.emphasis ? INK : colour, borderWidth: series.emphasis ? 3 : 2,
          borderDash: series.emphasis ? [] : DASHES[Math.floor(index / PALETTE.length) % DASHES.length],
          pointRadius: 3, spanGaps: true
        };
      }
      return {
        label: series.label, data: series.values, backgroundColor: series.colours || colour,
        borderColor: INK, borderWidth: series.colours ? 1 : 0, maxBarThickness: 48
      };
    });
  }

  function config(spec) {
    return {
      type: spec.kind,
      data: { labels: spec.labels, datasets: datasets(spec) },
      options: options(spec),
      plugins: [goalLine, valueLabels]
    };
  }

  function format(value, decimals, unit) {
    if (value === null || value === undefined) { return ""; }
    var text = Number(value).toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    return unit === "%" ? text + "%" : text;
  }

  // A specification made in the browser (reports/static/reports/quarterly.js) gets what
  // accounts/charts.py would have filled in: value texts, short labels, the axis and goal defaults.
  function complete(spec) {
    var decimals = spec.decimals === undefined ? 1 : spec.decimals;
    var empty = spec.empty || "no cases";
    spec.kind = spec.kind || "bar";
    spec.horizontal = Boolean(spec.horizontal);
    spec.short_labels = spec.short_labels || spec.labels.slice();
    spec.min = spec.min || 0;
    spec.max = spec.max === undefined ? (spec.unit === "%" ? 100 : null) : spec.max;
    spec.axis_title = spec.axis_title || spec.unit || "";
    spec.label_title = spec.label_title || "";
    spec.goal = spec.goal === undefined ? null : spec.goal;
    spec.goal_label = spec.goal_label || "Goal";
    spec.goal_text = spec.goal_text || (typeof spec.goal === "number" ? format(spec.goal, decimals, spec.unit) : "");
    spec.series.forEach(function (series) {
      series.n = series.n || null;
      series.colours = series.colours || null;
      series.texts = series.texts || series.values.map(function (value) {
        return value === null ? empty : format(value, decimals, spec.unit);
      });
    });
    return spec;
  }

  function render(canvas, spec) {
    canvas.qaSpec = spec; // read by the goal and value plugins
    return new Chart(canvas, config(spec));
  }

  // <canvas data-qa-chart="id-of-its-json">, as {% chart %} writes it.
  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.qaChart);
    return source ? render(canvas, JSON.parse(source.textContent)) : null;
  }

  window.QACharts = { options: options, config: config, draw: draw, render: render, complete: complete, shorten: shorten };
  document.querySelectorAll("canvas[data-qa-chart]").forEach(draw);
  // Charts redraw at the paper's width before printing.
  window.addEventListener("beforeprint", function () {
    Object.values(Chart.instances || {}).forEach(function (chart) { chart.resize(); });
  });
})();
