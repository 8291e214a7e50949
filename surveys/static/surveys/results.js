// Survey results charts: % favourable per question and the trend over waves.
(function () {
  function data(id) { var el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
  var fav = data("favourable-data");
  if (fav && window.Chart) {
    new Chart(document.getElementById("favourable-chart"), {
      type: "bar",
      data: { labels: fav.map(function (d) { return d.label + " (n=" + d.n + ")"; }),
              datasets: [{ label: "% favourable", data: fav.map(function (d) { return d.value; }), backgroundColor: "#0d6efd" }] },
      options: { indexAxis: "y", maintainAspectRatio: false, scales: { x: { min: 0, max: 100 } } }
    });
  }
  var trend = data("trend-data");
  if (trend && window.Chart) {
    new Chart(document.getElementById("trend-chart"), {
      type: "line",
      data: { labels: trend.map(function (d) { return d.label; }),
              datasets: [{ label: "% favourable", data: trend.map(function (d) { return d.value; }), borderColor: "#198754" }] },
      options: { maintainAspectRatio: false, scales: { y: { min: 0, max: 100 } } }
    });
  }
})();
