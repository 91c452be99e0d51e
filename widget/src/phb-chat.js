/*
 * The personal health budget assistant's chat widget: the launcher and a frame.
 *
 * One snippet on an ICB page:
 *   <script src="https://assistant.example.nhs.uk/phb-chat.js" data-area="kent-and-medway" defer></script>
 *
 * All it adds to the ICB's page is a launcher button and, once it is pressed, an iframe of the chat page
 * (/chat on the assistant's own origin, bot/chat_page.py). The conversation, its id and everything typed
 * stay in that frame, which the ICB's page (and any script on it, such as analytics) cannot read.
 * The two talk only with postMessage, checked by origin and window both ways, and only to say "open" and
 * "close". The assistant's chat page lists the ICB origins allowed to frame it (PHB_FRAME_ANCESTORS).
 */
(function (root, factory) {
  var api = factory();
  if (typeof module === "object" && module.exports) {
    module.exports = api; // node --test reads the pure functions
  } else if (typeof document !== "undefined") {
    api.start(document.currentScript || document.querySelector("script[src*='phb-chat'][data-area]"));
  }
})(this, function () {
  "use strict";

  var STORE_KEY = "phb-chat"; // the host page keeps only whether the panel is open
  var LAUNCHER_ID = "phb-chat-launcher";
  var READY_MS = 15000; // no word from the frame by then: the assistant cannot be reached
  var TEXT = {
    launcher: "Ask about personal health budgets",
    title: "Personal health budget help",
    frame: "Chat with the personal health budget assistant",
    minimise: "Minimise",
    errorTitle: "Sorry, we cannot reach the assistant right now.",
    // The same urgent help as the assistant's urgent_help message (content/messages.yml), which
    // tests/unit/test_replies.py checks line by line.
    errorUrgent: "If you need help right now:",
    errorUrgentLines: [
      "If someone's life is in danger, call 999.",
      "For urgent medical help, call NHS 111.",
      "In a mental health crisis, call NHS 111 and choose option 2.",
      "To talk to someone at any time, call Samaritans free on 116 123."
    ],
    // As tel: links: a person in trouble can call with one tap.
    errorUrgentNumbers: ["999", "111", "111", "116 123"]
  };

  // ---- Pure functions (tested with node --test) ----------------------------------------------------

  /** The frame's address: the chat page on the assistant's origin, told which page frames it. */
  function frameUrl(server, area, hostOrigin) {
    return server + "/chat?area=" + encodeURIComponent(area) + "&frame=1&host=" + encodeURIComponent(hostOrigin);
  }

  /** A message the widget acts on: from the frame's own window, on the assistant's origin, of a known kind. */
  function fromFrame(event, assistantOrigin, frameWindow) {
    if (!event || event.origin !== assistantOrigin || !frameWindow || event.source !== frameWindow) { return null; }
    var data = event.data;
    if (!data || typeof data !== "object" || typeof data.phb !== "string") { return null; }
    return ["ready", "close"].indexOf(data.phb) >= 0 ? { kind: data.phb, ended: data.ended === true } : null;
  }

  /** The assistant's origin: data-server, or where the script came from. */
  function assistantOrigin(scriptSrc, dataServer) {
    try { return new URL(dataServer || scriptSrc).origin; } catch (e) { return null; }
  }

  // ---- The widget -----------------------------------------------------------------------------------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; }
      else if (key === "className") { node.className = attrs[key]; }
      else if (attrs[key] === true) { node.setAttribute(key, ""); }
      else if (attrs[key] !== false && attrs[key] != null) { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function hostStore() {
    try {
      window.sessionStorage.setItem(STORE_KEY + ":test", "1");
      window.sessionStorage.removeItem(STORE_KEY + ":test");
      return window.sessionStorage;
    } catch (e) {
      return null; // storage blocked: the panel starts closed on each page
    }
  }

  function Widget(script) {
    this.area = script.getAttribute("data-area") || "";
    this.origin = assistantOrigin(script.src, script.getAttribute("data-server"));
    this.base = new URL(".", script.src).href;
    this.storage = hostStore();
    this.frame = null;
    this.ready = false;
    this.readyTimer = null;
    this.inerted = [];
    this.wantFocus = false; // focus goes into the chat only when the person opened it, never on a page load
  }

  Widget.prototype.build = function () {
    var self = this;
    document.head.appendChild(el("link", { rel: "stylesheet", href: this.base + "phb-chat.css" }));
    this.launcher = el("button", { type: "button", id: LAUNCHER_ID, className: "phb-chat__launcher",
      "aria-expanded": "false", "aria-controls": "phb-chat-panel" }, [
      el("span", { className: "phb-chat__launcher-icon", "aria-hidden": "true" }), el("span", { text: TEXT.launcher })]);
    this.body = el("div", { className: "phb-chat__body" });
    this.panel = el("div", { id: "phb-chat-panel", className: "phb-chat__panel", role: "dialog",
      "aria-modal": "false", "aria-label": TEXT.title, hidden: true }, [this.body]);
    this.root = el("div", { className: "phb-chat", "data-area": this.area }, [this.launcher, this.panel]);
    document.body.appendChild(this.root);
    // A spacer so the last thing on the page can always scroll above the launcher.
    document.body.appendChild(el("div", { className: "phb-chat__spacer", "aria-hidden": "true" }));

    this.launcher.addEventListener("click", function () { self.open(); });
    window.addEventListener("message", function (event) { self.onMessage(event); });
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); self.close(); }
    });
    // Never cover what has focus on the host page (WCAG 2.4.11).
    document.addEventListener("focusin", function (event) { self.keepClear(event.target); });
    // A skip link the ICB may add (<a href="#phb-chat-launcher">) takes keyboard users straight here.
    document.addEventListener("click", function (event) {
      var link = event.target && event.target.closest && event.target.closest("a[href='#" + LAUNCHER_ID + "']");
      if (!link) { return; }
      event.preventDefault();
      (self.panel.hidden ? self.launcher : self.frame || self.launcher).focus();
    });
    // Phones and high zoom: the panel fills the screen and is modal; it changes when the window does.
    this.narrow = window.matchMedia("(max-width: 480px), (max-height: 520px)");
    var onChange = function () { self.setModal(); };
    if (this.narrow.addEventListener) { this.narrow.addEventListener("change", onChange); }
    if (this.storage && this.storage.getItem(STORE_KEY) === "open") { this.open(true); }
  };

  Widget.prototype.makeFrame = function () {
    var self = this;
    this.ready = false;
    this.body.textContent = "";
    this.frame = el("iframe", { className: "phb-chat__frame", title: TEXT.frame,
      src: frameUrl(this.origin, this.area, window.location.origin), referrerpolicy: "no-referrer" });
    this.body.appendChild(this.frame);
    clearTimeout(this.readyTimer);
    this.readyTimer = setTimeout(function () { if (!self.ready) { self.showUnreachable(); } }, READY_MS);
  };

  Widget.prototype.onMessage = function (event) {
    var message = fromFrame(event, this.origin, this.frame && this.frame.contentWindow);
    if (!message) { return; }
    if (message.kind === "ready") {
      this.ready = true;
      clearTimeout(this.readyTimer);
      if (!this.panel.hidden && this.wantFocus) { this.tell("open"); this.wantFocus = false; }
    } else if (message.kind === "close") {
      this.close(message.ended);
    }
  };

  /** Tell the frame something, only on the assistant's origin. */
  Widget.prototype.tell = function (kind) {
    if (this.frame && this.frame.contentWindow) { this.frame.contentWindow.postMessage({ phb: kind }, this.origin); }
  };

  Widget.prototype.open = function (restoring) {
    if (!this.frame) { this.makeFrame(); }
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    this.remember("open");
    this.setModal();
    if (!restoring) {
      // Focus goes into the frame; the frame puts it in its message box once it is ready.
      this.wantFocus = true;
      if (this.frame) { this.frame.focus(); }
      if (this.ready) { this.tell("open"); this.wantFocus = false; }
    }
  };

  /** Minimise (the conversation stays in the frame) or, after "End chat", drop the frame. */
  Widget.prototype.close = function (ended) {
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    this.remember(null);
    this.setModal();
    this.wantFocus = false;
    if (ended) {
      this.body.textContent = "";
      this.frame = null;
      clearTimeout(this.readyTimer);
    }
    this.launcher.focus();
  };

  Widget.prototype.remember = function (value) {
    if (!this.storage) { return; }
    try {
      if (value) { this.storage.setItem(STORE_KEY, value); } else { this.storage.removeItem(STORE_KEY); }
    } catch (e) { /* full or blocked: keep going */ }
  };

  /** Full screen (phones, high zoom): the panel is modal, the rest of the page inert until it closes. */
  Widget.prototype.setModal = function () {
    var modal = !this.panel.hidden && this.narrow && this.narrow.matches;
    this.panel.setAttribute("aria-modal", modal ? "true" : "false");
    this.inerted.forEach(function (node) { node.inert = false; node.removeAttribute("aria-hidden"); });
    this.inerted = [];
    if (!modal) { return; }
    var self = this;
    // Only what the page had not hidden itself: that is left exactly as it was.
    Array.prototype.forEach.call(document.body.children, function (node) {
      if (node === self.root || node.inert || node.hasAttribute("aria-hidden") || node.tagName === "SCRIPT") { return; }
      node.inert = true;
      node.setAttribute("aria-hidden", "true"); // for browsers without inert
      self.inerted.push(node);
    });
  };

  /** The frame never said it was ready: the assistant's page cannot be reached. Say so, with urgent help. */
  Widget.prototype.showUnreachable = function () {
    var self = this;
    var box = el("div", { className: "phb-chat__error", role: "alert" });
    box.appendChild(el("p", { className: "phb-chat__error-title", text: TEXT.errorTitle }));
    box.appendChild(el("p", { text: TEXT.errorUrgent }));
    var list = el("ul");
    TEXT.errorUrgentLines.forEach(function (line, i) {
      var number = TEXT.errorUrgentNumbers[i];
      var at = line.indexOf(number);
      var li = el("li");
      li.appendChild(document.createTextNode(line.slice(0, at)));
      li.appendChild(el("a", { href: "tel:" + number.replace(/\s/g, ""), className: "phb-chat__link", text: number }));
      li.appendChild(document.createTextNode(line.slice(at + number.length)));
      list.appendChild(li);
    });
    box.appendChild(list);
    var close = el("button", { type: "button", className: "phb-chat__tool", text: TEXT.minimise });
    close.addEventListener("click", function () { self.close(true); });
    box.appendChild(close);
    this.body.textContent = "";
    this.body.appendChild(box);
    this.frame = null;
    if (this.wantFocus) { close.focus(); this.wantFocus = false; }
  };

  /** If the host page's focused element is under the panel or launcher, scroll it clear, or else minimise. */
  Widget.prototype.keepClear = function (target) {
    if (!this.root || this.root.contains(target) || !target.getBoundingClientRect) { return; }
    var cover = this.panel.hidden ? this.launcher : this.panel;
    var overlaps = function () {
      var a = target.getBoundingClientRect(), b = cover.getBoundingClientRect();
      return a.right > b.left && a.left < b.right && a.bottom > b.top && a.top < b.bottom;
    };
    if (!overlaps()) { return; }
    var gap = cover.getBoundingClientRect().top - target.getBoundingClientRect().bottom;
    window.scrollBy(0, -gap + 16);
    if (overlaps() && !this.panel.hidden) {
      this.panel.hidden = true;
      this.launcher.hidden = false;
      this.launcher.setAttribute("aria-expanded", "false");
      this.remember(null);
      this.setModal();
    }
  };

  function start(script) {
    if (!script || typeof window === "undefined" || !window.postMessage || !window.URL) { return; }
    var go = function () {
      if (document.getElementById(LAUNCHER_ID)) { return; } // the snippet twice on one page: one widget
      var widget = new Widget(script);
      if (!widget.origin) { return; }
      widget.build();
    };
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", go); } else { go(); }
  }

  return { start: start, frameUrl: frameUrl, fromFrame: fromFrame, assistantOrigin: assistantOrigin, TEXT: TEXT };
});
