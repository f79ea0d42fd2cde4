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
