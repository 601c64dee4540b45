/* 整改 on the console: open cases of negative ratings and complaints, the overdue ones flagged, closed with
   the feedback given to the citizen. */
"use strict";
(() => {
  const table = document.getElementById("rectify-table");
  if (!table || !Hall.session.get()) return;
  const el = Hall.el;

  async function load() {
    try {
      const r = await Hall.api("GET", "/api/rectifications?open=true");
      document.getElementById("rectify-overdue").textContent = r.overdue
        ? Hall.t("rectify_overdue_count", { n: r.overdue }) : "";
      render(r.cases);
    } catch (e) { Hall.showError(e); }
  }

  function render(cases) {
    const rows = cases.map((c) => {
      const feedback = el("input", { class: "note-input", "data-feedback": c.id, maxlength: 500,
                                     placeholder: Hall.t("rectify_feedback") });
      return el("tr", { "data-case": c.id, class: c.overdue ? "overdue" : "" },
        el("td", {}, Hall.t(c.kind === "complaint" ? "rectify_complaint" : "rectify_rating")),
        el("td", {}, c.number || "—"),
        el("td", {}, c.window ? (Hall.DATA.window_names[c.window] || c.window) : "—"),
        el("td", {}, c.owner || "—"),
        el("td", {}, c.due, c.extended_by ? ` (${Hall.t("rectify_extended_by", { name: c.extended_by })})` : ""),
        el("td", {}, el("span", { class: "badge " + (c.overdue ? "neg" : "todo") },
                        Hall.t(c.overdue ? "rectify_overdue" : "follow_open"))),
        el("td", {}, c.contact || "—"),
        el("td", {}, feedback),
        el("td", {}, el("button", { type: "button", class: "primary", "data-close-case": c.id, onclick: async () => {
          if (!feedback.value.trim()) { feedback.focus(); return; }
          Hall.clearError();
          try {
            await Hall.api("POST", `/api/rectifications/${c.id}/close`, { feedback: feedback.value.trim() });
            load();
          } catch (e) { Hall.showError(e); }
        } }, Hall.t("mark_done"))));
    });
    table.tBodies[0].replaceChildren(...(rows.length ? rows
      : [el("tr", {}, el("td", { colspan: 9, class: "empty" }, Hall.t("rectify_none")))]));
  }

  load();
  setInterval(load, 60000);
})();
