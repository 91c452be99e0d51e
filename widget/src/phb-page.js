/*
 * The chat page (/chat, bot/chat_page.py), enhanced in place: the same forms, posted without reloading.
 *
 * Without this script the page works as plain HTML forms. With it, each post goes by fetch with
 * `X-PHB-Page: 1`, the server answers with the page itself, and only what is new is put in place: the
 * person's message at once, "The assistant is typing" (announced politely), then the answer in the log
 * (a polite live region), the new buttons and progress; focus stays in the message box.
 *
 * Framed by the widget on an ICB's page (`&frame=1`), it also keeps the chat's session key in this
 * origin's sessionStorage (so a new page on the ICB's site carries on the same chat), and talks to
 * that page only with postMessage: "ready" and "close" out, "open" in, checked by window and origin.
 */
(function () {
  "use strict";

  var TIMEOUT_MS = 70000; // a little over the server's own wait for the assistant
  var STORE_KEY = "phb-page";
  var TEXT = {
    typing: "The assistant is typing",
    notSent: " (not sent)",
    confirmRestart: "Start again? This clears the conversation from this screen.",
    confirmRestartYes: "Yes, start again",
    confirmEnd: "End the chat? This clears the conversation from this screen.",
    confirmEndYes: "Yes, end the chat",
    confirmNo: "No, go back",
    you: "You said: ",
    errorTitle: "Sorry, we cannot reach the assistant right now.",
    errorNotSent: "Your message was not sent.",
    retry: "Try again",
    // The same urgent help as the assistant's urgent_help message (content/messages.yml).
    errorUrgent: "If you need help right now:",
    errorUrgentLines: [
      ["If someone's life is in danger, call ", "999", "."],
      ["For urgent medical help, call NHS ", "111", "."],
      ["In a mental health crisis, call NHS ", "111", " and choose option 2."],
      ["To talk to someone at any time, call Samaritans free on ", "116 123", "."]
    ]
  };

  var body = document.body;
  var framed = body.classList.contains("phb-page--framed");
  var host = body.getAttribute("data-host") || "";
  var area = body.getAttribute("data-area") || "";
  var busy = false;
  var lastPost = null;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }

  function $(selector, root) { return (root || document).querySelector(selector); }

  // ---- Talking to the ICB's page (framed only) -------------------------------------------------------

  function tellHost(message) {
    if (framed && host && window.parent !== window) { window.parent.postMessage(message, host); }
  }

  window.addEventListener("message", function (event) {
    // `host` was checked by the server against the origins allowed to frame this page (`hosts`).
    if (!framed || !host || event.source !== window.parent || event.origin !== host) { return; }
    if (event.data && event.data.phb === "open") { focusBox(); }
  });

  function store() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function remember() {
    var s = store();
    var key = $("#chat input[name=session]"), token = $("#chat input[name=token]");
    if (!framed || !s) { return; }
    try {
      if (key && token) {
        s.setItem(STORE_KEY, JSON.stringify({ area: area, key: key.value, token: token.value }));
      } else {
        s.removeItem(STORE_KEY);
      }
    } catch (e) { /* blocked: the chat lasts as long as this page */ }
  }

  function saved() {
    var s = store();
    try {
      var value = s && JSON.parse(s.getItem(STORE_KEY) || "null");
      return value && value.area === area && value.key && value.token ? value : null;
    } catch (e) { return null; }
  }

  // ---- Posting the page's forms ----------------------------------------------------------------------

  function focusBox() {
    var box = $("#message") || $("#chat button");
    if (box) { box.focus(); }
  }

  function status(text) {
    var node = $("#status");
    if (node) { node.textContent = text; }
  }

  function fields(form, submitter) {
    var data = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (input) {
      if (input.name && input.type === "hidden") { data.append(input.name, input.value); }
    });
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    return data;
  }

  function baseFields() {
    var data = new URLSearchParams({ area: area });
    if (framed) { data.append("frame", "1"); if (host) { data.append("host", host); } }
    return data;
  }

  function showMine(text) {
    var log = $("#log");
    if (!log || !text) { return null; }
    var item = el("li", { "class": "phb-page__msg phb-page__msg--you phb-page__msg--pending" }, [
      el("span", { "class": "nhsuk-u-visually-hidden", text: TEXT.you }), el("p", { "class": "phb-page__line", text: text })]);
    log.appendChild(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  /** Post a form; resolves true once the server's page is in place, false if it could not be reached. */
  function post(data, mine) {
    if (busy) { return Promise.resolve(false); }
    busy = true;
    lastPost = { data: data, mine: mine };
    var error = $("#phb-page-error");
    if (error) { error.parentNode.removeChild(error); }
    status(TEXT.typing);
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, TIMEOUT_MS) : null;
    return fetch("/chat", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-PHB-Page": "1" },
      credentials: "same-origin",
      body: data.toString(),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.text();
    }).then(function (html) {
      busy = false;
      status("");
      merge(new DOMParser().parseFromString(html, "text/html"), mine);
      return true;
    }, function () {
      busy = false;
      status("");
      failed(mine);
      return false;
    }).then(function (ok) {
      if (timer) { clearTimeout(timer); }
      return ok;
    });
  }

  /** Put the server's new page in place: only what is new is added, so a screen reader hears only that. */
  function merge(next, mine) {
    var state = next.body.getAttribute("data-state");
    var chat = $("#chat"), nextChat = next.getElementById("chat");
    var wasChat = body.getAttribute("data-state") === "chat";
    body.setAttribute("data-state", state);
    // Messages that were never sent are not in the server's conversation.
    Array.prototype.forEach.call(document.querySelectorAll(".phb-page__msg--failed"), function (node) {
      if (node !== mine) { node.parentNode.removeChild(node); }
    });
    if (state !== "chat" || !wasChat) {
      chat.innerHTML = "";
      Array.prototype.forEach.call(nextChat.childNodes, function (node) { chat.appendChild(document.importNode(node, true)); });
      enhance();
      remember();
      if (state === "ended") { tellHost({ phb: "close", ended: true }); }
      if (state === "chat" && document.hasFocus()) { focusBox(); }
      return;
    }
    var log = $("#log"), nextLog = next.getElementById("log");
    var shown = mine && mine.parentNode === log ? mine : null;
    if (shown) { log.removeChild(shown); } // counted out; put back below if the server kept it
    var have = log.children.length, items = nextLog.children;
    var first = null;
    if (items.length < have) { log.innerHTML = ""; have = 0; }
    for (var i = have; i < items.length; i++) {
      var node;
      if (shown && i === have && items[i].classList.contains("phb-page__msg--you")) {
        // The person's own message, already on screen: kept as it is, so it is not read out twice.
        node = shown;
        node.classList.remove("phb-page__msg--pending", "phb-page__msg--failed");
        shown = null;
      } else {
        node = document.importNode(items[i], true);
        node.removeAttribute("id");
      }
      log.appendChild(node);
      first = first || node;
    }
    ["problem-area", "extras"].forEach(function (id) {
      var here = document.getElementById(id), there = next.getElementById(id);
      if (here && there) { here.innerHTML = there.innerHTML; }
    });
    remember();
    if (shown) {
      // The server did not take the message (the assistant could not be reached, or it was too
      // long): it stays on screen, marked not sent, with "Try again" beside the server's reasons.
      log.appendChild(shown);
      markFailed(shown);
      var problem = $("#problem");
      if (problem && problem.querySelector(".nhsuk-error-summary__body")) {
        problem.querySelector(".nhsuk-error-summary__body").appendChild(retryButton(shown));
      }
    }
    if (first) { first.scrollIntoView({ block: "start" }); }
    var problemBox = $("#problem");
    if (problemBox) { problemBox.focus(); } else { focusBox(); }
  }

  function markFailed(mine) {
    mine.classList.remove("phb-page__msg--pending");
    mine.classList.add("phb-page__msg--failed");
    if (!mine.querySelector(".phb-page__not-sent")) {
      mine.appendChild(el("span", { "class": "nhsuk-u-visually-hidden phb-page__not-sent", text: TEXT.notSent }));
    }
  }

  function retryButton(mine) {
    var again = lastPost;
    var retry = el("button", { type: "button", "class": "nhsuk-button nhsuk-button--secondary", text: TEXT.retry });
    retry.addEventListener("click", function () {
      if (mine) {
        mine.classList.remove("phb-page__msg--failed");
        mine.classList.add("phb-page__msg--pending");
        var mark = mine.querySelector(".phb-page__not-sent");
        if (mark) { mark.parentNode.removeChild(mark); }
      }
      var error = $("#phb-page-error");
      if (error) { error.parentNode.removeChild(error); }
      focusBox();
      post(again.data, again.mine);
    });
    return retry;
  }

  /** The page's server could not be reached at all: say so here, with the urgent-help numbers. */
  function failed(mine) {
    if (mine) { markFailed(mine); }
    var retry = retryButton(mine);
    var list = el("ul", {}, TEXT.errorUrgentLines.map(function (parts) {
      return el("li", {}, [document.createTextNode(parts[0]),
        el("a", { "class": "nhsuk-link", href: "tel:" + parts[1].replace(/\s/g, ""), text: parts[1] }),
        document.createTextNode(parts[2])]);
    }));
    var box = el("div", { id: "phb-page-error", "class": "nhsuk-error-summary", role: "alert", tabindex: "-1" }, [
      el("h2", { "class": "nhsuk-error-summary__title", text: TEXT.errorTitle + (mine ? " " + TEXT.errorNotSent : "") }),
      el("div", { "class": "nhsuk-error-summary__body" }, [el("p", { text: TEXT.errorUrgent }), list, retry])]);
    ($("#problem-area") || $("#chat")).appendChild(box);
    retry.focus();
  }

  // ---- "Start again" and "End chat" ask first ----------------------------------------------------------

  function ask(button, question, yesText, onYes) {
    var old = $("#phb-page-confirm");
    if (old) { old.parentNode.removeChild(old); }
    var yes = el("button", { type: "button", "class": "nhsuk-button nhsuk-button--warning", text: yesText });
    var no = el("button", { type: "button", "class": "nhsuk-button nhsuk-button--secondary", text: TEXT.confirmNo });
    var box = el("div", { id: "phb-page-confirm", "class": "phb-page__confirm", role: "group",
      "aria-labelledby": "phb-page-confirm-text" }, [el("p", { id: "phb-page-confirm-text", text: question }), yes,
      document.createTextNode(" "), no]);
    button.form.parentNode.insertBefore(box, button.form.nextSibling);
    var cancel = function () { if (box.parentNode) { box.parentNode.removeChild(box); } button.focus(); };
    box.cancel = cancel;
    yes.addEventListener("click", function () { box.parentNode.removeChild(box); onYes(); });
    no.addEventListener("click", cancel);
    yes.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.closest || !form.closest("#chat") || !window.fetch) { return; }
    event.preventDefault();
    var submitter = event.submitter || document.activeElement;
    if (busy) { return; }
    var data = fields(form, submitter && submitter.form === form ? submitter : null);
    var action = data.get("do");
    if (action === "restart" || action === "end") {
      var restart = action === "restart";
      ask(submitter, restart ? TEXT.confirmRestart : TEXT.confirmEnd,
        restart ? TEXT.confirmRestartYes : TEXT.confirmEndYes, function () { post(data, null); });
      return;
    }
    var mine = null;
    if (data.has("reply")) {
      mine = showMine(submitter.textContent);
      var choices = $(".phb-page__choices");
      if (choices) { choices.parentNode.removeChild(choices); }
      focusBox();
    } else if (form.id === "answer") {
      var box = $("#message");
      var text = box.value.trim();
      if (!text) { box.focus(); return; }
      data.append("message", text);
      box.value = "";
      mine = showMine(text);
    }
    post(data, mine);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var confirm = $("#phb-page-confirm");
    if (confirm) { event.preventDefault(); confirm.cancel(); return; }
    if (framed) { event.preventDefault(); tellHost({ phb: "close" }); }
  });

  function enhance() {
    var log = $("#log");
    if (log) {
      log.setAttribute("aria-live", "polite");
      log.setAttribute("aria-relevant", "additions");
    }
    var minimise = $("[data-action=minimise]");
    if (minimise) {
      minimise.hidden = false;
      minimise.addEventListener("click", function () { tellHost({ phb: "close" }); });
    }
  }

  enhance();
  if (framed) {
    tellHost({ phb: "ready" });
    if (body.getAttribute("data-state") === "start" && window.fetch) {
      // The chat this tab already had (the ICB's next page), or a new one: the server gives the
      // old chat back if it still has it, else starts a new one.
      var before = saved();
      var data = baseFields();
      if (before) {
        data.append("session", before.key);
        data.append("token", before.token);
      } else {
        data.append("do", "start");
      }
      post(data, null);
    } else {
      remember();
    }
  }
}());
