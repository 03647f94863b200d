// Draws the monthly chart of the overview from the figures embedded in the page.
(function () {
  const data = JSON.parse(document.getElementById("monthly-data").textContent);
  const canvas = document.getElementById("monthly-chart");
  if (!canvas || typeof Chart === "undefined") return;
  new Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [
        { type: "bar", label: data.titles.revenue, data: data.revenue, backgroundColor: "#2e8b6f", yAxisID: "money" },
        { type: "bar", label: data.titles.expenses, data: data.expenses, backgroundColor: "#d98c5f", yAxisID: "money" },
        { type: "line", label: data.titles.net, data: data.net, borderColor: "#17352d", backgroundColor: "#17352d", yAxisID: "money", tension: 0.2 },
        { type: "line", label: data.titles.usage_days, data: data.usage_days, borderColor: "#5b7bd5", backgroundColor: "#5b7bd5", borderDash: [4, 3], yAxisID: "days", tension: 0.2 },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        money: { position: "left", beginAtZero: true, title: { display: true, text: "Money" } },
        days: { position: "right", beginAtZero: true, title: { display: true, text: data.titles.usage_days }, grid: { drawOnChartArea: false } },
      },
    },
  });
})();
