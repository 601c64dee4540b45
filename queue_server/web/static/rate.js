/* The customer-facing rating tablet at one window: paired once by a manager (a pairing code, or the
   manager logging in here), then no login; shows the pending request live, five big buttons, a reason
   after 不满意/非常不满意, one rating per visit. Only the paired tablet sees and answers its window. */
"use strict";
(() => {
  const n = Hall.DATA.window;
  const $ = (id) => document.getElementById(id);
  const KEY = "hall.tablet." + n;
  const S = { pending: null, at: 0, answered: new Set(), rating: null, thanksUntil: 0,
              token: localStorage.getItem(KEY) || "", feed: null };

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

  async function submit(rating, reason) {
    const p = S.pending;
    if (!p) return;
    Hall.clearError();
    S.answered.add(p.ticket_id);
    S.rating = null;
    try {
      await call("POST", `/api/evaluations/${n}/result`, { rating, reason: reason || null, ticket_id: p.ticket_id });
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

  if (S.token) follow();
  update();
  setInterval(update, 1000);
})();
