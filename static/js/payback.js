// Draws an article's running net against its purchase price from the figures
// embedded in the page (templates/articles/detail.html), so the payback point shows.
(function () {
  const source = document.getElementById("payback-data");
  const canvas = document.getElementById("payback-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const points = data.points;
  const first = points[0].x;
  const last = points[points.length - 1].x;
  const day = (value) =>
    new Date(value).toLocaleDateString(undefined, { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });
  const money = (value) =>
    Number(value).toLocaleString(undefined, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) + " " + data.titles.money;
  new Chart(canvas, {
    type: "line",
    data: {
      datasets: [
        {
          label: data.titles.net,
          data: points,
          stepped: "before", // the net holds until the day it changes
          borderColor: "#1f6f5c",
          backgroundColor: "rgba(31, 111, 92, 0.12)",
          fill: "origin",
          pointRadius: points.length > 60 ? 0 : 2,
        },
        {
          label: data.titles.price,
          data: [{ x: first, y: data.price }, { x: last, y: data.price }],
          borderColor: "#b3261e",
          borderDash: [6, 4],
          pointRadius: 0,
        },
      ],
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: "nearest", axis: "x", intersect: false },
      scales: {
        x: { type: "linear", min: first, max: last, ticks: { maxTicksLimit: 8, callback: (value) => day(value) } },
        y: { title: { display: canvas.clientWidth > 500, text: data.titles.money } },
      },
      plugins: {
        tooltip: {
          callbacks: {
            title: (items) => (items.length ? day(items[0].parsed.x) : ""),
            label: (item) => item.dataset.label + ": " + money(item.parsed.y),
          },
        },
      },
    },
  });
})();
