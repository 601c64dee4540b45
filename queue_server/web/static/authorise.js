/* 事前授权 at the window: the clerk names the business (纠错类), the ticket and why; the manager's answer
   shows here as soon as it is given (asked every few seconds while one is waiting). */
"use strict";
(() => {
  const s = Hall.session.get();
  const box = document.getElementById("authorise");
  if (!s || !box || s.role !== "clerk") { if (box) box.hidden = true; return; }
  const n = Hall.DATA.window;
  const $ = (id) => document.getElementById(id);
  const el = Hall.el;
  let waiting = false;

  function line(a) {
    const when = Hall.clock(a.asked_at);
    return el("li", { "data-auth": a.id, "data-state": a.state },
      el("span", { class: "badge a-" + a.state }, Hall.t("auth_" + a.state)), " ",
      `${when} ${Hall.t("auth_kind_" + a.kind)}${a.number ? " · " + a.number : ""} — ${a.reason}`,
      a.state !== "pending" ? el("div", { class: "meta" },
        Hall.t("auth_by", { who: a.answered_by }) + " " + Hall.clock(a.answered_at) + (a.answer_note ? " · " + a.answer_note : "")) : null);
  }

  async function load() {
    try {
      const list = await Hall.api("GET", `/api/windows/${n}/authorisations`);
      waiting = list.some((a) => a.state === "pending");
      $("auth-list").replaceChildren(...(list.length ? list.map(line) : [el("li", { class: "empty" }, Hall.t("auth_none"))]));
    } catch (e) { /* the window page shows connection trouble already */ }
  }

  $("auth-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    Hall.clearError();
    const number = $("auth-number").value.trim().toUpperCase();
    try {
      await Hall.api("POST", `/api/windows/${n}/authorisations`,
                     { kind: $("auth-kind").value, number: number || null, reason: $("auth-reason").value.trim() });
      $("auth-reason").value = "";
      Hall.showInfo(Hall.t("auth_pending"));
      await load();
    } catch (e) { Hall.showError(e); }
  });
  /* the ticket being served, as a start */
  $("auth-number").addEventListener("focus", () => {
    const cur = document.getElementById("cur-number");
    if (!$("auth-number").value && cur && /^[A-Z]\d+$/.test(cur.textContent.trim())) $("auth-number").value = cur.textContent.trim();
  });
  load();
  setInterval(() => { if (waiting) load(); }, 3000);
})();
