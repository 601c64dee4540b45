/* The customer-facing rating tablet at one window: no login; shows the pending request live,
   five big buttons, a reason after 不满意/非常不满意, one rating per visit. */
"use strict";
(() => {
  const n = Hall.DATA.window;
  const $ = (id) => document.getElementById(id);
  const S = { pending: null, at: 0, answered: new Set(), rating: null, thanksUntil: 0 };

  function show(name) {
    for (const s of ["idle", "ask", "reason", "thanks"]) $("screen-" + s).hidden = s !== name;
  }

  function left() {
    return S.pending ? Math.max(0, Math.round(S.pending.remaining_s - (Date.now() - S.at) / 1000)) : 0;
  }

  function update() {
    if (Date.now() < S.thanksUntil) { show("thanks"); return; }
    const p = S.pending;
    if (!p || S.answered.has(p.ticket_id) || left() <= 0) { S.rating = null; show("idle"); return; }
    $("ask-number").textContent = Hall.t("rate_ticket", { number: p.number });
    const txt = Hall.t("rate_left", { s: left() });
    $("ask-left").textContent = txt;
    $("reason-left").textContent = txt;
    show(S.rating ? "reason" : "ask");
  }

  async function submit(rating, reason) {
    const p = S.pending;
    if (!p) return;
    Hall.clearError();
    S.answered.add(p.ticket_id);
    S.rating = null;
    try {
      await Hall.api("POST", `/api/evaluations/${n}/result`, { rating, reason: reason || null, ticket_id: p.ticket_id });
      S.thanksUntil = Date.now() + 5000;
    } catch (e) {
      Hall.showError(e);
      setTimeout(Hall.clearError, 5000);
    }
    update();
  }

  for (const b of document.querySelectorAll("[data-rating]")) {
    b.addEventListener("click", () => {
      const r = Number(b.dataset.rating);
      if (r <= 2 && Hall.DATA.reasons.length) { S.rating = r; update(); } else submit(r);
    });
  }
  for (const b of document.querySelectorAll("[data-reason]")) {
    b.addEventListener("click", () => { if (S.rating) submit(S.rating, b.dataset.reason); });
  }
  $("reason-back").addEventListener("click", () => { S.rating = null; update(); });

  Hall.live({ evaluations: [n] }, (msg) => {
    if (msg.type !== "evaluation" || msg.window !== n) return;
    const p = msg.data.pending;
    if (!p || !S.pending || p.ticket_id !== S.pending.ticket_id) S.rating = null;
    S.pending = p;
    S.at = Date.now();
    update();
  });
  setInterval(update, 1000);
})();
