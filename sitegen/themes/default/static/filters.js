// Filters and sorting of a listing, in the browser, from the listing's items.json (see render/listing_index.py
// for its columns). Without this script the form stays hidden and the listing's pages are plain links. The
// choices live in the address (?category=tea&sort=price), so a filtered view can be shared and reloaded.
(function () {
  "use strict";
  var form = document.querySelector("form.filters");
  var grid = document.querySelector("main .grid");
  if (!form || !window.fetch) return;
  var pager = document.querySelector("main .pager");
  var status = form.querySelector(".count");
  var original = grid ? grid.cloneNode(true) : null;
  var rows = null, shown = 0, matches = [];
  var PAGE = 48;
  var C = {url: 0, title: 1, brand: 2, price: 3, priceText: 4, category: 5, certs: 6, months: 7, available: 8,
           date: 9, thumb: 10, width: 11, height: 12};

  function value(name) {
    var field = form.elements[name];
    if (!field) return "";
    return field.type === "checkbox" ? (field.checked ? "1" : "") : field.value;
  }

  function chosen() {
    var out = {};
    ["category", "cert", "season", "stock", "min", "max", "sort"].forEach(function (name) {
      var v = value(name);
      if (v) out[name] = v;
    });
    return out;
  }

  function keep(row, c) {
    var month = 1 << new Date().getMonth();  // in season now, by the shopper's own clock: never stale
    if (c.category && row[C.category] !== c.category) return false;
    if (c.cert && row[C.certs].indexOf(c.cert) < 0) return false;
    if (c.season && !(row[C.months] & month)) return false;
    if (c.stock && !row[C.available]) return false;
    if (c.min && !(row[C.price] !== null && row[C.price] >= +c.min)) return false;
    if (c.max && !(row[C.price] !== null && row[C.price] <= +c.max)) return false;
    return true;
  }

  function order(list, sort) {
    if (sort === "price" || sort === "-price") {
      var sign = sort === "price" ? 1 : -1;  // no price: last either way
      return list.sort(function (a, b) {
        if (a[C.price] === null || b[C.price] === null) return (a[C.price] === null) - (b[C.price] === null);
        return sign * (a[C.price] - b[C.price]);
      });
    }
    if (sort === "new") return list.sort(function (a, b) { return a[C.date] < b[C.date] ? 1 : a[C.date] > b[C.date] ? -1 : 0; });
    return list;
  }

  function card(row) {
    var li = document.createElement("li");
    li.className = row[C.available] ? "card" : "card out";
    var a = document.createElement("a");
    a.href = row[C.url];
    if (row[C.thumb]) {
      var img = document.createElement("img");
      img.className = "thumb";
      img.src = row[C.thumb];
      img.width = row[C.width];
      img.height = row[C.height];
      img.alt = row[C.title];
      img.loading = "lazy";
      img.decoding = "async";
      a.appendChild(img);
    }
    [["name", row[C.title]], ["price", row[C.priceText]]].forEach(function (part) {
      if (!part[1]) return;
      var span = document.createElement("span");
      span.className = part[0];
      span.textContent = part[1];
      a.appendChild(span);
    });
    if (!row[C.available]) {
      var badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = form.dataset.out;
      a.appendChild(badge);
    }
    li.appendChild(a);
    return li;
  }

  function more() {
    var list = document.querySelector("main .grid");
    matches.slice(shown, shown + PAGE).forEach(function (row) { list.appendChild(card(row)); });
    shown = Math.min(shown + PAGE, matches.length);
    var button = form.parentNode.querySelector("button.more");
    if (button) button.hidden = shown >= matches.length;
  }

  function show() {
    var c = chosen();
    var query = new URLSearchParams(c).toString();
    history.replaceState(null, "", query ? "?" + query : location.pathname);
    var current = document.querySelector("main .grid");
    var button = form.parentNode.querySelector("button.more");
    if (!query) {  // back to the page as the build made it
      if (current && original) current.replaceWith(original.cloneNode(true));
      if (pager) pager.hidden = false;
      if (button) button.hidden = true;
      status.textContent = "";
      return;
    }
    matches = order(rows.filter(function (row) { return keep(row, c); }), c.sort);
    var list = document.createElement("ul");
    list.className = "grid";
    if (current) current.replaceWith(list); else form.after(list);
    if (pager) pager.hidden = true;
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "more";
      button.textContent = form.dataset.more;
      button.addEventListener("click", more);
      list.after(button);
    } else {
      list.after(button);
    }
    shown = 0;
    more();
    status.textContent = matches.length ? form.dataset.results.replace("{n}", matches.length) : form.dataset.none;
  }

  function load(then) {
    if (rows) return then();
    fetch(form.dataset.index).then(function (r) { return r.json(); }).then(function (data) {
      rows = data.items;
      prune();
      then();
    });
  }

  // an option no product of this listing has is left out once the listing is known: a shopper should not pick
  // their way to nothing
  function prune() {
    ["category", "cert"].forEach(function (name) {
      var field = form.elements[name];
      if (!field) return;
      var has = {};
      rows.forEach(function (row) { [].concat(row[name === "cert" ? C.certs : C.category]).forEach(function (v) { has[v] = 1; }); });
      Array.prototype.slice.call(field.options, 1).forEach(function (o) { if (!has[o.value] && !o.selected) o.remove(); });
    });
  }

  var params = new URLSearchParams(location.search);
  params.forEach(function (v, k) {
    var field = form.elements[k];
    if (!field) return;
    if (field.type === "checkbox") field.checked = v === "1"; else field.value = v;
  });
  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("change", function () { load(show); });
  form.addEventListener("reset", function () { setTimeout(function () { load(show); }, 0); });
  if (Object.keys(chosen()).length) load(show);
})();
