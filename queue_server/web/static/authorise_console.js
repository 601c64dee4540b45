/* 事前授权 on the manager console: each waiting request with approve / refuse (a note when refusing). */
"use strict";
(() => {
  const s = Hall.session.get();
  const box = document.getElementById("authorisations");
  if (!s || !box || s.role !== "manager") { if (box) box.hidden = true; return; }
  const $ = (id) => document.getElementById(id);
  const el = Hall.el;

  async function decide(id, decision, note) {
    Hall.clearError();
    try {
      await Hall.api("PUT", `/api/authorisations/${id}`, { decision, note: note || null });
      await load();
    } catch (e) { Hall.showError(e); }
  }

  function row(a) {
    const pending = a.state === "pending";
    const note = el("input", { class: "note-input", "data-auth-note": a.id, value: a.answer_note || "",
                               placeholder: Hall.t("auth_answer_note"), disabled: !pending });
    return el("tr", { "data-auth": a.id, "data-state": a.state },
      el("td", {}, Hall.clock(a.asked_at)), el("td", {}, Hall.DATA.window_names[a.window] || a.window),
      el("td", {}, a.clerk), el("td", {}, Hall.t("auth_kind_" + a.kind)), el("td", {}, a.number || "—"),
      el("td", {}, a.reason),
      el("td", {}, el("span", { class: "badge a-" + a.state }, Hall.t("auth_" + a.state)),
        pending ? null : el("div", { class: "meta" }, Hall.t("auth_by", { who: a.answered_by }))),
      el("td", {}, note),
      el("td", {}, pending ? [
        el("button", { type: "button", class: "primary", "data-approve": a.id,
                       onclick: () => decide(a.id, "approved", note.value.trim()) }, Hall.t("auth_approve")), " ",
        el("button", { type: "button", "data-refuse": a.id,
                       onclick: () => decide(a.id, "refused", note.value.trim()) }, Hall.t("auth_refuse"))] : null));
  }

  async function load() {
    try {
      const list = await Hall.api("GET", "/api/authorisations");
      const typing = box.contains(document.activeElement) && document.activeElement.tagName === "INPUT";
      if (typing) return;  // do not wipe a note being written
      $("auth-table").tBodies[0].replaceChildren(...(list.length ? list.map(row)
        : [el("tr", {}, el("td", { colspan: 9, class: "empty" }, Hall.t("auth_none")))]));
    } catch (e) { /* the console shows connection trouble already */ }
  }

  load();
  setInterval(load, 4000);
})();
