// Reads a commitment aloud with the browser's own speech, where it has one.
(function () {
  "use strict";
  if (!("speechSynthesis" in window) || !("SpeechSynthesisUtterance" in window)) {
    return;
  }
  var button = document.querySelector("[data-read]");
  if (!button) {
    return;
  }
  var target = document.querySelector(button.getAttribute("data-read"));
  var speaking = false;

  function show(state) {
    speaking = state;
    button.textContent = button.getAttribute(state ? "data-stop" : "data-start");
  }

  button.addEventListener("click", function () {
    if (speaking) {
      window.speechSynthesis.cancel();
      show(false);
      return;
    }
    var text = Array.prototype.map.call(
      target.querySelectorAll("h1, .status, .lead, dt, dd, blockquote, .progress-text, .progress-none"),
      function (node) { return node.textContent.trim(); }
    ).join("\n");
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = document.documentElement.lang;
    utterance.onend = function () { show(false); };
    utterance.onerror = function () { show(false); };
    window.speechSynthesis.speak(utterance);
    show(true);
  });
  button.parentNode.hidden = false;
  show(false);
})();
