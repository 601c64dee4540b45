/* The window caller: the clerk's buttons and keys; follows the window live, whoever drives it
   (this page, the RS-485 caller keypad, the manager). */
"use strict";
(() => {
  const n = Hall.DATA.window;
  const me = Hall.requireLogin(["clerk", "manager", "admin"]);
  if (!me) return;
  const $ = (id) => document.getElementById(id);
  const buttons = [...document.querySelectorAll("button.act")];
  const pick = $("win-pick");
  if (me.role !== "clerk" || !me.window) {  // managers and clerks without a window may work at any
    pick.hidden = false;
    pick.addEventListener("change", () => { location.href = "/window/" + pick.value; });
  }
  const S = { win: null, ticket: null, waited: null, queues: [], evaluation: null, evalAt: 0, busy: false,
              transfer: false, sig: "", skew: 0, ended: null, links: null };

  async function refresh() {
    try {
      const d = await Hall.api("GET", `/api/windows/${n}/current`);
      S.win = d.window; S.ticket = d.ticket; S.waited = d.waited_s;
      S.skew = Date.parse(d.at) - Date.now();
      render();
    } catch (e) { Hall.showError(e); }
  }

  function current() {
    return S.ticket && (S.ticket.state === "called" || S.ticket.state === "serving") ? S.ticket : null;
  }

  function waitingHere() {
    const w = S.win;
    return S.queues.filter((q) => w.queues.includes(q.code)).reduce((a, q) => a + q.waiting, 0);
  }

  function enabled(action) {
    const w = S.win;
    if (!w || S.busy || S.transfer) return false;
    const cur = current();
    switch (action) {
      case "call_next": return w.status === "open" && waitingHere() > 0;
      case "recall": case "no_show": case "start": return !!cur && cur.state === "called";
      case "finish": return !!cur;
      case "transfer": return !!cur && Hall.DATA.queues.some((q) => q.code !== cur.queue);
      case "pause": return w.status === "open";
      case "resume": return w.status === "paused";
      case "open": return w.status === "closed";
      case "close": return w.status !== "closed";
      default: return false;
    }
  }

  function visible(action) {
    const st = S.win ? S.win.status : "closed";
    if (action === "pause") return st === "open";
    if (action === "resume") return st === "paused";
    if (action === "open") return st === "closed";
    return true;
  }

  async function post(path, body) {
    S.busy = true;
    render();
    Hall.clearError();
    Hall.clearInfo();  // what it said was about the state before this action
    const before = current();
    try {
      const r = await Hall.api("POST", `/api/windows/${n}/${path}`, body);
      if (path === "call-next" && !r) Hall.showInfo(Hall.t("nobody_waiting"));
      else if (path === "call-next" && before && r.number === before.number) {
        Hall.showInfo(Hall.t("guarded", { number: r.number }));
      }
      const onTicket = ["call-next", "recall", "no-show", "start", "finish", "transfer"].includes(path);
      if (onTicket) S.ended = r && !["called", "serving"].includes(r.state) ? r : null;
      return true;
    } catch (e) {
      Hall.showError(e);
      return false;
    } finally {
      S.busy = false;
      await refresh();
    }
  }

  /* 过号, and 关窗 with a ticket still at the window, ask first. */
  function noShow() {
    const cur = current();
    if (cur && window.confirm(Hall.t("confirm_no_show", { number: cur.number }))) post("no-show");
  }

  async function closeWindow() {
    const cur = current();
    if (cur) {
      const key = cur.state === "serving" ? "confirm_close_serving" : "confirm_close_called";
      if (!window.confirm(Hall.t(key, { number: cur.number }))) return;
      if (!(await post(cur.state === "serving" ? "finish" : "no-show"))) return;
    }
    post("close");
  }

  const ACTIONS = {
    call_next: () => post("call-next"), recall: () => post("recall"), no_show: noShow,
    start: () => post("start"), finish: () => post("finish"), pause: () => post("pause"),
    resume: () => post("open"), open: () => post("open"), close: closeWindow,
    transfer: () => openTransfer(),
  };

  function openTransfer() {
    const cur = current();
    if (!cur) return;
    const box = $("transfer-queues");
    box.replaceChildren(...Hall.DATA.queues.filter((q) => q.code !== cur.queue).map((q) =>
      Hall.el("button", { type: "button", class: "act", "data-queue": q.code, onclick: () => doTransfer(q.code) },
        Hall.t("transfer_to", { code: q.code, name: q.name }), Hall.el("kbd", {}, q.code))));
    S.transfer = true;
    $("transfer").hidden = false;
    render();
  }

  function closeTransfer() {
    S.transfer = false;
    $("transfer").hidden = true;
    render();
  }

  function doTransfer(code) {
    closeTransfer();
    post("transfer", { queue: code });
  }

  for (const b of buttons) b.addEventListener("click", () => { if (enabled(b.dataset.action)) ACTIONS[b.dataset.action](); });
  $("transfer-cancel").addEventListener("click", closeTransfer);

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.repeat) return;
    const tag = (ev.target && ev.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    const key = ev.key.length === 1 ? ev.key.toUpperCase() : ev.key;
    if (S.transfer) {
      ev.preventDefault();
      if (key === "Escape") closeTransfer();
      const cur = current();
      if (cur && key !== cur.queue && Hall.DATA.queues.some((q) => q.code === key)) doTransfer(key);
      return;
    }
    const btn = buttons.find((b) => b.dataset.key === key && !b.hidden && enabled(b.dataset.action));
    if (btn) { ev.preventDefault(); btn.click(); }
  });

  function render() {
    const w = S.win;
    if (!w) return;
    const status = $("win-status");
    status.textContent = Hall.t("status_" + w.status);
    status.className = "badge s-" + w.status;
    $("win-clerk").textContent = w.clerk || "—";
    $("win-served").textContent = w.served_today;
    const t = S.ticket;
    $("cur-number").textContent = t ? t.number : "";
    $("cur-number").hidden = !t;
    $("cur-empty").hidden = !!t;
    $("cur-facts").hidden = !t;
    $("current").dataset.state = t ? t.state : "none";
    if (t) {
      $("cur-item").textContent = t.item_name || t.item || "—";
      $("cur-holder").textContent = t.holder || "—";
      $("cur-priority").textContent = Hall.t("prio_" + t.priority);
      $("cur-priority").className = t.priority === "normal" ? "" : "prio";
      $("cur-state").textContent = Hall.stateName(t.state);
      $("cur-waited").textContent = Hall.mmss(S.waited);
      $("cur-attempts").textContent = t.attempts;
    }
    for (const b of buttons) {
      b.hidden = !visible(b.dataset.action);
      b.disabled = !enabled(b.dataset.action);
    }
    renderStateLine();
    renderLinks();
    const body = document.querySelector("#queues tbody");
    body.replaceChildren(...S.queues.filter((q) => w.queues.includes(q.code)).map((q) =>
      Hall.el("tr", { class: q.longest_wait_s > q.target_wait_s ? "over" : null },
        Hall.el("td", {}, `${q.code} ${Hall.queueName(q.code)}`),
        Hall.el("td", { class: "num", "data-queue": q.code }, q.waiting),
        Hall.el("td", { class: "num" }, Hall.minutes(q.predicted_wait_s)),
        Hall.el("td", { class: "num" }, Hall.mmss(q.longest_wait_s)))));
    tick();
  }

  /* The line above the buttons: always what is true at this window now. */
  function renderStateLine() {
    const w = S.win, cur = current(), line = $("state-line");
    let text;
    if (cur && cur.state === "called") text = Hall.t("line_called", { number: cur.number, attempt: cur.attempts });
    else if (cur) text = Hall.t("line_serving", { number: cur.number });
    else if (S.ended) {
      const what = S.ended.state === "waiting" ? Hall.t("line_moved", { queue: S.ended.queue })
        : Hall.stateName(S.ended.state);
      text = Hall.t("line_after", { number: S.ended.number, what });
    } else text = Hall.t("line_none");
    if (w.status !== "open") text = Hall.t("line_window_" + w.status) + " · " + text;
    line.textContent = text;
    line.dataset.state = cur ? cur.state : "none";
  }

  /* Warnings when the citizen may not see or hear this window's calls. */
  function renderLinks() {
    const box = $("links-warn");
    const L = S.links;
    const out = [];
    if (L) {
      if (L.broker.connected === false) out.push(Hall.t("broker_down_clerk"));
      else {
        for (const d of L.devices) {
          if (d.kind === "display" && d.state !== "online") {
            out.push(d.seen_at ? Hall.t("display_offline_clerk", { id: d.id, time: Hall.clock(d.seen_at) })
              : Hall.t("display_never_clerk", { id: d.id }));
          }
          const mine = d.kind === "bridge" ? d.faults.filter((f) => f.startsWith(`screen_${n}_`)) : [];
          if (d.kind === "bridge" && d.state !== "online") {
            out.push(Hall.t("screen_offline_clerk", { what: Hall.t(d.state) + " " + Hall.clock(d.seen_at) }));
          } else if (mine.length) {
            out.push(Hall.t("screen_offline_clerk", { what: mine.map(Hall.faultName).join("，") }));
          }
        }
      }
    }
    box.replaceChildren(...out.map((m) => Hall.el("div", {}, "⚠ " + m)));
    box.hidden = !out.length;
  }

  function tick() {
    const t = S.ticket;
    if (t && t.called_at) $("cur-since").textContent = Hall.mmss((Date.now() + S.skew - Date.parse(t.called_at)) / 1000);
    const ev = S.evaluation;
    const box = $("rating-state");
    if (!ev) return;
    if (ev.pending) {
      const left = Math.max(0, Math.round(ev.pending.remaining_s - (Date.now() - S.evalAt) / 1000));
      box.textContent = Hall.t("rating_pending", { number: ev.pending.number, s: left });
      box.className = "pending";
    } else if (ev.last) {
      const what = ev.last.outcome === "rated" ? Hall.ratingName(ev.last.rating) : Hall.t("outcome_no_rating");
      box.textContent = `${ev.last.number}: ${what}`;
      box.className = ev.last.rating && ev.last.rating <= 2 ? "bad" : "";
    } else {
      box.textContent = Hall.t("rating_idle");
      box.className = "";
    }
  }

  Hall.live({ hall: true, evaluations: [n], links: true }, (msg) => {
    if (msg.type === "hall") {
      S.queues = msg.data.queues;
      const w = msg.data.windows.find((x) => x.number === n);
      const call = msg.data.calls.find((c) => c.window === n);
      const sig = JSON.stringify([w, call && call.at, call && call.attempt]);
      if (sig !== S.sig) { S.sig = sig; refresh(); } else render();
    } else if (msg.type === "links") {
      S.links = msg.data;
      renderLinks();
    } else if (msg.type === "evaluation" && msg.window === n) {
      S.evaluation = msg.data;
      S.evalAt = Date.now();
      tick();
    }
  });
  setInterval(tick, 1000);
  refresh();
})();
