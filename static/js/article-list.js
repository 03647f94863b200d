// The article list works without this file; it adds a box that ticks every article
// of the page for the bulk actions.
(function () {
  const boxes = Array.from(document.querySelectorAll('input[name="articles"][form="bulk-actions"]'));
  const header = document.querySelector("table.articles thead th");
  if (!document.getElementById("bulk-actions") || !boxes.length || !header) return;
  const all = document.createElement("input");
  all.type = "checkbox";
  all.setAttribute("aria-label", "Select every article on this page");
  all.addEventListener("change", function () {
    boxes.forEach(function (box) { box.checked = all.checked; });
  });
  header.appendChild(all);
})();
