// The instructor's review: each student's overall score over time (Chart.js, a global from
// static/vendor/chartjs), one line per student, from the page's #progress-data JSON.
const PALETTE = ["#6a3de8", "#1e7a46", "#d07a00", "#b3261e", "#00838f", "#8e24aa", "#5d4037", "#3949ab"];

function progressChart() {
  const canvas = document.getElementById("progress-chart");
  const series = JSON.parse(document.getElementById("progress-data").textContent);
  if (!canvas || !series.length) return;
  const datasets = series.map((s, k) => ({
    label: s.learner,
    data: s.points.map((p) => ({ x: Date.parse(p.t), y: p.overall })),
    borderColor: PALETTE[k % PALETTE.length],
    backgroundColor: PALETTE[k % PALETTE.length],
    tension: 0.2,
    pointRadius: 3,
  }));
  const day = (ms) => new Date(ms).toLocaleDateString(undefined, { day: "numeric", month: "short" });
  new window.Chart(canvas, {
    type: "line",
    data: { datasets },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: {
        x: { type: "linear", ticks: { callback: day, maxTicksLimit: 6 }, title: { display: true, text: "Date" } },
        y: { min: 0, max: 100, title: { display: true, text: "Overall" } },
      },
      plugins: {
        legend: { labels: { boxWidth: 12 } },
        tooltip: { callbacks: { title: (items) => new Date(items[0].parsed.x).toLocaleString() } },
      },
    },
  });
  canvas.dataset.ready = "true";
}

progressChart();
