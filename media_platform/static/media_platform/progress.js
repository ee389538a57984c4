/* Live status badges and progress bars for the media platform admin.
 *
 * Elements carry data-mp-badge / data-mp-bar = <kind> and data-mp-id = <pk>; a JSON config
 * (#mp-progress-config) maps each kind to the endpoint that reports it. Every endpoint answers
 * {"<kind>": {"<id>": {label, tone, progress, active, fields?}}, ...} for ?ids=1,2,3, and may
 * report other kinds too (a process reports its jobs). Polls every 1.5 s while something on the
 * page is active, every 10 s otherwise, and never reloads the page.
 */
(function () {
  "use strict";
  var FAST = 1500, SLOW = 10000;
  var configNode = document.getElementById("mp-progress-config");
  if (!configNode) return;
  var endpoints = JSON.parse(configNode.textContent);

  function nodes(kind, id) {
    var sel = '[data-mp-id="' + id + '"]';
    return {
      badges: document.querySelectorAll('[data-mp-badge="' + kind + '"]' + sel),
      bars: document.querySelectorAll('[data-mp-bar="' + kind + '"]' + sel),
      texts: document.querySelectorAll('[data-mp-text^="' + kind + ":" + id + ':"]'),
    };
  }

  function idsByKind() {
    var found = {};
    document.querySelectorAll("[data-mp-id]").forEach(function (el) {
      var kind = el.getAttribute("data-mp-badge") || el.getAttribute("data-mp-bar");
      if (!kind || !endpoints[kind]) return;
      (found[kind] = found[kind] || {})[el.getAttribute("data-mp-id")] = true;
    });
    return found;
  }

  function apply(kind, id, state) {
    var found = nodes(kind, id);
    found.badges.forEach(function (el) {
      el.textContent = state.label;
      el.className = el.className.replace(/\bmp-tone-\S+/g, "").trim() + " mp-tone-" + state.tone;
    });
    found.bars.forEach(function (el) {
      var value = Math.max(0, Math.min(100, Math.round(state.progress)));
      // A bar that was shown while the work ran stays, at its final value; others appear when it starts.
      if (state.active) el.hidden = false;
      el.setAttribute("data-progress", String(value));
      el.setAttribute("aria-valuenow", String(value));
      var fill = el.querySelector(".mp-bar-fill");
      var text = el.querySelector(".mp-bar-text");
      if (fill) fill.style.width = value + "%";
      if (text) text.textContent = value + "%";
    });
    found.texts.forEach(function (el) {
      var field = el.getAttribute("data-mp-text").split(":")[2];
      if (state.fields && field in state.fields) el.textContent = state.fields[field];
    });
  }

  var anyActive = true;
  var timer = null;

  function poll() {
    timer = null;
    var wanted = idsByKind();
    var kinds = Object.keys(wanted);
    if (!kinds.length) return;
    var requests = kinds.map(function (kind) {
      var url = endpoints[kind] + "?ids=" + Object.keys(wanted[kind]).join(",");
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .catch(function () { return {}; });
    });
    Promise.all(requests).then(function (answers) {
      var active = false;
      answers.forEach(function (answer) {
        Object.keys(answer).forEach(function (kind) {
          var states = answer[kind];
          if (!states || typeof states !== "object") return;
          Object.keys(states).forEach(function (id) {
            apply(kind, id, states[id]);
            if (states[id].active) active = true;
          });
        });
      });
      anyActive = active;
      document.documentElement.setAttribute("data-mp-polled", String(Date.now()));
      schedule();
    });
  }

  function schedule() {
    if (timer === null) timer = window.setTimeout(poll, anyActive ? FAST : SLOW);
  }

  document.addEventListener("DOMContentLoaded", function () {
    anyActive = document.querySelector('.mp-bar:not([hidden])') !== null;
    window.setTimeout(poll, 300);
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && timer !== null) {
      window.clearTimeout(timer);
      timer = null;
      poll();
    }
  });
})();
