// Enhancements only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so keyboard and screen-reader users hear what went wrong.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
  // Filters fold away on phones (closed <details>); a wide screen has room to show them.
  if (window.matchMedia("(min-width: 40rem)").matches) {
    document.querySelectorAll("details.filters").forEach((details) => { details.open = true; });
  }
});
