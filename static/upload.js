// Uploads with a progress bar, in the console and the portal alike; every upload form works without
// this file (a plain post, answered with a redirect).
//
// A form marked data-progress="ID" is sent by XMLHttpRequest instead, its progress shown in the bar of
// that id and in the form's role=status element; the server answers with where to go next ({"location"}).
// What differs between pages the form says in its markup:
//   data-upload-header  the request header that asks for that answer instead of a redirect (the console
//                       reads X-Upload-Progress, the portal X-Portal-Upload);
//   data-upload-lock    the submit button is disabled while the upload runs;
//   data-upload-done    what the status says once the upload is sent, while the next page loads.
"use strict";

(() => {
  const show = (bar, status, loaded, total) => {
    bar.hidden = false;
    bar.value = Math.round((loaded / total) * 100);
    if (status) status.textContent = "Uploading… " + bar.value + "%";
  };

  // Runs after the page's own submit handlers (the layouts load this script after them), so a form whose
  // confirmation was declined is not sent.
  document.addEventListener("submit", (ev) => {
    const form = ev.target;
    const barId = form.getAttribute("data-progress");
    if (!barId || ev.defaultPrevented) return;
    ev.preventDefault();
    const bar = document.getElementById(barId);
    const status = form.querySelector("[role=status]");
    const button = form.hasAttribute("data-upload-lock") ? form.querySelector("button[type=submit]") : null;
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    const header = form.getAttribute("data-upload-header");
    if (header) xhr.setRequestHeader(header, "1");
    bar.hidden = false;
    if (button) button.disabled = true;
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) show(bar, status, e.loaded, e.total);
    });
    xhr.addEventListener("load", () => {
      let next = window.location.href;
      try {
        next = JSON.parse(xhr.responseText).location || next;
      } catch (_) {
        // not JSON: an error page; reloading shows the message the server kept for this page
      }
      const done = form.getAttribute("data-upload-done");
      if (done) status.textContent = done;
      window.location.assign(next);
    });
    xhr.addEventListener("error", () => {
      if (button) button.disabled = false;
      status.textContent = "The upload failed: check your connection and try again.";
    });
    xhr.send(new FormData(form));
  });

  // Uploads that htmx sends (the console's New link form: its Upload button, data-progress) show the
  // same progress, in the status element next to the bar.
  document.addEventListener("htmx:xhr:progress", (ev) => {
    const barId = ev.target.getAttribute && ev.target.getAttribute("data-progress");
    const bar = barId && document.getElementById(barId);
    if (!bar || !ev.detail.lengthComputable || !ev.detail.total) return;
    show(bar, bar.parentElement.querySelector("[role=status]"), ev.detail.loaded, ev.detail.total);
  });
})();
