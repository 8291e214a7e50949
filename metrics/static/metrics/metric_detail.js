// Charts of the metric page: value by agency with the benchmark line, and the monthly trend.
(function () {
  const holder = document.getElementById("chart-data");
  if (!holder || typeof Chart === "undefined") return;
  const data = JSON.parse(holder.textContent);
  const byAgency = document.getElementById("by-agency");
  if (byAgency) {
    const datasets = [{ type: "bar", label: data.unit, data: data.values, backgroundColor: data.colours }];
    // each agency's own benchmark (a regional goal may differ between agencies), else the statewide one
    const own = (data.benchmarks || []).some((b) => b !== null);
    if (own || data.benchmark !== null) {
      datasets.push({
        type: "line", label: "Benchmark", data: own ? data.benchmarks : data.labels.map(() => data.benchmark),
        borderColor: "#212529", borderDash: [6, 4], pointRadius: 0, fill: false, stepped: "middle",
      });
    }
    new Chart(byAgency, { data: { labels: data.labels, datasets: datasets }, options: { animation: false } });
  }
  const trend = document.getElementById("trend");
  if (trend) {
    const series = Object.entries(data.trend).map(([key, values]) => ({
      label: key, data: values, borderWidth: key === "MO" ? 3 : 1, spanGaps: true,
    }));
    new Chart(trend, { type: "line", data: { labels: data.months, datasets: series }, options: { animation: false } });
  }
})();
