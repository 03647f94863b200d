// Draws the monthly chart of the start page from the figures embedded in the page.
// Money (revenue, expenses, net) is in the data only for those who may see it.
(function () {
  const source = document.getElementById("monthly-data");
  const canvas = document.getElementById("monthly-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const styles = {
    revenue: { type: "bar", backgroundColor: "#2e8b6f", yAxisID: "money" },
    expenses: { type: "bar", backgroundColor: "#d98c5f", yAxisID: "money" },
    net: { type: "line", borderColor: "#17352d", backgroundColor: "#17352d", yAxisID: "money", tension: 0.2 },
    usage_days: { type: "line", borderColor: "#5b7bd5", backgroundColor: "#5b7bd5", borderDash: [4, 3], yAxisID: "days", tension: 0.2 },
  };
  const datasets = Object.keys(styles)
    .filter((name) => Array.isArray(data[name]))
    .map((name) => Object.assign({ label: data.titles[name], data: data[name] }, styles[name]));
  const hasMoney = datasets.some((set) => set.yAxisID === "money");
  const scales = {
    days: {
      position: hasMoney ? "right" : "left",
      beginAtZero: true,
      title: { display: true, text: data.titles.usage_days },
      grid: { drawOnChartArea: !hasMoney },
    },
  };
  if (hasMoney) {
    scales.money = { position: "left", beginAtZero: true, title: { display: true, text: "Money" } };
  }
  new Chart(canvas, {
    data: { labels: data.labels, datasets: datasets },
    options: {
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: scales,
    },
  });
})();
