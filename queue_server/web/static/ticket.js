/* The citizen's ticket status (from the QR code): place in line, predicted wait, live. */
"use strict";
(() => {
  const number = Hall.DATA.number;
  const $ = (id) => document.getElementById(id);
  if (!Hall.DATA.ticket) return;
  const en = Hall.DATA.lang === "en";
  const windowName = (t) => (en && t.window ? `window ${t.window}` : t.window_name || String(t.window));

  function render(t) {
    if (!t) return;
    $("t-number").textContent = t.number;
    $("t-queue").textContent = `${t.queue} ${Hall.queueName(t.queue)}`;
    const msg = $("t-msg");
    const sub = $("t-sub");
    sub.textContent = "";
    msg.className = "ticket-msg";
    if (t.state === "waiting") {
      msg.textContent = t.ahead > 0 ? Hall.t("ahead_n", { n: t.ahead }) : Hall.t("predicted_soon");
      if (t.ahead > 0) sub.textContent = Hall.t("predicted", { m: Math.max(1, Math.round(t.predicted_wait_s / 60)) });
      if (t.queue !== t.number[0]) sub.textContent = [Hall.t("msg_moved", { queue: Hall.queueName(t.queue) }), sub.textContent].filter(Boolean).join(" · ");
    } else if (t.state === "called") {
      msg.textContent = Hall.t("go_to_window", { window: windowName(t) });
      msg.className = "ticket-msg call";
    } else if (t.state === "serving") {
      msg.textContent = Hall.t("msg_serving", { window: windowName(t) });
    } else {
      msg.textContent = Hall.t({ done: "msg_done", no_show: "msg_no_show", not_started: "msg_not_started", cancelled: "msg_cancelled",
                                 expired: "msg_expired" }[t.state] || "state_" + t.state);
      msg.className = "ticket-msg ended";
    }
    $("t-updated").textContent = Hall.t("updated", { time: Hall.hallNow(t.issued_at) });
    document.body.dataset.state = t.state;
  }

  render(Hall.DATA.ticket);
  Hall.live({ tickets: [number] }, (msg) => {
    if (msg.type === "ticket" && msg.number === number && msg.data) render(msg.data);
  });
})();
