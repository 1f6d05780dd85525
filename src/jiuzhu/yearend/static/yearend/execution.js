/* 支出进度: one chart per county, ECharts from the project's own static files; data from a json_script block. */
(function () {
  "use strict";
  var node = document.getElementById("charts-data");
  if (!node || !window.echarts) { return; }
  JSON.parse(node.textContent).forEach(function (c) {
    var el = document.getElementById(c.id);
    if (!el) { return; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var projected = c.months.map(function (_, i) { return i === 11 ? Number(c.projected) : null; });
    chart.setOption({
      animation: false,
      title: { text: c.name, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 55, right: 15, top: 35, bottom: 45 },
      xAxis: { type: "category", data: c.months },
      yAxis: { type: "value", name: "万元" },
      series: [
        { name: "累计支付", type: "bar", data: c.paid.map(Number) },
        { name: "按时序进度应支付", type: "line", data: c.due.map(Number), symbol: "none" },
        { name: "预计全年支出", type: "scatter", data: projected, symbolSize: 10 }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
}());
