/* The month of the chosen day: 整改 cases opened, closed on time, overdue, and the on-time rate (第五十四条). */
"use strict";
(() => {
  const box = document.getElementById("rectify-figures");
  const day = document.getElementById("date");
  if (!box || !day || !Hall.session.get()) return;

  async function load() {
    const d = day.value || Hall.DATA.date;
    const first = d.slice(0, 8) + "01";
    const end = new Date(Number(d.slice(0, 4)), Number(d.slice(5, 7)), 0);  /* the month's last day */
    const last = `${d.slice(0, 8)}${String(end.getDate()).padStart(2, "0")}`;
    try {
      const r = await Hall.api("GET", `/api/rectifications/report?from=${first}&to=${last}`);
      box.textContent = Hall.t("rectify_figures", { opened: r.opened, closed: r.closed, on_time: r.closed_on_time,
        open: r.open, overdue: r.overdue, extended: r.extended,
        rate: r.on_time_rate === null ? "—" : `${Math.round(r.on_time_rate * 1000) / 10}%` });
    } catch (e) { Hall.showError(e); }
  }

  document.getElementById("show").addEventListener("click", load);
  load();
})();
