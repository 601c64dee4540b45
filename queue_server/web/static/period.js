/* Figures over a period (第十九/四十九/六十条): per clerk with grades A-E, window, queue or the hall; the
   half-year risk summary; CSV; printable. */
"use strict";
(() => {
  const me = Hall.requireLogin(["manager", "auditor"]);
  if (!me) return;
  const $ = (id) => document.getElementById(id);
  const el = Hall.el;
  const td = (v, cls) => el("td", { class: cls || "num" }, v === null || v === undefined ? "—" : v);
  const pct = (v) => (v === null || v === undefined ? "—" : `${Math.round(v * 1000) / 10}%`);
  const COLS = [["called", (r) => r.called], ["served", (r) => r.served], ["no_show", (r) => r.no_show],
    ["mean_wait", (r) => Hall.mmss(r.mean_wait_s)], ["p95_wait", (r) => Hall.mmss(r.p95_wait_s)],
    ["long_waits", (r) => r.long_waits], ["mean_service", (r) => Hall.mmss(r.mean_service_s)],
    ["rated", (r) => r.ratings.rated], ["negative", (r) => r.negative], ["satisfaction", (r) => pct(r.satisfaction)],
    ["follow_on_time", (r) => (r.negative ? `${r.ratings.follow_on_time}/${r.negative}` : "—")],
    ["follow_overdue", (r) => r.ratings.follow_overdue]];

  function query() {
    const q = new URLSearchParams();
    if ($("from").value || $("to").value) {
      if ($("from").value) q.set("from", $("from").value);
      if ($("to").value) q.set("to", $("to").value);
    } else if ($("period").value.trim()) q.set("period", $("period").value.trim());
    return q;
  }

  function heads(by) {
    const first = by === "clerk" ? ["clerk", "name", "staff_no"] : by === "hall" ? ["by_hall"] : [by === "window" ? "window" : "queue"];
    const last = by === "clerk" ? ["score", "grade"] : [];
    return [...first.map((k) => el("th", {}, Hall.t(k))), ...COLS.map(([k]) => el("th", { class: "num" }, Hall.t(k))),
            ...last.map((k) => el("th", { class: "num" }, Hall.t(k)))];
  }

  function firstCells(by, r) {
    if (by === "clerk") return [td(r.clerk, " "), td(r.name, " "), td(r.staff_no, " ")];
    if (by === "window") return [td(Hall.DATA.window_names[r.window] || r.name, " ")];
    if (by === "queue") return [td(`${r.queue} ${Hall.queueName(r.queue)}`, " ")];
    return [td(Hall.t("total"), " ")];
  }

  function render(rep) {
    const by = rep.by;
    $("range").textContent = Hall.t("period_range", { from: rep.from, to: rep.to }) + " · " +
      Hall.t("generated", { at: rep.generated_at.replace("T", " ").slice(0, 19) });
    $("printed-at").textContent = `${Hall.t("printed_at")}：${rep.generated_at.slice(0, 10)} ${Hall.hallNow(rep.generated_at)}`;
    $("period-table").tHead.rows[0].replaceChildren(...heads(by));
    const rows = by === "hall" ? [rep.totals] : rep.rows;
    $("period-table").tBodies[0].replaceChildren(...rows.map((r) => el("tr", { "data-key": r[by] ?? "hall" },
      ...firstCells(by, r), ...COLS.map(([, f]) => td(f(r))),
      ...(by === "clerk" ? [td(r.score), el("td", { class: "grade grade-" + (r.grade || "none"),
        title: r.grade ? "" : Hall.t("not_graded", { n: rep.grades.min_rated }) }, r.grade || "—")] : []))));
    const foot = by === "hall" ? [] : [el("tr", {}, td(Hall.t("total"), " "),
      ...(by === "clerk" ? [td(""), td("")] : []), ...COLS.map(([, f]) => td(f(rep.totals))),
      ...(by === "clerk" ? [td(""), td("")] : []))];
    $("period-table").tFoot.replaceChildren(...foot);
    const g = rep.grades;
    $("formula").textContent = by === "clerk" ? Hall.t("grade_formula", { sw: g.satisfaction_weight, sm: g.satisfied_min,
      vw: g.volume_weight, np: g.negative_penalty, a: g.a, b: g.b, c: g.c, d: g.d }) : "";
  }

  function renderRisks(rk) {
    $("risk-range").textContent = Hall.t("period_range", { from: rk.from, to: rk.to });
    $("risk-table").tBodies[0].replaceChildren(...rk.months.map((m) => el("tr", { "data-month": m.month },
      td(m.month, " "), td(m.negative), td(m.follow_overdue), td(m.long_waits), td(m.no_show), td(m.called))));
    const words = rk.top.map((r) => el("li", { "data-risk": r.risk }, Hall.DATA.lang === "en" ? r.en : r.zh));
    $("risk-top").replaceChildren(...(words.length ? words : [el("li", {}, Hall.t("risks_none"))]));
  }

  /* The risk summary covers the half-year the period falls in (or the dates given). */
  function riskQuery() {
    const q = query();
    const p = q.get("period");
    if (p) {
      const m = /^(\d{4})-(\d{2})$/.exec(p) || /^(\d{4})-Q([1-4])$/i.exec(p);
      if (m) {
        const month = /Q/i.test(p) ? Number(m[2]) * 3 : Number(m[2]);
        q.set("period", `${m[1]}-H${month <= 6 ? 1 : 2}`);
      }
    }
    return q;
  }

  async function load() {
    Hall.clearError();
    const q = query();
    q.set("by", $("by").value);
    history.replaceState(null, "", "?" + new URLSearchParams({ period: $("period").value, by: $("by").value }));
    try {
      render(await Hall.api("GET", "/api/reports/period?" + q));
      renderRisks(await Hall.api("GET", "/api/reports/risks?" + riskQuery()));
    } catch (e) { Hall.showError(e); }
  }

  async function csv() {
    Hall.clearError();
    const q = query();
    q.set("by", $("by").value);
    const s = Hall.session.get();
    const r = await fetch("/api/reports/period.csv?" + q, { headers: { authorization: "Bearer " + s.token } });
    if (!r.ok) { Hall.showError(new Hall.ApiError(r.status, "csv", (await r.text()).slice(0, 200))); return; }
    const url = URL.createObjectURL(new Blob(["\ufeff", await r.text()], { type: "text/csv;charset=utf-8" }));
    const name = (r.headers.get("content-disposition") || "").match(/filename="([^"]+)"/);
    const a = el("a", { href: url, download: name ? name[1] : "hall-period.csv" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
  }

  $("show").addEventListener("click", load);
  $("by").addEventListener("change", load);
  $("csv").addEventListener("click", csv);
  $("print").addEventListener("click", () => window.print());
  for (const id of ["from", "to"]) $(id).addEventListener("change", () => { if ($(id).value) $("period").value = ""; });
  load();
})();
