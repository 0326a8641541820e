/* lstoolkit: filters for the state's table of districts, by region and by status.
 * Progressive: without this script every district is listed. The options are read from the
 * table itself, so no district's data is written into the script. */
(function () {
  "use strict";

  function cellText(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }

  function setUp(holder) {
    if (holder.dataset.lsReady) return;
    var table = holder.nextElementSibling;
    while (table && table.tagName !== "TABLE") {
      table = table.querySelector ? table.querySelector("table") || table.nextElementSibling : null;
    }
    if (!table || !table.tHead || !table.tBodies.length) return;
    holder.dataset.lsReady = "1";
    var headers = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
      return th.textContent.trim();
    });
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var filters = [];
    ["Region", "Status"].forEach(function (name) {
      var index = headers.indexOf(name);
      if (index < 0) return;
      var values = [];
      rows.forEach(function (row) {
        var value = cellText(row, index);
        if (value && value !== "–" && values.indexOf(value) < 0) values.push(value);
      });
      if (values.length < 2) return;
      values.sort();
      var id = "ls-filter-" + name.toLowerCase();
      var label = document.createElement("label");
      label.htmlFor = id;
      label.textContent = name;
      var select = document.createElement("select");
      select.id = id;
      var all = document.createElement("option");
      all.value = "";
      all.textContent = "All";
      select.appendChild(all);
      values.forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value;
        select.appendChild(option);
      });
      var field = document.createElement("span");
      field.className = "ls-filter__field";
      field.appendChild(label);
      field.appendChild(select);
      holder.appendChild(field);
      filters.push({ index: index, select: select });
    });
    if (!filters.length) return;
    var status = document.createElement("p");
    status.className = "ls-filter__status";
    status.setAttribute("role", "status");
    holder.appendChild(status);

    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var keep = filters.every(function (f) {
          return !f.select.value || cellText(row, f.index) === f.select.value;
        });
        row.hidden = !keep;
        if (keep) shown += 1;
      });
      status.textContent = "Showing " + shown + " of " + rows.length + " districts.";
    }
    filters.forEach(function (f) {
      f.select.addEventListener("change", apply);
    });
    apply();
  }

  function setUpAll() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-ls-filter]"), setUp);
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(setUpAll); /* Material's instant navigation */
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
