/* Plotly's toolbar (the "modebar") out of the Tab order.

   Each chart's modebar is a row of <button>s, every one a Tab stop: 78 extra stops on the
   Mobility page before a keyboard user reaches the next control. Here every modebar button
   gets tabindex="-1" as plotly draws it (plotly redraws the modebar on every relayout, so a
   MutationObserver keeps watching). A person who focuses a modebar on purpose (a click, or
   Alt+M while focus is anywhere inside a chart card) moves along it with the arrow keys,
   Home and End, and leaves it with Escape or Tab as usual.

   Served from /assets (the policy's 'self'); no inline script, no eval. */
(function () {
  "use strict";

  var BUTTON = ".modebar-btn";

  function untab(root) {
    var buttons = root.querySelectorAll(BUTTON + ":not([tabindex])");
    for (var i = 0; i < buttons.length; i += 1) {
      buttons[i].setAttribute("tabindex", "-1");
    }
  }

  function modebarButtons(element) {
    var bar = element.closest(".modebar");
    return bar ? Array.prototype.slice.call(bar.querySelectorAll(BUTTON)) : [];
  }

  function onKeyDown(event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    if (event.altKey && (event.key === "m" || event.key === "M")) {
      // On purpose: Alt+M inside a chart card focuses that chart's first modebar button.
      var card = target.closest(".chart-card");
      var first = card && card.querySelector(BUTTON);
      if (first) {
        event.preventDefault();
        first.focus();
      }
      return;
    }
    if (!target.matches(BUTTON)) {
      return;
    }
    var buttons = modebarButtons(target);
    var index = buttons.indexOf(target);
    var next = null;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") {
      next = buttons[(index + 1) % buttons.length];
    } else if (event.key === "ArrowLeft" || event.key === "ArrowUp") {
      next = buttons[(index - 1 + buttons.length) % buttons.length];
    } else if (event.key === "Home") {
      next = buttons[0];
    } else if (event.key === "End") {
      next = buttons[buttons.length - 1];
    } else if (event.key === "Escape") {
      target.blur();
    }
    if (next) {
      event.preventDefault();
      next.focus();
    }
  }

  function start() {
    untab(document);
    new MutationObserver(function () {
      untab(document);
    }).observe(document.body, { childList: true, subtree: true });
    document.addEventListener("keydown", onKeyDown, true);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
