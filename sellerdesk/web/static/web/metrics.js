// The customer metrics chart: the daily 7-day cancellation rate of the last 90 days, drawn with
// Chart.js from the page's JSON (json_script). The table under the chart has the same numbers,
// for screen readers and for browsers without JavaScript.
(function () {
  "use strict";
  var source = document.getElementById("rate-history-data");
  var canvas = document.getElementById("rate-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var language = document.documentElement.lang || "en";
  var percent = new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var tick = new Intl.NumberFormat(language, { maximumFractionDigits: 1 });
  var flat = function (value) { return data.days.map(function () { return value; }); };

  var chart = new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.days,
      datasets: [
        {
          label: data.text.rate,
          data: data.rates,
          borderColor: "#0f5c8c",
          backgroundColor: "rgba(15, 92, 140, 0.12)",
          fill: true,
          tension: 0,
          pointRadius: 2,
          pointHoverRadius: 5,
        },
        {
          label: data.text.target,
          data: flat(data.target),
          borderColor: "#b42318",
          borderDash: [6, 4],
          borderWidth: 1.5,
          pointRadius: 0,
          pointHitRadius: 0,
          fill: false,
        },
        {
          label: data.text.atRisk,
          data: flat(data.atRiskFrom),
          borderColor: "#b54708",
          borderDash: [2, 3],
          borderWidth: 1,
          pointRadius: 0,
          pointHitRadius: 0,
          fill: false,
        },
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        x: { ticks: { maxTicksLimit: 12, maxRotation: 0 } },
        y: {
          beginAtZero: true,
          suggestedMax: data.target * 1.6,
          ticks: { callback: function (value) { return tick.format(value) + " %"; } },
        },
      },
      plugins: {
        legend: { position: "bottom" },
        tooltip: {
          filter: function (item) { return item.datasetIndex === 0; },
          callbacks: {
            label: function (item) {
              var index = item.dataIndex;
              return data.text.rate + ": " + percent.format(data.rates[index]) + " % (" +
                data.cancelled[index] + " " + data.text.ofOrders + " " + data.orders[index] + ")";
            },
          },
        },
      },
      onClick: function (event, elements) {
        if (elements.length) {
          window.location.href = data.ordersUrl + data.days[elements[0].index];
        }
      },
    },
  });
  canvas.dataset.chartReady = String(chart.data.labels.length);
})();
