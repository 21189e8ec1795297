// The instructor's review: each student's overall score over time (Chart.js, a global from
// static/vendor/chartjs), one line per student, from the page's #progress-data JSON.
const PALETTE = ["#6a3de8", "#1e7a46", "#d07a00", "#b3261e", "#00838f", "#8e24aa", "#5d4037", "#3949ab"];

const DAY_MS = 24 * 3600 * 1000;

// The date axis: around a single day (or a single attempt) one day either side, else the
// attempts' span with a margin, so one attempt never stretches the axis over years.
function dateRange(times) {
  const first = Math.min(...times), last = Math.max(...times);
  const margin = last - first < DAY_MS ? DAY_MS : (last - first) * 0.06;
  return { min: first - margin, max: last + margin };
}

// Ticks on local midnights when the range is a few weeks at most (else Chart.js picks them).
function midnightTicks(axis) {
  if (axis.max - axis.min > 21 * DAY_MS) return;
  const day = new Date(axis.min);
  day.setHours(24, 0, 0, 0);
  const ticks = [];
  for (; day.getTime() <= axis.max; day.setDate(day.getDate() + 1)) ticks.push({ value: day.getTime() });
  const step = Math.ceil(ticks.length / 7);
  axis.ticks = ticks.filter((_, i) => i % step === 0);
}

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
    pointRadius: s.points.length === 1 ? 6 : 3, // a lone point must be seen: no line leads to it
    pointHoverRadius: 8,
  }));
  const { min, max } = dateRange(datasets.flatMap((d) => d.data.map((p) => p.x)));
  const day = (ms) => new Date(ms).toLocaleDateString(undefined, { day: "numeric", month: "short" });
  new window.Chart(canvas, {
    type: "line",
    data: { datasets },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: {
        x: {
          type: "linear", min, max, afterBuildTicks: midnightTicks,
          ticks: { callback: day, maxTicksLimit: 7 }, title: { display: true, text: "Date" },
        },
        // A little room below 0 and above 100, so scores of 0 and 100 sit off the axis lines.
        y: {
          min: -5, max: 105, title: { display: true, text: "Overall" },
          afterBuildTicks: (axis) => { axis.ticks = [0, 20, 40, 60, 80, 100].map((value) => ({ value })); },
        },
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
