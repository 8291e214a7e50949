// Review summary charts: items, outcomes and parents (percent strength / achieved).
(function () {
  const data = JSON.parse(document.getElementById("summary-chart").textContent);
  const bar = (id, series, horizontal) => new Chart(document.getElementById(id), {
    type: "bar",
    data: { labels: series.labels, datasets: [{ label: "%", data: series.values, backgroundColor: "#0d6efd" }] },
    options: { indexAxis: horizontal ? "y" : "x", animation: false, plugins: { legend: { display: false } },
      scales: { [horizontal ? "x" : "y"]: { min: 0, max: 100, title: { display: true, text: "%" } } } },
  });
  bar("chart-items", data.items, false);
  bar("chart-outcomes", data.outcomes, false);
  bar("chart-parents", data.parents, true);
})();
