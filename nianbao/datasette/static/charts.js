/* nianbao charts: draws the region_totals_by_year canned query with the vendored Chart.js.
 * Everything is served by this Datasette; no request leaves the site. */
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('nb-charts-config').textContent);
  var status = document.getElementById('nb-status');

  function series(rows, key) {
    return rows.map(function (r) { return r[key]; });
  }

  function draw(id, type, labels, datasets, stacked) {
    var canvas = document.getElementById(id);
    return new Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: !!stacked, title: { display: true, text: '报告年度 reporting year' } },
          y: { stacked: !!stacked, beginAtZero: true, title: { display: true, text: '件 count' } }
        }
      }
    });
  }

  fetch(config.data_url, { headers: { Accept: 'application/json' } })
    .then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    })
    .then(function (rows) {
      var years = series(rows, 'reporting_year').map(String);
      var reports = rows.reduce(function (n, r) { return n + r.reports; }, 0);
      status.textContent = rows.length
        ? reports + ' 份报告 reports, ' + years[0] + '–' + years[years.length - 1]
        : '没有符合条件的报告 No reports match these filters.';
      document.body.setAttribute('data-chart-years', years.join(','));
      draw('chart-requests', 'bar', years, [
        { label: '本年新收 new requests', data: series(rows, 'new_requests') },
        { label: '上年结转 carried over', data: series(rows, 'carried_over') },
        { label: '办理总计 handled', data: series(rows, 'total_processed') }
      ]);
      draw('chart-outcomes', 'bar', years, [
        { label: '予以公开 granted', data: series(rows, 'granted') },
        { label: '部分公开 partly granted', data: series(rows, 'partially_granted') },
        { label: '不予公开 refused', data: series(rows, 'denied_total') },
        { label: '无法提供 unable to provide', data: series(rows, 'unable_total') },
        { label: '不予处理 not processed', data: series(rows, 'not_processed_total') },
        { label: '其他处理 other', data: series(rows, 'other_total') }
      ], true);
      draw('chart-reviews', 'line', years, [
        { label: '行政复议 reviews', data: series(rows, 'reviews') },
        { label: '复议纠正 reviews corrected', data: series(rows, 'reviews_corrected') },
        { label: '行政诉讼 lawsuits', data: series(rows, 'lawsuits') },
        { label: '诉讼纠正 lawsuits corrected', data: series(rows, 'lawsuits_corrected') }
      ]);
      document.body.setAttribute('data-charts-ready', 'true');
    })
    .catch(function (err) {
      status.textContent = '无法加载数据 Could not load the data: ' + err.message;
      document.body.setAttribute('data-charts-ready', 'error');
    });
})();
