/* The day's figures (第十九/四十九条): per queue, window and clerk, ratings, half hours; CSV export. */
"use strict";
(() => {
  const me = Hall.requireLogin(["manager", "auditor", "admin"]);
  if (!me) return;
  const $ = (id) => document.getElementById(id);
  const el = Hall.el;
  const td = (v, cls) => el("td", { class: cls || "num" }, v === null || v === undefined ? "—" : v);
  const pct = (v) => (v === null || v === undefined ? "—" : `${Math.round(v * 1000) / 10}%`);

  function dist(r) {
    const d = r.distribution;
    return el("span", { class: "dist", title: `${Hall.t("rated")} ${r.rated} · ${Hall.t("no_rating")} ${r.no_rating}` },
      ...[5, 4, 3, 2, 1].map((k) => el("span", { class: "r" + k, title: Hall.ratingName(k) }, d[String(k)])),
      el("span", { class: "nr", title: Hall.t("no_rating") }, r.no_rating));
  }

  function render(rep) {
    const rec = $("reconcile");
    rec.textContent = Hall.t(rep.reconciles && rep.close.balanced ? "reconciles_yes" : "reconciles_no");
    rec.className = "reconcile " + (rep.reconciles && rep.close.balanced ? "yes" : "no");
    $("by-queue").tBodies[0].replaceChildren(...rep.queues.map((q) => el("tr", { "data-queue": q.queue },
      td(`${q.queue} ${Hall.queueName(q.queue)}`, " "), td(q.issued), td(q.transferred_in), td(q.served), td(q.no_show),
      td(q.not_started), td(q.transferred), td(q.cancelled), td(q.expired), td(q.open), td(Hall.mmss(q.mean_wait_s)),
      td(Hall.mmss(q.p95_wait_s)), td(Hall.mmss(q.mean_service_s)), td(pct(q.within_target)))));
    const tot = rep.totals;
    $("by-queue").tFoot.replaceChildren(el("tr", {}, td(Hall.t("total"), " "), td(tot.issued),
      td(rep.queues.reduce((a, q) => a + q.transferred_in, 0)), td(tot.served), td(tot.no_show), td(tot.not_started), td(tot.transferred),
      td(tot.cancelled), td(tot.expired), td(tot.open), td(""), td(""), td(""), td("")));
    $("by-window").tBodies[0].replaceChildren(...rep.windows.filter((w) => w.served || w.no_show || w.ratings.requested)
      .map((w) => el("tr", { "data-window": w.window }, td(Hall.DATA.window_names[w.window] || w.name, " "), td(w.served), td(w.no_show), td(w.transferred),
        td(Hall.mmss(w.mean_service_s)), el("td", {}, dist(w.ratings)), td(w.ratings.complaints),
        td(pct(w.ratings.good_share)))));
    $("by-clerk").tBodies[0].replaceChildren(...rep.clerks.map((c) => el("tr", { "data-clerk": c.clerk },
      td(c.clerk, " "), td(c.windows.join(", "), " "), td(c.served), td(c.no_show), td(Hall.mmss(c.mean_service_s)),
      el("td", {}, dist(c.ratings)), td(c.ratings.complaints), td(pct(c.ratings.good_share)))));
    const r = rep.ratings;
    $("rating-legend").replaceChildren(...[5, 4, 3, 2, 1].map((k) => el("span", {}, el("span", { class: "r" + k }, k),
      " " + Hall.ratingName(k))), el("span", {}, el("span", { class: "nr" }, "–"), " " + Hall.t("no_rating")));
    $("rating-summary").replaceChildren(dist(r), " ",
      `${Hall.t("rated")} ${r.rated} · ${Hall.t("no_rating")} ${r.no_rating} · ${Hall.t("complaints")} ${r.complaints}`
      + ` · ${Hall.t("good_share")} ${pct(r.good_share)}`);
    const slots = rep.half_hours;
    const codes = Hall.DATA.queues.map((q) => q.code);
    HallChart.legend($("hh-legend"), codes, Object.fromEntries(Hall.DATA.queues.map((q) => [q.code, q.name])));
    HallChart.bars($("hh-wait"), slots.map((s) => s.start), codes.map((c) => ({
      code: c, values: slots.map((s) => (s.queues[c].mean_wait_s || 0) / 60) })), Hall.t("mean_wait") + " (min)");
    HallChart.bars($("hh-issued"), slots.map((s) => s.start), codes.map((c) => ({
      code: c, values: slots.map((s) => s.queues[c].issued) })), Hall.t("half_hour_issued"), { height: 160 });
  }

  async function load() {
    Hall.clearError();
    const day = $("date").value;
    $("close-link").href = "/report/close?date=" + encodeURIComponent(day);
    try {
      render(await Hall.api("GET", "/api/stats/daily?date=" + encodeURIComponent(day)));
    } catch (e) { Hall.showError(e); }
  }

  /* CSV needs the bearer token, so it is fetched and handed to the browser as a file. */
  async function csv(part) {
    Hall.clearError();
    const day = $("date").value;
    const s = Hall.session.get();
    const r = await fetch(`/api/stats/daily.csv?date=${encodeURIComponent(day)}&part=${part}`,
                          { headers: { authorization: "Bearer " + s.token } });
    if (!r.ok) { Hall.showError(new Hall.ApiError(r.status, "csv", (await r.text()).slice(0, 200))); return; }
    const url = URL.createObjectURL(new Blob(["\ufeff", await r.text()], { type: "text/csv;charset=utf-8" }));
    const a = el("a", { href: url, download: `hall-${day}-${part}.csv` });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 5000);
  }

  $("show").addEventListener("click", load);
  for (const b of document.querySelectorAll("[data-csv]")) b.addEventListener("click", () => csv(b.dataset.csv));
  load();
})();
