// Keyboard shortcuts for the moderation queue; every action is also a button.
(function () {
  "use strict";
  var items = Array.prototype.slice.call(document.querySelectorAll(".queue-item"));
  if (!items.length) {
    return;
  }
  var current = -1;

  function focusItem(index) {
    current = Math.max(0, Math.min(items.length - 1, index));
    items[current].focus();
    items[current].scrollIntoView({ block: "nearest" });
  }

  function currentItem() {
    var active = document.activeElement;
    for (var i = 0; i < items.length; i += 1) {
      if (items[i] === active || items[i].contains(active)) {
        current = i;
        return items[i];
      }
    }
    return current >= 0 ? items[current] : null;
  }

  document.addEventListener("keydown", function (event) {
    var tag = (event.target.tagName || "").toLowerCase();
    if (event.altKey || event.ctrlKey || event.metaKey ||
        tag === "input" || tag === "select" || tag === "textarea") {
      return;
    }
    var item = currentItem();
    if (event.key === "j") {
      focusItem(current + 1);
    } else if (event.key === "k") {
      focusItem(current - 1);
    } else if (event.key === "a" && item) {
      item.querySelector("[data-key=approve]").click();
    } else if (event.key === "r" && item) {
      item.querySelector("[data-key=reason]").focus();
    } else if (event.key === "x" && item) {
      var box = item.querySelector("input[type=checkbox]");
      box.checked = !box.checked;
    } else {
      return;
    }
    event.preventDefault();
  });
})();
