// The theme's one script, for listings and the search page (other pages load none). Without it the filter form
// stays hidden, the listings' pages are plain links, and the search page says search needs JavaScript.
//
// Filters and sorting of a listing, from the listing's items.json (render/listing_index.py names its columns).
// The choices live in the address (?category=tea&sort=price), so a filtered view can be shared and reloaded.
// Search, from the catalog's search index (render/search.py says how it is made and why).

// A product card, as partials/card.html makes it (search results name the brand too)
function sitegenCard(url, title, priceText, thumb, width, height, available, outText, brand) {
  "use strict";
  var li = document.createElement("li");
  li.className = available ? "card" : "card out";
  var a = document.createElement("a");
  a.href = url;
  if (thumb) {
    var img = document.createElement("img");
    img.className = "thumb";
    img.src = thumb;
    img.width = width;
    img.height = height;
    img.alt = title;
    img.loading = "lazy";
    img.decoding = "async";
    a.appendChild(img);
  }
  [["name", title], ["brand", brand], ["price", priceText]].forEach(function (part) {
    if (!part[1]) return;
    var span = document.createElement("span");
    span.className = part[0];
    span.textContent = part[1];
    a.appendChild(span);
  });
  if (!available) {
    var badge = document.createElement("span");
    badge.className = "badge";
    badge.textContent = outText;
    a.appendChild(badge);
  }
  li.appendChild(a);
  return li;
}

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

  function more() {
    var list = document.querySelector("main .grid");
    matches.slice(shown, shown + PAGE).forEach(function (row) {
      list.appendChild(sitegenCard(row[C.url], row[C.title], row[C.priceText], row[C.thumb], row[C.width], row[C.height],
                            row[C.available], form.dataset.out));
    });
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

// Search: the products that have every piece of `meta.piece` characters of each word of the query (the word
// itself when shorter), those whose title has them first. `sitegenSearch(query)` resolves to their numbers in the index.
(function () {
  "use strict";
  var form = document.querySelector("form.search[data-index]");
  if (!form || !window.fetch) return;
  var base = form.dataset.index, input = form.elements.q;
  var status = document.querySelector("main .count"), list = document.querySelector("main .results");
  var meta = null, shards = {}, chunks = {}, PAGE = 24, found = [], shown = 0, asked = 0;

  function get(name) {
    return fetch(base + name).then(function (r) {
      if (!r.ok) throw new Error(base + name + ": " + r.status);
      return r.json();
    });
  }
  function index() { return meta ? Promise.resolve(meta) : get("index.json").then(function (m) { return (meta = m); }); }
  function shard(piece) {  // FNV-1a over code points, as render/search.py
    var h = 2166136261;
    Array.from(piece).forEach(function (ch) { h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0; });
    var k = h % meta.shards;
    return shards[k] || (shards[k] = get("g" + k + ".json"));
  }
  function numbers(gaps) {
    var out = [], last = 0;
    for (var i = 0; i < gaps.length; i++) out.push(last += gaps[i]);
    return out;
  }
  function both(a, b) {  // of two sorted lists
    var out = [], i = 0, j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] === b[j]) { out.push(a[i]); i++; j++; } else if (a[i] < b[j]) i++; else j++;
    }
    return out;
  }
  function pieces(query) {
    var out = [], n = meta.piece;
    query.normalize("NFKC").toLowerCase().split(/\s+/).forEach(function (word) {
      var chars = Array.from(word);
      if (chars.length && chars.length <= n) out.push(word);
      for (var i = 0; chars.length > n && i + n <= chars.length; i++) out.push(chars.slice(i, i + n).join(""));
    });
    return out;
  }
  function search(query) {
    var wanted = [];
    return index().then(function () {
      wanted = pieces(query);
      return Promise.all(wanted.map(shard));
    }).then(function (loaded) {
      if (!wanted.length) return [];
      var all = null, title = null;
      for (var i = 0; i < wanted.length; i++) {
        var entry = loaded[i][wanted[i]];
        if (!entry) return [];
        all = all ? both(all, numbers(entry[0])) : numbers(entry[0]);
        title = title ? both(title, numbers(entry[1])) : numbers(entry[1]);
      }
      var first = {};
      title.forEach(function (n) { first[n] = 1; });
      return title.concat(all.filter(function (n) { return !first[n]; }));
    });
  }
  window.sitegenSearch = search;

  function row(n) {
    var k = Math.floor(n / meta.chunk);
    return (chunks[k] || (chunks[k] = get("d" + k + ".json"))).then(function (rows) { return rows[n % meta.chunk]; });
  }
  function more() {
    var next = found.slice(shown, shown + PAGE), mine = asked;
    shown += next.length;
    return Promise.all(next.map(row)).then(function (rows) {
      if (mine !== asked) return;  // a newer query is being shown
      rows.forEach(function (r) { list.appendChild(sitegenCard(r[0], r[1], r[3], r[4], r[5], r[6], true, "", r[2])); });
      button.hidden = shown >= found.length;
    });
  }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "more";
  button.hidden = true;
  button.textContent = form.dataset.more;
  button.addEventListener("click", more);
  list.after(button);

  function show() {
    var query = input.value.trim(), mine = ++asked;
    history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) : location.pathname);
    if (!query) {
      list.textContent = "";
      status.textContent = "";
      button.hidden = true;
      return;
    }
    search(query).then(function (numbers) {
      if (mine !== asked) return;
      found = numbers;
      shown = 0;
      list.textContent = "";
      status.textContent = (found.length ? form.dataset.count.replace("{n}", found.length)
                                         : form.dataset.none.replace("{q}", query));
      return more();
    });
  }
  var timer = 0;
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(show, 150); });
  form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); show(); });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; show(); }
})();
