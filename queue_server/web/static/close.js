/* The printable daily close (轧账): every ticket accounted for, per queue and for the hall. */
"use strict";
(() => {
  document.getElementById("print").addEventListener("click", () => window.print());  // no inline handlers (CSP)
  const me = Hall.requireLogin(["manager", "auditor", "admin"]);
  if (!me) return;
  const $ = (id) => document.getElementById(id);
  const el = Hall.el;
  const PARTS = ["issued", "transferred_in", "served", "no_show", "not_started", "cancelled", "expired", "transferred",
                 "waiting", "called", "serving", "accounted"];

  function row(label, r, balanced) {
    return el("tr", { class: balanced ? null : "over" }, el("td", {}, label),
      ...PARTS.map((p) => el("td", { class: "num" }, r[p])), el("td", {}, balanced ? "✓" : "✗"));
  }

  function render(rep) {
    const c = rep.close;
    $("close-date").textContent = rep.date;
    $("printed-at").textContent = String(rep.generated_at || "").replace("T", " ").slice(0, 19);
    $("close-table").tBodies[0].replaceChildren(...c.queues.map((q) =>
      row(`${q.queue} ${Hall.queueName(q.queue)}`, q, q.balanced)));
    const tot = Object.assign({}, c.totals, { accounted: PARTS.slice(2, 11).reduce((a, p) => a + c.totals[p], 0) });
    $("close-table").tFoot.replaceChildren(row(Hall.t("total"), tot, c.balanced));
    $("formula").textContent = Hall.t("close_formula", { issued: tot.issued, served: tot.served, no_show: tot.no_show,
      not_started: tot.not_started, cancelled: tot.cancelled, expired: tot.expired, open: tot.still_open, tout: tot.transferred, tin: tot.transferred_in });
    const v = $("close-verdict");
    v.textContent = Hall.t(c.balanced ? "reconciles_yes" : "reconciles_no");
    v.className = "reconcile " + (c.balanced ? "yes" : "no");
  }

  async function load() {
    Hall.clearError();
    try {
      render(await Hall.api("GET", "/api/stats/daily?date=" + encodeURIComponent($("date").value)));
    } catch (e) { Hall.showError(e); }
  }
  $("show").addEventListener("click", load);
  load();
})();
