"use strict";
// The report's only script: sort and filter the sources table, filter and expand the clusters.
// It reads text with textContent and never writes HTML, so scraped strings stay text.
(function () {
  function cellValue(row, index, type) {
    var cell = row.cells[index];
    if (type === "num") { return parseFloat(cell.getAttribute("data-value")); }
    return cell.textContent.trim().toLowerCase();
  }

  var table = document.getElementById("source-table");
  if (table) {
    var headers = table.tHead.rows[0].cells;
    var body = table.tBodies[0];
    Array.prototype.forEach.call(headers, function (th, index) {
      th.addEventListener("click", function () {
        var type = th.getAttribute("data-type");
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        if (th.getAttribute("aria-sort") === null && type === "num") { ascending = false; }
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, type), y = cellValue(b, index, type);
          var order = x < y ? -1 : (x > y ? 1 : 0);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });

    var textFilter = document.getElementById("source-filter");
    var verdictFilter = document.getElementById("verdict-filter");
    var count = document.getElementById("source-count");
    var applySourceFilter = function () {
      var needle = textFilter.value.trim().toLowerCase();
      var verdict = verdictFilter.value;
      var shown = 0;
      Array.prototype.forEach.call(body.rows, function (row) {
        var ok = (!verdict || row.getAttribute("data-verdict") === verdict) &&
          (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1);
        row.classList.toggle("hidden", !ok);
        shown += ok ? 1 : 0;
      });
      count.textContent = shown + " of " + body.rows.length + " sources";
    };
    textFilter.addEventListener("input", applySourceFilter);
    verdictFilter.addEventListener("change", applySourceFilter);
    applySourceFilter();
  }

  var clusters = Array.prototype.slice.call(document.querySelectorAll("details.cluster"));
  var clusterFilter = document.getElementById("cluster-filter");
  if (clusterFilter) {
    clusterFilter.addEventListener("input", function () {
      var needle = clusterFilter.value.trim().toLowerCase();
      clusters.forEach(function (c) {
        c.classList.toggle("hidden", needle !== "" && c.textContent.toLowerCase().indexOf(needle) === -1);
      });
    });
  }
  var setOpen = function (open) {
    clusters.forEach(function (c) { if (!c.classList.contains("hidden")) { c.open = open; } });
  };
  var expand = document.getElementById("expand-all");
  var collapse = document.getElementById("collapse-all");
  if (expand) { expand.addEventListener("click", function () { setOpen(true); }); }
  if (collapse) { collapse.addEventListener("click", function () { setOpen(false); }); }
}());
