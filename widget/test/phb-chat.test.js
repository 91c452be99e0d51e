// Unit tests for the widget's pure functions: `node --test widget/test` (run by `make test`).
const test = require("node:test");
const assert = require("node:assert/strict");
const crypto = require("node:crypto");
const chat = require("../src/phb-chat.js");

const links = (line) => chat.tokenize(line).filter((p) => p.href).map((p) => [p.text, p.href]);
const joined = (line) => chat.tokenize(line).map((p) => p.text).join("");

test("a conversation id is 128 random bits in hex, different each time", () => {
  const ids = new Set(Array.from({ length: 1000 }, () => chat.newConversationId(crypto.webcrypto)));
  assert.equal(ids.size, 1000);
  for (const id of ids) assert.match(id, /^[0-9a-f]{32}$/);
});

test("only http(s), mailto and tel become links", () => {
  assert.equal(chat.safeHref("https://www.nhs.uk/"), "https://www.nhs.uk/");
  assert.equal(chat.safeHref("mailto:team@example.org"), "mailto:team@example.org");
  assert.equal(chat.safeHref("tel:01632960000"), "tel:01632960000");
  for (const bad of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "file:///etc/passwd", "ftp://example.org/", "not a url", ""]) {
    assert.equal(chat.safeHref(bad), null, bad);
  }
});

test("the crisis message's numbers and address become links, and no text is lost", () => {
  const lines = [
    ["- If someone's life is in danger, call 999.", [["999", "tel:999"]]],
    ["- For urgent medical help, call NHS 111 or go to 111.nhs.uk.",
      [["111", "tel:111"], ["111.nhs.uk", "https://111.nhs.uk/"]]],
    ["- In a mental health crisis, call NHS 111 and choose option 2.", [["111", "tel:111"]]],
    ["- To talk to someone at any time, call Samaritans free on 116 123.", [["116 123", "tel:116123"]]],
    ["- You can also text SHOUT to 85258.", []],
  ];
  for (const [line, expected] of lines) {
    assert.deepEqual(links(line), expected, line);
    assert.equal(joined(line), line);
  }
});

test("area contacts: phone numbers and email addresses", () => {
  assert.deepEqual(links("Phone: 01632 960000 (example only)"), [["01632 960000", "tel:01632960000"]]);
  assert.deepEqual(links("Phone: 01872 221400"), [["01872 221400", "tel:01872221400"]]);
  assert.deepEqual(links("Email: personal.health.budgets@example.org (example only)"),
    [["personal.health.budgets@example.org", "mailto:personal.health.budgets@example.org"]]);
  assert.deepEqual(links("Budgets of £1,111 or 2999 people"), []);
});

test("web addresses lose trailing punctuation; markdown links only with safe targets", () => {
  assert.deepEqual(links("See https://www.england.nhs.uk/personal-health-budgets/."),
    [["https://www.england.nhs.uk/personal-health-budgets/", "https://www.england.nhs.uk/personal-health-budgets/"]]);
  assert.deepEqual(links("Read [the NHS page](https://www.nhs.uk/phb) now"), [["the NHS page", "https://www.nhs.uk/phb"]]);
  assert.equal(joined("Read [the NHS page](https://www.nhs.uk/phb) now"), "Read the NHS page now");
  assert.deepEqual(links("[click](javascript:alert(1))"), []);
  assert.equal(joined("[click](javascript:alert(1))"), "[click](javascript:alert(1))");
});

test("markup is never interpreted: it stays as text parts", () => {
  const payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
  assert.deepEqual(chat.tokenize(payload), [{ text: payload }]);
});

test("lines that start with a dash make one list", () => {
  assert.deepEqual(chat.blocks("Pick one:\n- A\n- B\n\nThen more."), [
    { list: false, text: "Pick one:" }, { list: true, items: ["A", "B"] }, { list: false, text: "Then more." },
  ]);
});

test("Rasa's REST answer: text, buttons, and progress for the question before it", () => {
  const items = [
    { recipient_id: "x", text: "Question 2 of 6.\nAre you 18 or over?",
      buttons: [{ title: "Yes", payload: "Yes" }, { title: 3, payload: "bad" }] },
    { recipient_id: "x", custom: { progress: { step: 2, total: 6 } } },
    { recipient_id: "x", image: "https://example.org/x.png" },
    null,
    { recipient_id: "x", text: "" },
  ];
  assert.deepEqual(chat.fromRasa(items), [
    { who: "bot", text: "Question 2 of 6.\nAre you 18 or over?", buttons: [{ title: "Yes", payload: "Yes" }],
      progress: { step: 2, total: 6 } },
  ]);
  assert.deepEqual(chat.fromRasa({ error: "x" }), []);
  assert.deepEqual(chat.fromRasa([{ custom: { progress: { step: 9, total: 2 } } }]), []);
});
