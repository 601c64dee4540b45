/* The customer-facing rating tablet at one window: paired once by a manager (a pairing code, or the
   manager logging in here), then no login; the clerk's name, staff number and photo (亮牌), the pending
   request live, five buttons of equal weight, and after 不满意/非常不满意 the reasons by the standard's three
   dimensions, a comment and a phone for a call back; one rating per visit. Only the paired tablet sees and
   answers its window. */
"use strict";
(() => {
  const n = Hall.DATA.window;
  const $ = (id) => document.getElementById(id);
  const KEY = "hall.tablet." + n;
  const S = { pending: null, at: 0, answered: new Set(), rating: null, thanksUntil: 0, clerk: null, picked: new Set(),
              token: localStorage.getItem(KEY) || "", feed: null };
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
    for (const s of ["pair", "idle", "ask", "reason", "thanks"]) $("screen-" + s).hidden = s !== name;
  }

  /* The API as this tablet: its own token, never a staff session. */
  async function call(method, path, body, bearer) {
    const headers = { "content-type": "application/json" };
    if (S.token) headers["x-rating-tablet"] = S.token;
    if (bearer) headers.authorization = "Bearer " + bearer;
    const r = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const data = r.status === 204 ? null : await r.json().catch(() => null);
    if (!r.ok) {
      const err = (data && data.error) || { code: "http_" + r.status, message: "HTTP " + r.status };
      if (err.code === "tablet_not_paired" || err.code === "wrong_tablet") unpaired();
      const m = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(err.message || "");
      throw new Error(m ? (Hall.DATA.lang === "en" ? m[2] : m[1]) : err.message);
    }
    return data;
  }

  function unpaired() {
    S.token = "";
    localStorage.removeItem(KEY);
    S.pending = null;
    show("pair");
  }

  function paired(token) {
    S.token = token;
    localStorage.setItem(KEY, token);
    Hall.clearError();
    Hall.showInfo(Hall.t("rate_paired"));
    follow();
    update();
  }

  function follow() {
    const sub = { evaluations: [n], tablet: S.token };
    if (S.feed) { S.feed.resubscribe(sub); return; }
    S.feed = Hall.live(sub, (msg) => {
      if (msg.type === "error" && msg.code === "tablet_not_paired") { unpaired(); return; }
      if (msg.type !== "evaluation" || msg.window !== n) return;
      const p = msg.data.pending;
      if (!p || !S.pending || p.ticket_id !== S.pending.ticket_id) S.rating = null;
      S.pending = p;
      S.clerk = msg.data.clerk || null;
      clerkCard();
      S.at = Date.now();
      update();
    });
  }

  $("pair-code-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const r = await call("POST", `/api/evaluations/${n}/pair`, { code: $("pair-code").value.trim() });
      $("pair-code").value = "";
      paired(r.tablet_token);
    } catch (e) { Hall.showError(e); }
  });
  $("pair-login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const who = await call("POST", "/api/auth/login",
                             { username: $("pair-username").value.trim(), password: $("pair-password").value });
      const r = await call("POST", `/api/evaluations/${n}/pair`, {}, who.access_token);
      await call("POST", "/api/auth/logout", undefined, who.access_token).catch(() => null);
      $("pair-password").value = "";
      paired(r.tablet_token);
    } catch (e) { Hall.showError(e); }
  });

  function left() {
    return S.pending ? Math.max(0, Math.round(S.pending.remaining_s - (Date.now() - S.at) / 1000)) : 0;
  }

  function update() {
    if (!S.token) { show("pair"); return; }
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
      await call("POST", `/api/evaluations/${n}/result`, Object.assign({ rating, ticket_id: p.ticket_id }, detail || {}));
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

  if (S.token) follow();
  update();
  setInterval(update, 1000);
})();
