// Small enhancements for console forms; every form works without this file.
"use strict";

document.addEventListener("click", (ev) => {
  const copy = ev.target.closest("[data-copy]");
  if (copy) {
    const field = document.getElementById(copy.getAttribute("data-copy"));
    if (field && navigator.clipboard) {
      navigator.clipboard.writeText(field.value).then(() => { copy.textContent = "Copied"; });
    } else if (field) {
      field.select();
    }
  }
  const gen = ev.target.closest("[data-generate]");
  if (gen) {
    const field = document.getElementById(gen.getAttribute("data-generate"));
    const words = "amber basil cedar delta ember fjord glade harbor island juniper kestrel lumen meadow nectar orbit pebble quartz river saffron tundra umber violet willow xenon yarrow zephyr".split(" ");
    const pick = new Uint32Array(4);
    crypto.getRandomValues(pick);
    field.value = Array.from(pick, (n) => words[n % words.length]).join("-") + "-" + (pick[0] % 90 + 10);
  }
});

document.addEventListener("submit", (ev) => {
  const question = ev.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) ev.preventDefault();
});

// Upload with progress: the same form, sent by XMLHttpRequest; the server answers with where to go.
document.addEventListener("submit", (ev) => {
  const form = ev.target;
  const barId = form.getAttribute("data-progress");
  if (!barId || ev.defaultPrevented) return;
  ev.preventDefault();
  const bar = document.getElementById(barId);
  const status = form.querySelector("[role=status]");
  const xhr = new XMLHttpRequest();
  xhr.open("POST", form.action);
  xhr.setRequestHeader("X-Upload-Progress", "1");
  bar.hidden = false;
  xhr.upload.addEventListener("progress", (e) => {
    if (!e.lengthComputable) return;
    bar.value = Math.round((e.loaded / e.total) * 100);
    status.textContent = "Uploading… " + bar.value + "%";
  });
  xhr.addEventListener("load", () => {
    let next = window.location.href;
    try { next = JSON.parse(xhr.responseText).location || next; } catch (_) { /* error page: reload shows the message */ }
    window.location.assign(next);
  });
  xhr.addEventListener("error", () => { status.textContent = "The upload failed: check your connection and try again."; });
  xhr.send(new FormData(form));
});

// htmx requests that fail (an error status, no answer, a timeout) would otherwise change nothing on
// screen while the filter shows its new value over the old rows. Say so right above what was to be
// updated, mark it as out of date, and offer to send the request again.
(() => {
  const boxId = "htmx-error";

  const clear = () => {
    const box = document.getElementById(boxId);
    if (box) box.remove();
    document.querySelectorAll(".stale").forEach((el) => {
      el.classList.remove("stale");
      el.removeAttribute("aria-describedby");
    });
  };

  // The console's error pages carry their heading and message; anything else gets the HTTP status.
  const fromResponse = (xhr) => {
    try {
      const doc = new DOMParser().parseFromString(xhr.responseText || "", "text/html");
      const heading = doc.querySelector("[data-error-heading]");
      const message = doc.querySelector("[data-error-message]");
      if (heading && message) return heading.textContent.trim() + ". " + message.textContent.trim();
    } catch (_) { /* not HTML: fall through */ }
    return "The console answered with an error (HTTP " + xhr.status + ").";
  };

  const render = (target, message, retry) => {
    if (!target || !target.parentNode) return;
    clear();
    const box = document.createElement("div");
    box.id = boxId;
    box.className = "alert htmx-error";
    box.setAttribute("role", "alert");
    const text = document.createElement("p");
    text.textContent = message + " What is shown below is from before this change.";
    box.append(text);
    if (retry) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Try again";
      button.addEventListener("click", retry);
      box.append(button);
    }
    target.parentNode.insertBefore(box, target);
    target.classList.add("stale");
    target.setAttribute("aria-describedby", boxId);
  };

  const show = (ev, message) => {
    const cfg = ev.detail.requestConfig || {};
    const target = ev.detail.target || cfg.target || ev.detail.elt;
    render(target, message, () => {
      const source = cfg.elt || ev.detail.elt;
      if (window.htmx && source && source.isConnected) {
        window.htmx.ajax((cfg.verb || "get").toUpperCase(), cfg.path || source.getAttribute("hx-get"), { source: source });
      } else {
        window.location.reload();
      }
    });
  };

  // A field the browser finds invalid (a fraction in a whole-number box) stops htmx from sending
  // anything: without this, later changes would seem to apply while nothing is updated.
  document.addEventListener("htmx:validation:halted", (ev) => {
    const form = ev.detail.elt;
    const first = (ev.detail.errors || [])[0];
    const field = first && first.elt;
    const selector = form && form.getAttribute("hx-target");
    const target = (selector && document.querySelector(selector)) || form;
    const label = field && field.labels && field.labels[0] ? field.labels[0].textContent.trim() : "A field";
    render(target, label + ": " + (field ? field.validationMessage : "not valid") + " Correct it to update the list.", null);
    if (field) field.setAttribute("aria-invalid", "true");
  });
  document.addEventListener("input", (ev) => {
    if (ev.target.getAttribute && ev.target.getAttribute("aria-invalid") === "true" && ev.target.checkValidity()) {
      ev.target.removeAttribute("aria-invalid");
    }
  });

  document.addEventListener("htmx:responseError", (ev) => show(ev, fromResponse(ev.detail.xhr)));
  document.addEventListener("htmx:sendError", (ev) =>
    show(ev, "The console could not be reached. Check your connection and try again."));
  document.addEventListener("htmx:timeout", (ev) =>
    show(ev, "The console took too long to answer. Try again in a moment."));
  document.addEventListener("htmx:afterRequest", (ev) => {
    if (ev.detail.successful) clear();
  });
})();

// Local times. Every moment on a page is a <time datetime="…Z"> written in UTC (views.Time and
// views.RelTime), so the page is right without this script. Here a moment is shown in the viewer's own
// time zone with the exact UTC on hover (data-local); a relative one ("in 3 days", data-local-title)
// keeps its words and gets both on hover. Content that htmx swaps in is rewritten the same way.
(() => {
  const pageLang = (document.documentElement.lang || "en").split("-")[0];
  // The viewer's own variant of the page's language (en-GB writes "Tue, 31 Mar 2026, 16:05", en-US
  // "Tue, Mar 31, 2026, 04:05 PM"): the browser's own locale first, then the languages the viewer
  // asks for; never another language in the middle of an English page.
  const locale = [Intl.DateTimeFormat().resolvedOptions().locale, ...(navigator.languages || [])]
    .find((l) => l && l.split("-")[0] === pageLang) || pageLang;
  const local = new Intl.DateTimeFormat(locale, {
    weekday: "short", day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short",
  });
  const pad = (n) => String(n).padStart(2, "0");
  const utc = (d) => d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
    pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + " UTC";

  const rewrite = (root) => {
    if (!root || !root.querySelectorAll) return;
    const found = [...root.querySelectorAll("time[data-local], time[data-local-title]")];
    if (root.matches && root.matches("time[data-local], time[data-local-title]")) found.push(root);
    for (const el of found) {
      const d = new Date(el.getAttribute("datetime"));
      if (Number.isNaN(d.getTime())) continue;
      if (el.hasAttribute("data-local")) {
        el.textContent = local.format(d);
        el.title = utc(d);
      } else {
        el.title = local.format(d) + " (" + utc(d) + ")";
      }
    }
  };

  rewrite(document); // the script is deferred: the whole page is parsed by now
  document.addEventListener("htmx:load", (ev) => rewrite(ev.detail.elt));
  document.addEventListener("htmx:afterSwap", (ev) => rewrite(ev.detail.target));
})();
