// A "Print" button on the label pages: shown only when this script runs, and it
// opens the browser's print dialog. Without it, the page says to print as usual.
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
