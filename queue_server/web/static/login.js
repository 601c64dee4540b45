/* Staff login: the token goes to sessionStorage (gone when the tab closes). */
"use strict";
(() => {
  const form = document.getElementById("login-form");

  function home(r) {
    if (r.role === "clerk") return "/window/" + (r.window || 1);
    if (r.role === "auditor") return "/report";
    return "/console";
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    Hall.clearError();
    const username = document.getElementById("username").value.trim();
    const password = document.getElementById("password").value;
    try {
      const r = await Hall.api("POST", "/api/auth/login", { username, password });
      Hall.session.set({ token: r.access_token, role: r.role, username: r.username, window: r.window });
      let next = Hall.DATA.next || "";
      // only a path on this server (the server already dropped anything else): never //host or /\host
      if (!/^\/(?![\/\\])/.test(next) || next.includes("\\") || next.startsWith("/login")) next = home(r);
      location.href = next;
    } catch (err) {
      Hall.showError(err);
      document.getElementById("password").select();
    }
  });
})();
