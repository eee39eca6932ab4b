/* A chart card's table view ("Show the numbers as a table") is filled only while it is open.

   The server sends the table's columns and rows into two stores with every filter change;
   an AG Grid redrawn inside a folded <details> cost the browser about 0.5 s a click on the
   Mobility page (13 grids). The grid is filled from the stores when its <details> opens,
   and kept current while it stays open (tableView.fill, a clientside callback wired in
   dashboard/callbacks/chart.py). The toggle event does not bubble: it is caught on the way
   down. Served from /assets (the policy's 'self'); no inline script, no eval. */
(function () {
  "use strict";

  var clientside = (window.dash_clientside = window.dash_clientside || {});

  clientside.tableView = {
    fill: function (columns, rows, open) {
      if (!open) {
        return [clientside.no_update, clientside.no_update];
      }
      return [columns || [], rows || []];
    },
  };

  document.addEventListener(
    "toggle",
    function (event) {
      var details = event.target;
      if (!(details instanceof HTMLDetailsElement)) {
        return;
      }
      if (!details.classList.contains("chart-table-details")) {
        return;
      }
      var grid = details.querySelector(".chart-table[id]");
      var id = null;
      try {
        id = grid ? JSON.parse(grid.id) : null;
      } catch (error) {
        return;
      }
      if (!id || typeof id.chart !== "string" || !clientside.set_props) {
        return;
      }
      clientside.set_props({ type: "chart-table-open", chart: id.chart }, { data: details.open });
    },
    true
  );
})();
