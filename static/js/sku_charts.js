// Draws the charts of a SKU's page (survival curve, lifetimes, uses at disposal)
// from the figures embedded in the page; the same numbers are in tables beside them.
(function () {
  const source = document.getElementById("sku-chart-data");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const green = "#2e8b6f";
  const common = { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } } };

  const survival = document.getElementById("survival-chart");
  if (survival) {
    new Chart(survival, {
      type: "line",
      data: {
        datasets: [{
          label: "Still in the fleet",
          data: data.survival,
          stepped: "before",
          borderColor: "#17352d",
          backgroundColor: "rgba(46, 139, 111, 0.15)",
          fill: true,
          pointRadius: 0,
        }],
      },
      options: {
        ...common,
        scales: {
          x: { type: "linear", beginAtZero: true, title: { display: true, text: "Days owned" } },
          y: {
            min: 0, max: 1,
            title: { display: true, text: "Still in the fleet" },
            ticks: { callback: (value) => Math.round(value * 100) + " %" },
          },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => "Day " + items[0].parsed.x,
              label: (item) => (item.parsed.y * 100).toFixed(1) + " % still in the fleet",
            },
          },
        },
      },
    });
  }

  function bars(canvas, series, xTitle) {
    if (!canvas) return;
    new Chart(canvas, {
      type: "bar",
      data: { labels: series.labels, datasets: [{ label: "Articles", data: series.counts, backgroundColor: green }] },
      options: {
        ...common,
        scales: {
          x: { title: { display: true, text: xTitle } },
          y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Articles" } },
        },
      },
    });
  }
  bars(document.getElementById("lifetimes-chart"), data.lifetimes, "Lifetime (days)");
  bars(document.getElementById("uses-chart"), data.uses, "Uses at disposal");
})();
