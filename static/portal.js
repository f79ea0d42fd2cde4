// Progressive enhancement for the recipient portal; every form works without it.
"use strict";

// Ask before deleting.
document.addEventListener("submit", (ev) => {
  const form = ev.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) ev.preventDefault();
});

// Upload with a progress bar: send the same multipart form with XMLHttpRequest, then follow the
// server's redirect to the page that lists the result.
document.addEventListener("submit", (ev) => {
  const form = ev.target;
  const barId = form.getAttribute("data-progress");
  if (!barId || ev.defaultPrevented) return;
  ev.preventDefault();
  const bar = document.getElementById(barId);
  const status = document.getElementById("upload-status");
  const button = form.querySelector("button[type=submit]");
  const xhr = new XMLHttpRequest();
  xhr.open("POST", form.action);
  // Ask for the next address instead of a redirect, so the page that shows the result is loaded once.
  xhr.setRequestHeader("X-Portal-Upload", "1");
  bar.hidden = false;
  button.disabled = true;
  xhr.upload.addEventListener("progress", (e) => {
    if (!e.lengthComputable) return;
    const pct = Math.round((e.loaded / e.total) * 100);
    bar.value = pct;
    status.textContent = "Uploading… " + pct + "%";
  });
  xhr.addEventListener("load", () => {
    let next = window.location.href;
    try {
      next = JSON.parse(xhr.responseText).location || next;
    } catch (_) {
      // not JSON: an error page; reload to show the message the server kept for us
    }
    status.textContent = "Upload finished.";
    window.location.assign(next);
  });
  xhr.addEventListener("error", () => {
    button.disabled = false;
    status.textContent = "The upload failed: check your connection and try again.";
  });
  xhr.send(new FormData(form));
});

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
