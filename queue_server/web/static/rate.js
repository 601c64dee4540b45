/* The customer-facing rating tablet at one window: no login; the clerk's name, staff number and photo (亮牌),
   the pending request live, five buttons of equal weight, and after 不满意/非常不满意 the reasons by the
   standard's three dimensions, a comment and a phone for a call back; one rating per visit. */
"use strict";
(() => {
  const n = Hall.DATA.window;
  const $ = (id) => document.getElementById(id);
  const S = { pending: null, at: 0, answered: new Set(), rating: null, thanksUntil: 0, clerk: null, picked: new Set() };
  const PHONE = /^(\+86)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$/;

  function clerkCard() {
    const c = S.clerk;
    for (const box of document.querySelectorAll("[data-clerk-card]")) {
      box.hidden = !c;
      if (!c) { box.replaceChildren(); continue; }
      box.replaceChildren(...[c.photo ? Hall.el("img", { src: c.photo, alt: c.name }) : null,
        Hall.el("div", {}, Hall.el("div", { class: "clerk-name" }, Hall.t("rate_clerk", { name: c.name })),
          c.staff_no ? Hall.el("div", { class: "clerk-no" }, Hall.t("rate_staff_no", { no: c.staff_no })) : null)]
        .filter(Boolean));
    }
  }

  function resetReasons() {
    S.picked.clear();
    for (const b of document.querySelectorAll("[data-reason]")) b.setAttribute("aria-pressed", "false");
    $("reason-text").value = "";
    $("reason-phone").value = "";
  }

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

  async function submit(rating, detail) {
    const p = S.pending;
    if (!p) return;
    Hall.clearError();
    S.answered.add(p.ticket_id);
    S.rating = null;
    try {
      await Hall.api("POST", `/api/evaluations/${n}/result`, Object.assign({ rating, ticket_id: p.ticket_id }, detail || {}));
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
      if (r <= 2 && Hall.DATA.reasons.length) { resetReasons(); S.rating = r; update(); } else submit(r);
    });
  }
  for (const b of document.querySelectorAll("[data-reason]")) {
    b.addEventListener("click", () => {
      const on = !S.picked.has(b.dataset.reason);
      if (on) S.picked.add(b.dataset.reason); else S.picked.delete(b.dataset.reason);
      b.setAttribute("aria-pressed", String(on));
    });
  }
  $("reason-back").addEventListener("click", () => { S.rating = null; update(); });
  $("reason-send").addEventListener("click", () => {
    if (!S.rating) return;
    const text = $("reason-text").value.trim();
    const phone = $("reason-phone").value.replace(/[\s-]/g, "");
    if (!S.picked.size && !text) { Hall.showError(Hall.t("rate_pick_reason")); setTimeout(Hall.clearError, 4000); return; }
    if (phone && !PHONE.test(phone)) { Hall.showError(Hall.t("rate_phone_bad")); setTimeout(Hall.clearError, 4000); return; }
    submit(S.rating, { reasons: [...S.picked], text: text || null, phone: phone || null });
  });

  Hall.live({ evaluations: [n] }, (msg) => {
    if (msg.type !== "evaluation" || msg.window !== n) return;
    const p = msg.data.pending;
    if (!p || !S.pending || p.ticket_id !== S.pending.ticket_id) S.rating = null;
    S.pending = p;
    S.clerk = msg.data.clerk || null;
    clerkCard();
    S.at = Date.now();
    update();
  });
  setInterval(update, 1000);
})();
