// Progressive enhancement for the recipient portal; every form works without it. Uploads with a
// progress bar are upload.js, shared with the console.
"use strict";

// Ask before deleting.
document.addEventListener("submit", (ev) => {
  const form = ev.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) ev.preventDefault();
});
