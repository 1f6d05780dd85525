/* 监控看板 charts: ECharts from the project's own static files; data from json_script blocks (no inline code). */
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el || !window.echarts) { return; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var monthly = data("monthly-data");
  if (monthly) {
    draw("chart-monthly", {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: monthly.months },
      yAxis: { type: "value", name: "万元" },
      series: monthly.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "all", data: s.data.map(Number) };
      })
    });
  }
  var execution = data("execution-data");
  if (execution) {
    draw("chart-execution", {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 60 },
      xAxis: { type: "category", data: execution.regions, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", name: "%", max: function (v) { return Math.max(100, Math.ceil(v.max)); } },
      series: [
        { name: "支出进度", type: "bar", data: execution.rate.map(Number) },
        { name: "时序进度", type: "line", data: execution.elapsed.map(Number) }
      ]
    });
  }
}());
