// Small enhancements for console forms; every form works without this file. Uploads with a progress
// bar are upload.js, shared with the portal.
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

// A select marked data-navigate leaves the page's in-place updates: the form is sent as a plain GET
// (the revoked links' Status goes back to the Links page, whose filters differ).
document.addEventListener("change", (ev) => {
  const select = ev.target.closest && ev.target.closest("select[data-navigate]");
  if (select && select.form) select.form.submit();
});

// Older events added below a link's timeline take the focus, so keyboard and screen reader users
// continue where they are instead of at the top of the page.
document.addEventListener("htmx:afterSettle", () => {
  const added = document.querySelector("[data-history-added]");
  if (added) {
    added.removeAttribute("data-history-added");
    added.focus();
  }
});

// Destructive forms ask first. Confirmed here, the form says so and the server acts at once; without
// this script the server answers with its own confirmation page instead.
document.addEventListener("submit", (ev) => {
  const form = ev.target;
  const question = form.getAttribute("data-confirm");
  if (!question) return;
  if (!window.confirm(question)) {
    ev.preventDefault();
    return;
  }
  if (!form.querySelector('input[name="confirmed"]')) {
    const confirmed = document.createElement("input");
    confirmed.type = "hidden";
    confirmed.name = "confirmed";
    confirmed.value = "yes";
    form.append(confirmed);
  }
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

// Forms: expiry dates and field errors. Every form works without this block; it only keeps the expiry
// controls from contradicting each other, reports the viewer's time zone for "the end of that day",
// and puts the focus where a person needs it after an in-place update.
(() => {
  // Minutes east of UTC at the end of the chosen day, in the viewer's zone (DST-correct for that day).
  const zoneOf = (value) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
    if (!m) return "";
    return String(-new Date(+m[1], +m[2] - 1, +m[3], 23, 59, 59).getTimezoneOffset());
  };
  const syncDate = (date) => {
    const form = date.form;
    if (!form) return;
    const tz = form.querySelector("[data-tz-offset]");
    if (tz) tz.value = zoneOf(date.value);
    const preset = form.querySelector("[data-expiry-preset]");
    if (preset && date.value) preset.value = "custom";
  };
  document.addEventListener("change", (ev) => {
    const el = ev.target;
    if (el.matches && el.matches("[data-expiry-date]")) syncDate(el);
    // A preset chosen after a date: the preset is what is meant now, so the date goes.
    if (el.matches && el.matches("[data-expiry-preset]") && el.value !== "custom" && el.form) {
      const date = el.form.querySelector("[data-expiry-date]");
      if (date) { date.value = ""; syncDate(date); }
    }
  });
  document.addEventListener("input", (ev) => {
    if (ev.target.matches && ev.target.matches("[data-expiry-date]")) syncDate(ev.target);
  });
  const init = () => document.querySelectorAll("[data-expiry-date]").forEach(syncDate);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();

  // After htmx swaps in content with field errors, the first field with a problem gets the focus, as
  // autofocus gives it on a whole page. After the New link chooser is swapped (a folder opened), a
  // focus left on nothing goes to its first choice.
  document.addEventListener("htmx:afterSettle", (ev) => {
    const target = ev.detail && ev.detail.target;
    if (!target || !target.isConnected) return;
    const scope = target.closest("form") || target;
    if (scope.querySelector("[data-error-summary]") || target.querySelector("[data-error-summary]")) {
      const first = target.querySelector("[autofocus], [aria-invalid=true]") || scope.querySelector("[aria-invalid=true]");
      if (first) { first.focus(); return; }
    }
    if (target.matches("[data-chooser]") && (document.activeElement === document.body || !document.activeElement)) {
      const next = target.querySelector("input[type=checkbox], #search");
      if (next) next.focus();
    }
  });
})();

// ---- Links list (views/console/links.templ): the filter form updates the table in place. ----
// Four things keep that from surprising anyone:
// 1. a change that changes nothing (leaving a search box whose text htmx already searched for) sends
//    no request, so the table is not replaced under a row being ticked;
// 2. rows ticked for revoking stay ticked when the table is replaced and still shows them;
// 3. after browser Back the filter boxes show the filter of the table htmx put back (the address);
// 4. focus that was in the table goes back to the same control, else to the table itself.
(() => {
  const filterForm = () => document.querySelector("form[data-link-filters]");

  // The view a form asks for, as comparable text: empty fields are left out, as in the address.
  const viewOf = (form) => {
    const parts = [];
    for (const [name, value] of new FormData(form)) {
      if (value !== "") parts.push(name + "=" + value);
    }
    return parts.sort().join("&");
  };

  // The view the table shows now.
  let shown = null;
  const remember = () => {
    const form = filterForm();
    shown = form ? viewOf(form) : null;
  };

  // Sets every filter control from the address; a control the address does not name takes its
  // default. "recipient" is the old name of the person box.
  const fromAddress = (form) => {
    const q = new URLSearchParams(window.location.search);
    if (!q.has("person") && q.has("recipient")) q.set("person", q.get("recipient"));
    for (const el of form.elements) {
      if (!el.name || el.type === "submit" || el.type === "button") continue;
      const fallback = el.getAttribute("data-default") || "";
      const value = q.has(el.name) ? q.get(el.name) : fallback;
      if (el.tagName === "SELECT" && !Array.from(el.options).some((o) => o.value === value)) {
        el.value = fallback;
      } else {
        el.value = value;
      }
      el.removeAttribute("aria-invalid");
    }
    const more = form.querySelector("details.more");
    if (more) more.open = Array.from(more.querySelectorAll("input")).some((i) => i.value !== "");
  };

  const sentViews = new WeakMap(); // request → the view it asked for

  document.addEventListener("htmx:confirm", (ev) => {
    const form = filterForm();
    const cause = ev.detail.triggeringEvent;
    if (!form || ev.detail.elt !== form || !cause || (cause.type !== "change" && cause.type !== "input")) return;
    // A table marked out of date (a failed update) is fetched again all the same.
    if (viewOf(form) === shown && !document.querySelector("#results.stale")) ev.preventDefault();
  });
  document.addEventListener("htmx:beforeRequest", (ev) => {
    const form = filterForm();
    if (form && ev.detail.elt === form && ev.detail.xhr) sentViews.set(ev.detail.xhr, viewOf(form));
  });
  document.addEventListener("htmx:afterRequest", (ev) => {
    if (ev.detail.successful && ev.detail.xhr && sentViews.has(ev.detail.xhr)) shown = sentViews.get(ev.detail.xhr);
  });

  // Ticks and focus across a replaced table.
  let ticked = [];
  let focusWasInTable = false;
  document.addEventListener("htmx:beforeSwap", (ev) => {
    const results = document.getElementById("results");
    if (!results || ev.detail.target !== results) return;
    ticked = Array.from(results.querySelectorAll('input[name="id"]:checked'), (box) => box.value);
    focusWasInTable = results.contains(document.activeElement);
  });
  document.addEventListener("htmx:afterSettle", () => {
    const results = document.getElementById("results");
    if (!results) return;
    for (const id of ticked) {
      const box = document.getElementById("select-" + id);
      if (box) box.checked = true;
    }
    ticked = [];
    // htmx gives focus back to a control with the same id; when there is none, the table keeps it.
    if (focusWasInTable && (!document.activeElement || document.activeElement === document.body)) results.focus();
    focusWasInTable = false;
  });

  document.addEventListener("htmx:historyRestore", () => {
    const form = filterForm();
    if (!form) return;
    fromAddress(form);
    remember();
  });

  remember();
})();
