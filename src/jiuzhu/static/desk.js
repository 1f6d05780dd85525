// 工作台: the year's figures per region as a bar chart (Apache ECharts from the project's own static files).
(function () {
  const el = document.getElementById("desk-chart");
  const data = document.getElementById("desk-chart-data");
  if (!el || !data || !window.echarts) return;
  const chart = JSON.parse(data.textContent);
  const names = { received: "收到指标", registered: "已登记", paid: "已支付", paid_out: "已发放到人" };
  const plot = window.echarts.init(el, null, { renderer: "svg" });
  plot.setOption({
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 60, right: 20, top: 40, bottom: 30 },
    xAxis: { type: "category", data: chart.regions },
    yAxis: { type: "value", name: "万元" },
    series: Object.keys(names).map((k) => ({ name: names[k], type: "bar", data: chart.series[k].map(Number) })),
  });
  window.addEventListener("resize", () => plot.resize());
  el.dataset.ready = "1";
})();
