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

  // Alerts: a tone (Web Audio, no file) and a vibration where the phone allows, once when the ticket is
  // ALERT_AHEAD or fewer from the front and at every call. Browsers let a page sound only after a tap.
  const near = Hall.DATA.alert_ahead || 3;
  let audio = null;
  let alerted = { near: false, attempt: 0 };
  function tone(times) {
    if (!audio) return;
    for (let i = 0; i < times; i++) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = 880;
      gain.gain.value = 0.3;
      osc.connect(gain).connect(audio.destination);
      const at = audio.currentTime + i * 0.45;
      osc.start(at);
      osc.stop(at + 0.3);
    }
  }
  function alertNow(kind) {
    document.body.dataset.alert = kind;
    tone(kind === "called" ? 3 : 1);
    if (navigator.vibrate) navigator.vibrate(kind === "called" ? [400, 200, 400, 200, 400] : [300]);
  }
  function nearNote() {
    const sub = $("t-sub");
    sub.textContent = [sub.textContent, Hall.t("alert_near")].filter(Boolean).join(" · ");
  }
  function watch(t) {
    if (t.state === "waiting" && t.ahead <= near) {
      nearNote();
      if (!alerted.near) {
        alerted.near = true;
        alertNow("near");
      }
    }
    if (t.state === "called" && (t.attempts || 1) !== alerted.attempt) {
      alerted.attempt = t.attempts || 1;
      alertNow("called");
    }
  }
  const button = $("t-alert");
  if (button) {
    button.addEventListener("click", () => {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx && !audio) audio = new Ctx();
      if (audio && audio.state === "suspended") audio.resume();
      if (navigator.vibrate) navigator.vibrate(50);
      button.textContent = Hall.t("alert_on");
      button.disabled = true;
    });
  }
  const first = Hall.DATA.ticket;
  render(first);
  if (first.state === "waiting" && first.ahead <= near) nearNote();
  if (first.state === "waiting" && first.ahead <= near) alerted.near = true;  // no alarm for what is known
  if (first.state === "called") alerted.attempt = first.attempts || 1;
  Hall.live({ tickets: [number] }, (msg) => {
    if (msg.type === "ticket" && msg.number === number && msg.data) { render(msg.data); watch(msg.data); }
  });
})();
