/* A notice on a staff member's page when the manager has sent them to an elastic window (采纳 of
   the advisor's open): where to go and from when; at that window, 到岗开窗 opens it with them at it. */
"use strict";
(() => {
  const s = Hall.session.get();
  if (!s || !s.token) return;
  const el = Hall.el;
  const en = Hall.DATA.lang === "en";
  const here = Hall.DATA.window;
  const POLL_MS = 5000;
  const box = el("section", { class: "advice-notice", id: "advice-notice", role: "alert", hidden: true });
  document.getElementById("main").prepend(box);
  let shown = "";

  async function arrive(n) {
    Hall.clearError();
    try {
      await Hall.api("POST", `/api/windows/${n}/arrive`);
      Hall.showInfo(Hall.t("advice_opened", { window: Hall.DATA.window_name || n }));
      setTimeout(() => location.reload(), 800);
    } catch (e) { Hall.showError(e); }
  }

  function render(list) {
    const key = JSON.stringify(list);
    if (key === shown) return;
    shown = key;
    box.hidden = !list.length;
    box.replaceChildren(...list.map((n) => el("div", { "data-notice": n.window },
      el("h2", {}, Hall.t("advice_notice_title")),
      el("p", {}, en ? n.text_en : n.text),
      n.window === here
        ? el("button", { type: "button", class: "primary", "data-arrive": n.window, onclick: () => arrive(n.window) },
          Hall.t("advice_arrive"))
        : el("a", { class: "button primary", href: `/window/${n.window}`, "data-go": n.window },
          Hall.t("advice_go_to", { window: n.window_name })))));
  }

  async function poll() {
    try {
      const r = await Hall.api("GET", "/api/advice/notices");
      render(r.notices || []);
    } catch (e) { /* the page's own calls report a lost connection */ }
  }

  poll();
  setInterval(poll, POLL_MS);
})();
