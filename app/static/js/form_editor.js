// The form editor: the JSON on the left, the participants' rendering on the right, live.
(function () {
  "use strict";
  var editor = document.querySelector(".form-editor");
  if (!editor) { return; }
  var source = document.getElementById("form-source");
  var preview = document.getElementById("form-preview");
  var previewError = document.getElementById("preview-error");
  var statusLine = document.getElementById("form-status");
  var problemList = document.getElementById("form-problems");
  var timer = null;

  function post(url, method) {
    return fetch(url, {
      method: method,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": editor.dataset.csrf },
      body: JSON.stringify({ content: source.value })
    }).then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); });
  }

  function refresh() {
    post(editor.dataset.previewUrl, "POST").then(function (answer) {
      previewError.hidden = !answer.body.error;
      previewError.textContent = answer.body.error || "";
      if (!answer.body.error) { preview.innerHTML = answer.body.html; }  // rendered and escaped by the server
    });
  }

  source.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  document.getElementById("form-save").addEventListener("click", function () {
    post(editor.dataset.saveUrl, "PUT").then(function (answer) {
      statusLine.textContent = answer.body.message || "";
      statusLine.className = answer.ok ? "ok" : "broken";
      problemList.textContent = "";
      (answer.body.problems || []).forEach(function (p) {
        var item = document.createElement("li");
        item.className = p.severity || "error";
        item.textContent = p.file + (p.element_id ? " · " + p.element_id : "") + editor.dataset.colon + p.message;
        problemList.appendChild(item);
      });
    });
  });
}());
