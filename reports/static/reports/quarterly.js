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
    var datasets = [{ type: "bar", label: data.title, data: data.values, backgroundColor: "#0d6efd" }];
    if (data.benchmark !== null) {
      datasets.push({
        type: "line", label: "Goal", data: data.labels.map(function () { return data.benchmark; }),
        borderColor: "#dc3545", borderDash: [6, 4], pointRadius: 0, fill: false
      });
    }
    new Chart(canvas, {
      type: "bar",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,  // printed charts must be complete at once
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true, suggestedMax: data.unit === "PERCENT" ? 100 : undefined } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  });
  // Charts redraw at the paper's width before printing.
  window.addEventListener("beforeprint", function () {
    Object.values(Chart.instances || {}).forEach(function (chart) { chart.resize(); });
  });
})();
