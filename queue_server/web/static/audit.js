/* The audit trail (第五十八条) for the admin and the auditor: search by time, actor, ticket, window; CSV. */
"use strict";
(() => {
  const me = Hall.requireLogin(["auditor", "admin"]);
  if (!me) return;
  const $ = (id) => document.getElementById(id);
  const el = Hall.el;
  let offset = 0;

  function query() {
    const q = new URLSearchParams();
    for (const k of ["from", "to", "actor", "ticket", "window"]) {
      const v = $(k).value.trim();
      if (v) q.set(k, v);
    }
    return q;
  }

  function detailText(d) {
    const parts = [];
    for (const [k, v] of Object.entries(d || {})) {
      if (k === "tickets") {
        if (v.length) parts.push(v.map((t) => `${t.number} ${Hall.t("state_" + t.state)}`).join("、"));
      } else parts.push(`${k}: ${typeof v === "object" ? JSON.stringify(v) : v}`);
    }
    return parts.join("; ");
  }

  function row(r) {
    return el("tr", { "data-audit": r.id },
      el("td", {}, `${r.at.slice(0, 10)} ${r.at.slice(11, 19)}`), el("td", {}, r.actor),
      el("td", { title: r.action }, Hall.t("audit_a_" + r.action) === "audit_a_" + r.action ? r.action
        : `${Hall.t("audit_a_" + r.action)} · ${r.action}`),
      el("td", {}, r.subject || "—"), el("td", { class: "detail" }, detailText(r.detail)));
  }

  async function load(more) {
    Hall.clearError();
    offset = more ? offset : 0;
    const q = query();
    q.set("offset", String(offset));
    try {
      const r = await Hall.api("GET", "/api/audit?" + q.toString());
      const body = $("audit-table").tBodies[0];
      const rows = r.rows.map(row);
      if (more) body.append(...rows);
      else body.replaceChildren(...(rows.length ? rows
        : [el("tr", {}, el("td", { colspan: 5, class: "empty" }, Hall.t("audit_none")))]));
      offset += r.rows.length;
      $("more").hidden = !r.more;
    } catch (e) { Hall.showError(e); }
  }

  async function csv() {
    Hall.clearError();
    const s = Hall.session.get();
    const r = await fetch("/api/audit.csv?" + query().toString(), { headers: { authorization: "Bearer " + s.token } });
    if (!r.ok) { Hall.showError(new Hall.ApiError(r.status, "csv", (await r.text()).slice(0, 200))); return; }
    const url = URL.createObjectURL(new Blob(["\ufeff", await r.text()], { type: "text/csv;charset=utf-8" }));
    const a = el("a", { href: url, download: "hall-audit.csv" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
  }

  $("audit-form").addEventListener("submit", (ev) => { ev.preventDefault(); load(false); });
  $("more").addEventListener("click", () => load(true));
  $("csv").addEventListener("click", csv);
  load(false);
})();
