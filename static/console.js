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
