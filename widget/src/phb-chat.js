/*
 * The personal health budget assistant's chat widget.
 *
 * One snippet on an ICB page:
 *   <script src="https://…/phb-chat.js" data-area="kent-and-medway" data-server="https://…" defer></script>
 *
 * It talks to Rasa's REST channel. Everything the assistant or the person writes is put on the page as
 * text (textContent), never as HTML; links are made only for http(s), mailto and tel.
 * The conversation id (128 random bits) and the conversation so far live in sessionStorage, so a reload
 * keeps the conversation and closing the tab ends it.
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

  var STORE_KEY = "phb-chat";
  var TIMEOUT_MS = 30000;
  var MAX_LENGTH = 1000;
  var TEXT = {
    launcher: "Ask about personal health budgets",
    title: "Personal health budget help",
    subtitle: "Information from the NHS. In an emergency, call 999.",
    log: "Conversation",
    you: "You said: ",
    bot: "The assistant said: ",
    input: "Type your message",
    send: "Send",
    restart: "Start again",
    minimise: "Minimise",
    end: "End chat",
    typing: "The assistant is typing",
    progress: "Question {step} of {total}",
    choices: "Choose an answer, or type your own",
    newTab: " (opens in a new tab)",
    notSent: " (not sent)",
    confirmRestart: "Start again? This clears the conversation from this screen.",
    confirmRestartYes: "Yes, start again",
    confirmEnd: "End the chat? This clears the conversation from this screen.",
    confirmEndYes: "Yes, end the chat",
    confirmNo: "No, go back",
    errorTitle: "Sorry, we cannot reach the assistant right now.",
    errorNotSent: "Your message was not sent.",
    retry: "Try again",
    errorTeam: "You can also contact {team}:",
    // The same urgent help as the assistant's urgent_help message (content/messages.yml), which
    // tests/unit/test_replies.py checks line by line.
    errorUrgent: "If you need help right now:",
    errorUrgentLines: [
      "If someone's life is in danger, call 999.",
      "For urgent medical help, call NHS 111.",
      "In a mental health crisis, call NHS 111 and choose option 2.",
      "To talk to someone at any time, call Samaritans free on 116 123."
    ]
  };

  // ---- Pure functions (tested with node --test) ----------------------------------------------------

  function newConversationId(cryptoObj) {
    var bytes = new Uint8Array(16);
    cryptoObj.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  var SAFE_PROTOCOLS = ["http:", "https:", "mailto:", "tel:"];

  /** The href to use, or null: only http(s), mailto and tel ever become links. */
  function safeHref(href) {
    var url;
    try { url = new URL(href); } catch (e) { return null; }
    return SAFE_PROTOCOLS.indexOf(url.protocol) >= 0 ? url.href : null;
  }

  // In order of preference at the same position: markdown link, web address, email, phone number.
  var LINK = new RegExp([
    "\\[([^\\]\\n]{1,200})\\]\\(([^)\\s]{1,500})\\)",
    "(https?:\\/\\/[^\\s<>\"]+)",
    "\\b((?:www\\.|[a-z0-9-]+\\.)+(?:nhs|gov)\\.uk(?:\\/[^\\s<>\"]*)?)",
    "\\b([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,})\\b",
    "(?:^|(?<=[\\s(]))((?:\\+44\\s?|0)\\d{2,4}(?: ?\\d{3,4}){2}|116 ?123|999|111)(?!\\d|\\s\\d|\\.\\d)"
  ].join("|"), "gi");

  /** Split a line of text into plain text and links; link targets are always checked with safeHref. */
  function tokenize(line) {
    var parts = [];
    var last = 0;
    var match;
    LINK.lastIndex = 0;
    while ((match = LINK.exec(line)) !== null) {
      var text = match[0];
      var href = null;
      if (match[1] !== undefined) {
        text = match[1];
        href = safeHref(match[2]);
        if (!href) { text = match[0]; }
      } else if (match[3] !== undefined) {
        text = match[3].replace(/[.,;:!?)]+$/, "");
        href = safeHref(text);
      } else if (match[4] !== undefined) {
        text = match[4].replace(/[.,;:!?)]+$/, "");
        href = safeHref("https://" + text);
      } else if (match[5] !== undefined) {
        href = safeHref("mailto:" + match[5]);
      } else if (match[6] !== undefined) {
        href = safeHref("tel:" + match[6].replace(/\s/g, ""));
      }
      var start = match.index;
      if (start > last) { parts.push({ text: line.slice(last, start) }); }
      parts.push(href ? { text: text, href: href } : { text: text });
      last = start + text.length + (match[1] !== undefined && href ? match[0].length - text.length : 0);
      LINK.lastIndex = last;
    }
    if (last < line.length) { parts.push({ text: line.slice(last) }); }
    return parts;
  }

  /** Paragraphs and lists: lines that start with "- " or "* " next to each other make one list. */
  function blocks(text) {
    var out = [];
    String(text).split(/\r?\n/).forEach(function (line) {
      var item = /^\s*[-*•]\s+(.*)$/.exec(line);
      var prev = out[out.length - 1];
      if (item) {
        if (prev && prev.list) { prev.items.push(item[1]); } else { out.push({ list: true, items: [item[1]] }); }
      } else if (line.trim()) {
        out.push({ list: false, text: line });
      }
    });
    return out;
  }

  /**
   * Rasa's REST answer as messages: {text, buttons, progress}. A custom {progress} item belongs to the
   * question before it. Anything that is not text, a button or progress is left out.
   */
  function fromRasa(items) {
    var out = [];
    (Array.isArray(items) ? items : []).forEach(function (item) {
      if (!item || typeof item !== "object") { return; }
      var custom = item.custom;
      if (custom && custom.progress && out.length) {
        var p = custom.progress;
        var step = Number(p.step), total = Number(p.total);
        if (step > 0 && total >= step && total < 1000) { out[out.length - 1].progress = { step: step, total: total }; }
      }
      if (typeof item.text === "string" && item.text) {
        var buttons = (Array.isArray(item.buttons) ? item.buttons : []).filter(function (b) {
          return b && typeof b.title === "string" && typeof b.payload === "string";
        }).map(function (b) { return { title: b.title, payload: b.payload }; });
        out.push({ who: "bot", text: item.text, buttons: buttons });
      }
    });
    return out;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, key) { return values[key] || ""; });
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

  function hidden(text) {
    return el("span", { className: "phb-chat__visually-hidden", text: text });
  }

  function renderLine(parent, line) {
    tokenize(line).forEach(function (part) {
      if (!part.href) {
        parent.appendChild(document.createTextNode(part.text));
        return;
      }
      var web = /^https?:/.test(part.href);
      var link = el("a", { href: part.href, className: "phb-chat__link", rel: "noopener noreferrer",
        target: web ? "_blank" : null, text: part.text });
      if (web) { link.appendChild(hidden(TEXT.newTab)); }
      parent.appendChild(link);
    });
  }

  function renderText(parent, text) {
    blocks(text).forEach(function (block) {
      if (block.list) {
        var list = el("ul");
        block.items.forEach(function (item) { var li = el("li"); renderLine(li, item); list.appendChild(li); });
        parent.appendChild(list);
      } else {
        var p = el("p");
        renderLine(p, block.text);
        parent.appendChild(p);
      }
    });
  }

  function memoryStorage() {
    var data = {};
    return {
      getItem: function (k) { return Object.prototype.hasOwnProperty.call(data, k) ? data[k] : null; },
      setItem: function (k, v) { data[k] = String(v); },
      removeItem: function (k) { delete data[k]; }
    };
  }

  function sessionStore() {
    try {
      window.sessionStorage.setItem(STORE_KEY + ":test", "1");
      window.sessionStorage.removeItem(STORE_KEY + ":test");
      return window.sessionStorage;
    } catch (e) {
      return memoryStorage(); // storage blocked: the conversation lasts as long as the page
    }
  }

  function Widget(script) {
    var base = new URL(".", script.src).href;
    this.area = script.getAttribute("data-area") || "";
    this.server = (script.getAttribute("data-server") || new URL(script.src).origin).replace(/\/+$/, "");
    this.base = base;
    this.storage = sessionStore();
    this.card = null;
    this.queue = Promise.resolve();
    this.failed = null;
    this.state = this.load();
  }

  Widget.prototype.load = function () {
    var saved = null;
    try { saved = JSON.parse(this.storage.getItem(STORE_KEY) || "null"); } catch (e) { saved = null; }
    if (!saved || saved.area !== this.area || !/^[0-9a-f]{32}$/.test(saved.id || "")) {
      saved = { id: newConversationId(window.crypto), area: this.area, open: false, messages: [], progress: null };
    }
    return saved;
  };

  Widget.prototype.save = function () {
    try { this.storage.setItem(STORE_KEY, JSON.stringify(this.state)); } catch (e) { /* full or blocked: keep going */ }
  };

  Widget.prototype.build = function () {
    var self = this;
    var css = el("link", { rel: "stylesheet", href: this.base + "phb-chat.css" });
    document.head.appendChild(css);

    this.launcher = el("button", { type: "button", className: "phb-chat__launcher", "aria-expanded": "false",
      "aria-controls": "phb-chat-panel" }, [el("span", { className: "phb-chat__launcher-icon", "aria-hidden": "true" }),
      el("span", { text: TEXT.launcher })]);
    this.restartButton = el("button", { type: "button", className: "phb-chat__tool", text: TEXT.restart });
    this.minimiseButton = el("button", { type: "button", className: "phb-chat__tool", text: TEXT.minimise });
    this.endButton = el("button", { type: "button", className: "phb-chat__tool", text: TEXT.end });
    this.progressText = el("span", { className: "phb-chat__progress-text" });
    this.progressFill = el("span", { className: "phb-chat__progress-fill" });
    // The question's own text says "Question 2 of 6", so this bar is only a picture of it.
    this.progress = el("div", { className: "phb-chat__progress", "aria-hidden": "true", hidden: true },
      [this.progressText, el("span", { className: "phb-chat__progress-bar" }, [this.progressFill])]);
    this.log = el("div", { className: "phb-chat__log", role: "log", "aria-live": "polite", "aria-label": TEXT.log,
      tabindex: "0" });
    this.typing = el("div", { className: "phb-chat__typing", hidden: true }, [hidden(TEXT.typing),
      el("span", { className: "phb-chat__dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")])]);
    this.error = el("div", { className: "phb-chat__error", role: "alert", hidden: true });
    this.confirm = el("div", { className: "phb-chat__confirm", hidden: true });
    this.input = el("input", { type: "text", id: "phb-chat-input", className: "phb-chat__input", autocomplete: "off",
      maxlength: String(MAX_LENGTH), enterkeyhint: "send" });
    this.form = el("form", { className: "phb-chat__form", novalidate: true }, [
      el("label", { for: "phb-chat-input", className: "phb-chat__label", text: TEXT.input }),
      el("div", { className: "phb-chat__row" }, [this.input,
        el("button", { type: "submit", className: "phb-chat__send", text: TEXT.send })])
    ]);
    this.panel = el("section", { id: "phb-chat-panel", className: "phb-chat__panel", role: "dialog",
      "aria-modal": "false", "aria-labelledby": "phb-chat-title", hidden: true }, [
      el("div", { className: "phb-chat__header" }, [
        el("h2", { id: "phb-chat-title", className: "phb-chat__title", text: TEXT.title }),
        el("p", { className: "phb-chat__subtitle", text: TEXT.subtitle }),
        el("div", { className: "phb-chat__tools" }, [this.restartButton, this.minimiseButton, this.endButton])
      ]),
      this.progress, this.log, this.typing, this.error, this.confirm, this.form
    ]);
    this.root = el("div", { className: "phb-chat", "data-area": this.area }, [this.launcher, this.panel]);
    document.body.appendChild(this.root);

    this.launcher.addEventListener("click", function () { self.open(); });
    this.minimiseButton.addEventListener("click", function () { self.close(); });
    this.restartButton.addEventListener("click", function () {
      self.ask(TEXT.confirmRestart, TEXT.confirmRestartYes, self.restartButton, function () { self.restart(); });
    });
    this.endButton.addEventListener("click", function () {
      self.ask(TEXT.confirmEnd, TEXT.confirmEndYes, self.endButton, function () { self.end(); });
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = self.input.value.trim();
      if (!text) { self.input.focus(); return; }
      self.input.value = "";
      self.sendMessage(text, text);
    });
    this.panel.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      event.preventDefault();
      if (!self.confirm.hidden) { self.cancelConfirm(); } else { self.close(); }
    });
    // Never cover what has focus on the host page (WCAG 2.4.11).
    document.addEventListener("focusin", function (event) { self.keepClear(event.target); });

    this.state.messages.forEach(function (message, i) {
      self.renderMessage(message, i === self.state.messages.length - 1);
    });
    this.showProgress(this.state.progress);
    if (this.state.open) { this.open(true); }
    this.loadCard();
  };

  Widget.prototype.loadCard = function () {
    var self = this;
    if (!/^[a-z0-9-]+$/.test(this.area)) { return; }
    fetch(this.base + "areas/" + this.area + ".json", { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (card) { self.card = card; })
      .catch(function () { self.card = null; });
  };

  Widget.prototype.open = function (restoring) {
    this.panel.hidden = false;
    this.launcher.hidden = true;
    this.launcher.setAttribute("aria-expanded", "true");
    this.state.open = true;
    this.save();
    this.scrollToEnd();
    if (!restoring) { this.input.focus(); }
    if (!this.state.messages.length && !this.failed) { this.sendMessage("/greet", null); }
  };

  Widget.prototype.close = function () {
    this.cancelConfirm(true);
    this.panel.hidden = true;
    this.launcher.hidden = false;
    this.launcher.setAttribute("aria-expanded", "false");
    this.state.open = false;
    this.save();
    this.launcher.focus();
  };

  Widget.prototype.clear = function () {
    this.state = { id: newConversationId(window.crypto), area: this.area, open: this.state.open, messages: [],
      progress: null };
    this.failed = null;
    this.error.hidden = true;
    this.log.textContent = "";
    this.showProgress(null);
    this.save();
  };

  Widget.prototype.restart = function () {
    this.clear();
    this.input.focus();
    this.sendMessage("/greet", null);
  };

  Widget.prototype.end = function () {
    this.clear();
    this.close();
  };

  /** A yes/no question in the panel; focus goes to "yes" and comes back to `from` on "no". */
  Widget.prototype.ask = function (question, yesText, from, onYes) {
    var self = this;
    var yes = el("button", { type: "button", className: "phb-chat__choice phb-chat__choice--warning", text: yesText });
    var no = el("button", { type: "button", className: "phb-chat__choice", text: TEXT.confirmNo });
    this.confirm.textContent = "";
    this.confirm.appendChild(el("p", { id: "phb-chat-confirm-text", text: question }));
    this.confirm.appendChild(el("div", { className: "phb-chat__choices", role: "group",
      "aria-labelledby": "phb-chat-confirm-text" }, [yes, no]));
    this.confirm.hidden = false;
    this.confirmFrom = from;
    yes.addEventListener("click", function () { self.confirm.hidden = true; onYes(); });
    no.addEventListener("click", function () { self.cancelConfirm(); });
    yes.focus();
  };

  Widget.prototype.cancelConfirm = function (quiet) {
    if (this.confirm.hidden) { return; }
    this.confirm.hidden = true;
    if (!quiet && this.confirmFrom) { this.confirmFrom.focus(); }
  };

  Widget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  /** Show a new exchange from its start (the person's message), so a long answer is read from the top. */
  Widget.prototype.scrollToShow = function (node) {
    if (!node || !node.parentNode) { this.scrollToEnd(); return; }
    this.log.scrollTop = Math.max(0, node.offsetTop - 8);
  };

  Widget.prototype.dropChoices = function () {
    Array.prototype.forEach.call(this.log.querySelectorAll(".phb-chat__choices"), function (group) {
      group.parentNode.removeChild(group);
    });
    this.state.messages.forEach(function (m) { m.buttons = []; });
  };

  Widget.prototype.renderMessage = function (message, withButtons) {
    var self = this;
    var bubble = el("div", { className: "phb-chat__msg phb-chat__msg--" + message.who });
    bubble.appendChild(hidden(message.who === "bot" ? TEXT.bot : TEXT.you));
    var body = el("div", { className: "phb-chat__text" });
    renderText(body, message.text);
    bubble.appendChild(body);
    if (message.failed) {
      bubble.classList.add("phb-chat__msg--failed");
      bubble.appendChild(hidden(TEXT.notSent));
    }
    this.log.appendChild(bubble);
    if (withButtons && message.buttons && message.buttons.length) {
      var group = el("div", { className: "phb-chat__choices", role: "group", "aria-label": TEXT.choices });
      message.buttons.forEach(function (b) {
        var button = el("button", { type: "button", className: "phb-chat__choice", text: b.title });
        button.addEventListener("click", function () {
          self.sendMessage(b.payload, b.title);
          self.input.focus();
        });
        group.appendChild(button);
      });
      this.log.appendChild(group);
    }
    this.scrollToEnd();
    return bubble;
  };

  Widget.prototype.add = function (message) {
    this.state.messages.push(message);
    this.save();
    return this.renderMessage(message, true);
  };

  Widget.prototype.showProgress = function (progress) {
    this.state.progress = progress || null;
    if (!progress) { this.progress.hidden = true; return; }
    this.progressText.textContent = fill(TEXT.progress, { step: String(progress.step), total: String(progress.total) });
    this.progressFill.style.width = Math.round(100 * progress.step / progress.total) + "%";
    this.progress.hidden = false;
  };

  /** Send a message (payload) and show `shown` as what the person said (null for the silent greeting). */
  Widget.prototype.sendMessage = function (payload, shown) {
    var self = this;
    this.dropChoices();
    this.error.hidden = true;
    var mine = shown === null ? null : { who: "user", text: shown };
    var bubble = mine ? this.add(mine) : null;
    this.queue = this.queue.then(function () { return self.post(payload, mine, bubble); });
  };

  Widget.prototype.post = function (payload, mine, bubble) {
    var self = this;
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    this.typing.hidden = false;
    this.scrollToEnd();
    return fetch(this.server + "/webhooks/rest/webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "omit",
      signal: controller ? controller.signal : undefined,
      body: JSON.stringify({ sender: this.state.id, message: payload,
        metadata: { area: this.area, client: "phb-chat" } })
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (items) {
      self.failed = null;
      if (mine && mine.failed) {
        delete mine.failed;
        bubble.classList.remove("phb-chat__msg--failed");
        var mark = bubble.querySelector(".phb-chat__visually-hidden:last-child");
        if (mark && mark.textContent === TEXT.notSent) { bubble.removeChild(mark); }
      }
      var messages = fromRasa(items);
      var progress = null;
      messages.forEach(function (m) { if (m.progress) { progress = m.progress; } delete m.progress; });
      var first = null;
      messages.forEach(function (m) { var node = self.add(m); first = first || node; });
      self.showProgress(progress);
      self.scrollToShow(bubble || first);
      self.save();
    }).catch(function () {
      if (mine && !mine.failed) {
        mine.failed = true;
        bubble.classList.add("phb-chat__msg--failed");
        bubble.appendChild(hidden(TEXT.notSent));
        self.save();
      }
      self.failed = { payload: payload, mine: mine, bubble: bubble };
      self.showError();
    }).then(function () {
      if (timer) { clearTimeout(timer); }
      self.typing.hidden = true;
    });
  };

  Widget.prototype.showError = function () {
    var self = this;
    var failed = this.failed;
    this.error.textContent = "";
    this.error.appendChild(el("p", { className: "phb-chat__error-title",
      text: TEXT.errorTitle + (failed.mine ? " " + TEXT.errorNotSent : "") }));
    var retry = el("button", { type: "button", className: "phb-chat__choice", text: TEXT.retry });
    retry.addEventListener("click", function () {
      self.error.hidden = true;
      self.input.focus();
      self.queue = self.queue.then(function () { return self.post(failed.payload, failed.mine, failed.bubble); });
    });
    this.error.appendChild(retry);
    var contacts = (this.card && this.card.contacts) || [];
    if (contacts.length) {
      this.error.appendChild(el("p", { text: fill(TEXT.errorTeam, { team: this.card.team_name }) }));
      var list = el("ul");
      contacts.forEach(function (c) {
        var li = el("li");
        renderLine(li, c.label + ": " + c.value);
        list.appendChild(li);
      });
      this.error.appendChild(list);
    }
    this.error.appendChild(el("p", { text: TEXT.errorUrgent }));
    var urgent = el("ul");
    TEXT.errorUrgentLines.forEach(function (line) {
      var li = el("li");
      renderLine(li, line);
      urgent.appendChild(li);
    });
    this.error.appendChild(urgent);
    this.error.hidden = false;
    this.scrollToEnd();
  };

  /** If the host page's focused element is under the open panel, scroll it clear, or else minimise. */
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
      this.state.open = false;
      this.save();
    }
  };

  function start(script) {
    if (!script || typeof window === "undefined" || !window.fetch || !window.crypto) { return; }
    var go = function () {
      var widget = new Widget(script);
      widget.build();
      // A spacer so the last thing on the page can always scroll above the launcher.
      var spacer = el("div", { className: "phb-chat__spacer", "aria-hidden": "true" });
      document.body.appendChild(spacer);
    };
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", go); } else { go(); }
  }

  return { start: start, newConversationId: newConversationId, safeHref: safeHref, tokenize: tokenize,
    blocks: blocks, fromRasa: fromRasa, TEXT: TEXT };
});
