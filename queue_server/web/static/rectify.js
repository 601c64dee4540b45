/* 整改 on the console: open cases of negative ratings and complaints (what the citizen said: the level, the
   reasons, the words, the masked phone for the call back), the overdue ones flagged, closed with the feedback
   given to the citizen. */
"use strict";
(() => {
  const table = document.getElementById("rectify-table");
  if (!table || !Hall.session.get()) return;
  const el = Hall.el;
  const me = Hall.session.get();

  async function post(path, body) {
    Hall.clearError();
    try { await Hall.api("POST", path, body); load(); } catch (e) { Hall.showError(e); }
  }

  /* 延期: only a manager approves, with a later date; the approver is the manager logged in here */
  function extendCell(c) {
    if (me.role !== "manager") return el("td", {});
    const due = el("input", { type: "date", "data-extend-date": c.id, min: c.due });
    return el("td", {}, due, el("button", { type: "button", "data-extend-case": c.id, onclick: () => {
      if (!due.value || due.value <= c.due) { due.focus(); return; }
      post(`/api/rectifications/${c.id}/extend`, { due: due.value, approver: me.username });
    } }, Hall.t("rectify_extend")));
  }

  async function load() {
    try {
      const r = await Hall.api("GET", "/api/rectifications?open=true");
      const badge = document.getElementById("rectify-overdue");
      badge.textContent = r.overdue ? Hall.t("rectify_overdue_count", { n: r.overdue }) : "";
      badge.hidden = !r.overdue;
      render(r.cases);
    } catch (e) { Hall.showError(e); }
  }

  function render(cases) {
    const rows = cases.map((c) => {
      const feedback = el("input", { class: "note-input", "data-feedback": c.id, maxlength: 500,
                                     placeholder: Hall.t("rectify_feedback") });
      return el("tr", { "data-case": c.id, class: c.overdue ? "overdue" : "" },
        el("td", {}, Hall.t(c.kind === "complaint" ? "rectify_complaint" : "rectify_rating")),
        el("td", {}, `${c.day.slice(5)} ${Hall.clock(c.opened_at)}`),
        el("td", {}, c.number || "—"),
        el("td", {}, c.window ? (Hall.DATA.window_names[c.window] || c.window) : "—"),
        el("td", {}, c.owner || "—"),
        el("td", {}, c.rating ? el("span", { class: "badge neg" }, Hall.ratingName(c.rating)) : "—"),
        el("td", { class: "complaint-detail" },
          c.kind === "complaint" ? c.summary : (c.reasons.map(Hall.reasonName).join("、") || "—"),
          c.kind !== "complaint" && c.text ? el("div", { class: "complaint-text" }, "“" + c.text + "”") : null),
        el("td", {}, c.due, c.extended_by ? ` (${Hall.t("rectify_extended_by", { name: c.extended_by })})` : ""),
        el("td", {}, el("span", { class: "badge " + (c.overdue ? "neg" : "todo") },
                        Hall.t(c.overdue ? "rectify_overdue" : "follow_open"))),
        el("td", {}, c.contact ? el("span", { class: "callback" }, c.contact) : "—"),
        el("td", {}, feedback),
        el("td", {}, el("button", { type: "button", class: "primary", "data-close-case": c.id, onclick: () => {
          if (!feedback.value.trim()) { feedback.focus(); return; }
          post(`/api/rectifications/${c.id}/close`, { feedback: feedback.value.trim() });
        } }, Hall.t("mark_done"))),
        extendCell(c));
    });
    table.tBodies[0].replaceChildren(...(rows.length ? rows
      : [el("tr", {}, el("td", { colspan: 13, class: "empty" }, Hall.t("rectify_none")))]));
  }

  window.HallRectify = { load };  // the console reloads the list when a rating arrives
  load();
  setInterval(load, 60000);
})();
