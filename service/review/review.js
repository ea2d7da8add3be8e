(function () {
  "use strict";
  var reader = document.getElementById("reader");
  var body = document.getElementById("reader-body");
  var title = document.getElementById("reader-title");
  var status = document.getElementById("reader-status");
  var others = document.getElementById("reader-others");
  var tabs = Array.prototype.slice.call(reader.querySelectorAll('[role="tab"]'));
  var chosen = null;

  function ids(value) {
    return (value || "").split(" ").filter(Boolean);
  }
  function marksOf(id) {
    return Array.prototype.slice.call(body.querySelectorAll('[data-m~="' + id + '"]'));
  }
  function narrow() {
    return window.matchMedia("(max-width: 760px)").matches;
  }
  function tabFor(articleId) {
    return tabs.filter(function (tab) { return tab.getAttribute("data-article") === articleId; })[0];
  }
  function outletOf(articleId) {
    var tab = tabFor(articleId);
    return tab ? tab.getAttribute("data-outlet") : articleId;
  }

  function showArticle(articleId) {
    var shown = tabFor(articleId) || tabs[0];
    tabs.forEach(function (tab) {
      var on = tab === shown;
      tab.setAttribute("aria-selected", on ? "true" : "false");
      tab.tabIndex = on ? 0 : -1;
      document.getElementById(tab.getAttribute("aria-controls")).hidden = !on;
    });
    revealTab(shown);
    return shown;
  }

  function revealTab(tab) {
    var list = tab.parentNode;
    if (list.scrollWidth > list.clientWidth) {
      list.scrollLeft = tab.offsetLeft - list.offsetLeft - 16;
    }
  }

  function countMarks() {
    tabs.forEach(function (tab) {
      var panel = document.getElementById(tab.getAttribute("aria-controls"));
      var mine = panel.querySelectorAll(".m.current").length;
      var other = panel.querySelectorAll(".m.other").length;
      var words = [];
      if (mine) words.push(mine + " chosen");
      if (other) words.push(other + " other");
      tab.querySelector(".count").textContent = words.join(", ");
    });
  }

  function scrollToMark(mark) {
    if (!mark) {
      body.scrollTop = 0;
      return;
    }
    var top = 0;
    for (var el = mark; el && el !== body; el = el.offsetParent) top += el.offsetTop;
    body.scrollTop = Math.max(0, top - body.clientHeight / 3);
  }

  function valueButtons(factId) {
    var all = document.querySelectorAll('button.v[data-fact="' + CSS.escape(factId) + '"]');
    return Array.prototype.slice.call(all);
  }

  function open(button) {
    var factId = button.getAttribute("data-fact");
    var valueId = button.getAttribute("data-value");
    var mine = ids(button.getAttribute("data-ev"));
    var siblings = valueButtons(factId).filter(function (b) {
      return b.getAttribute("data-value") !== valueId;
    });
    var other = button.hasAttribute("data-other")
      ? ids(button.getAttribute("data-other"))
      : siblings.reduce(function (acc, b) { return acc.concat(ids(b.getAttribute("data-ev"))); }, []);

    body.querySelectorAll(".m.current, .m.other").forEach(function (m) {
      m.classList.remove("current", "other");
    });
    other.forEach(function (id) { marksOf(id).forEach(function (m) { m.classList.add("other"); }); });
    mine.forEach(function (id) {
      marksOf(id).forEach(function (m) { m.classList.remove("other"); m.classList.add("current"); });
    });
    countMarks();

    var openId = button.getAttribute("data-open");
    var target = openId ? marksOf(openId)[0] : null;
    var articleId = target
      ? target.closest("article").getAttribute("data-article")
      : button.getAttribute("data-article");
    var shownTab = showArticle(articleId);

    var fact = button.closest(".fact");
    var label = fact ? fact.getAttribute("data-subject") : "";
    var word = fact ? fact.getAttribute("data-status") : "";
    var valueText = document.querySelector('button.v[data-value="' + CSS.escape(valueId) + '"]');
    var shownText = (valueText || button).textContent;
    var where = outletOf(articleId);
    title.textContent = where;
    var quoted = shownText.charAt(0) === "\u201c" ? shownText : "\u201c" + shownText + "\u201d";
    if (target && fact) {
      status.textContent = "Evidence for " + quoted + " (" + label + ": " + word.toLowerCase() +
        ") in " + where + ".";
    } else if (target) {
      status.textContent = button.textContent + ".";
    } else if (button.getAttribute("data-grounded") === "false") {
      status.textContent = quoted + " is ungrounded: it was not found in the text of " + where +
        ". The article is shown from the top.";
    } else {
      status.textContent = quoted + " has no evidence span in the text of " + where +
        ". The article is shown from the top.";
    }

    others.textContent = "";
    siblings.forEach(function (b) {
      var li = document.createElement("li");
      var show = document.createElement("button");
      show.type = "button";
      show.className = "jump";
      show.textContent = b.textContent;
      show.addEventListener("click", function () { open(b); });
      var details = b.parentNode.querySelector(".details");
      li.appendChild(document.createTextNode("Other value: "));
      li.appendChild(show);
      if (details) li.appendChild(document.createTextNode(" " + details.textContent));
      others.appendChild(li);
    });

    document.querySelectorAll('button.v[aria-current="true"]').forEach(function (b) {
      b.removeAttribute("aria-current");
    });
    if (valueText) valueText.setAttribute("aria-current", "true");
    chosen = button;
    reader.classList.add("open");
    revealTab(shownTab);  // the tab strip only has a width once the reader is shown
    scrollToMark(target);
    if (narrow()) title.focus();
  }

  function close() {
    reader.classList.remove("open");
    if (chosen && document.contains(chosen)) chosen.focus();
  }

  function reveal(hash) {
    var target = document.getElementById(hash.slice(1));
    var details = target && target.closest("details");
    if (details) details.open = true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.v, button.jump");
    if (button && !others.contains(button)) {
      open(button);
      return;
    }
    if (event.target.closest("button.close")) {
      close();
      return;
    }
    var link = event.target.closest('a[href^="#fact-"]');
    if (link) reveal(link.getAttribute("href"));
  });

  tabs.forEach(function (tab, i) {
    tab.addEventListener("click", function () { showArticle(tab.getAttribute("data-article")); });
    tab.addEventListener("keydown", function (event) {
      var next = null;
      if (event.key === "ArrowRight") next = tabs[(i + 1) % tabs.length];
      if (event.key === "ArrowLeft") next = tabs[(i - 1 + tabs.length) % tabs.length];
      if (event.key === "Home") next = tabs[0];
      if (event.key === "End") next = tabs[tabs.length - 1];
      if (next) {
        event.preventDefault();
        showArticle(next.getAttribute("data-article"));
        next.focus();
      }
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "Escape") {
      close();
      return;
    }
    if (event.key !== "j" && event.key !== "k") return;
    if (event.target.closest && event.target.closest('input, textarea, [role="tab"]')) return;
    var buttons = Array.prototype.slice.call(document.querySelectorAll("main button.v"))
      .filter(function (b) { return b.offsetParent !== null; });
    if (!buttons.length) return;
    var at = buttons.indexOf(document.activeElement);
    if (at < 0 && chosen) at = buttons.indexOf(chosen);
    var step = event.key === "j" ? 1 : -1;
    var next = buttons[Math.min(buttons.length - 1, Math.max(0, at < 0 ? 0 : at + step))];
    event.preventDefault();
    if (!narrow()) next.focus();
    open(next);
  });

  if (location.hash) reveal(location.hash);
})();
