// The application as submitted (templates/reading/_content.html): a link of its navigation that
// points at a folded part (a <details>: a section of the plan, a submission) unfolds it, so the
// reader lands on the text rather than on a closed heading. Without this script the parts still
// open with a click on their headings.
(function () {
  "use strict";
  function unfold(target) {
    for (let node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS") node.open = true;
    }
  }
  document.querySelectorAll(".reading-nav a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function () {
      const target = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (target) unfold(target);
    });
  });
  if (location.hash) {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.closest(".reading")) unfold(target);
  }
})();
