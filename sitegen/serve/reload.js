// sitegen serve: reload when the catalog changes, swap the stylesheet when only CSS changed, and show
// what stops the build over the page (as text: nothing in it is read as HTML). Never in built sites.
(function () {
  "use strict";
  var box = null;
  function overlay(lines, title) {
    if (!lines || !lines.length) { if (box) { box.remove(); box = null; } return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "sitegen-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:1rem;" +
        "background:rgba(40,0,0,.93);color:#fff;font:14px/1.5 monospace;white-space:pre-wrap;";
      document.body.appendChild(box);
    }
    box.textContent = title + "\n\n" + lines.join("\n");
  }
  function swapCss(renamed) {  // {"/assets/style.OLD.css": "/assets/style.NEW.css"}: names carry a hash
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var now = renamed[new URL(links[i].href, location.href).pathname];
      if (now) { links[i].href = now; }
    }
    overlay([]);
  }
  // the page's path tells the preview which pages are open: those are rendered first after a theme change
  var source = window.__sitegen = new EventSource("/__sitegen/events?page=" + encodeURIComponent(location.pathname));
  source.addEventListener("reload", function (e) {  // {"except": [paths]}: pages already shown as they are now
    var data = JSON.parse(e.data || '""');
    if (!(data && data.except && data.except.indexOf(location.pathname) >= 0)) { location.reload(); }
  });
  source.addEventListener("css", function (e) { swapCss(JSON.parse(e.data)); });
  source.addEventListener("problems", function (e) {  // {"title": in the editor's language, "lines": [...]}
    var data = JSON.parse(e.data);
    overlay(data.lines, data.title);
  });
})();
