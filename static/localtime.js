// Local times, in the console and the portal alike. Every moment on a page is a <time datetime="…Z">
// written in UTC (views.Time and views.RelTime), so the page is right without this script. Here a
// moment is shown in the viewer's own time zone with the exact UTC on hover (data-local); a relative
// one ("in 3 days", data-local-title) keeps its words and gets both on hover. Content that htmx swaps
// in is rewritten the same way.
"use strict";

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
