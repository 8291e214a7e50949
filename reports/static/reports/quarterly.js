/* Quarterly report: one bar chart per measure (headline metric by month, goal as a line).
   The print button is wired by static/js/app.js (data-print). */
(function () {
  "use strict";
  var source = document.getElementById("report-charts");
  if (!source || typeof Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var data = charts[canvas.dataset.chart];
    if (!data) { return; }
    // The project's chart options (static/js/charts.js): goal line, axis from zero, values on the bars.
    QACharts.render(canvas, QACharts.complete({
      title: data.title, labels: data.labels, unit: data.unit === "PERCENT" ? "%" : "",
      series: [{ label: data.title, values: data.values }],
      goal: data.benchmark, goal_label: "Goal", empty: "no data"
    }));
  });
})();
