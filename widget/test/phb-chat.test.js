// Unit tests for the widget's pure functions: `node --test widget/test` (run by `make test`).
// What the chat shows (links, lists, Rasa's answer) is made by the chat page on the server:
// tests/unit/test_chat_page.py.
const test = require("node:test");
const assert = require("node:assert/strict");
const chat = require("../src/phb-chat.js");

const ASSISTANT = "https://assistant.example.nhs.uk";

test("the frame is the chat page on the assistant's origin, told which page frames it", () => {
  assert.equal(chat.frameUrl(ASSISTANT, "kent-and-medway", "https://www.icb.example"),
    ASSISTANT + "/chat?area=kent-and-medway&frame=1&host=https%3A%2F%2Fwww.icb.example");
  assert.equal(chat.frameUrl(ASSISTANT, "a&b=c", "https://x"), ASSISTANT + "/chat?area=a%26b%3Dc&frame=1&host=https%3A%2F%2Fx");
});

test("the assistant's origin: data-server if given, else where the script came from", () => {
  assert.equal(chat.assistantOrigin(ASSISTANT + "/widget/phb-chat.js", null), ASSISTANT);
  assert.equal(chat.assistantOrigin(ASSISTANT + "/phb-chat.js", "https://other.example/path/"), "https://other.example");
  assert.equal(chat.assistantOrigin("not a url", ""), null);
});

test("only the frame's own window, on the assistant's origin, is listened to, and only for ready and close", () => {
  const frame = {};
  const ok = (data) => ({ origin: ASSISTANT, source: frame, data });
  assert.deepEqual(chat.fromFrame(ok({ phb: "ready" }), ASSISTANT, frame), { kind: "ready", ended: false });
  assert.deepEqual(chat.fromFrame(ok({ phb: "close", ended: true }), ASSISTANT, frame), { kind: "close", ended: true });
  assert.equal(chat.fromFrame({ origin: "https://evil.example", source: frame, data: { phb: "close" } }, ASSISTANT, frame), null);
  assert.equal(chat.fromFrame({ origin: ASSISTANT, source: {}, data: { phb: "close" } }, ASSISTANT, frame), null);
  assert.equal(chat.fromFrame(ok({ phb: "navigate", to: "javascript:alert(1)" }), ASSISTANT, frame), null);
  assert.equal(chat.fromFrame(ok("close"), ASSISTANT, frame), null);
  assert.equal(chat.fromFrame(ok({ phb: "close" }), ASSISTANT, null), null);
});

test("the urgent help it shows when the assistant cannot be reached links every number", () => {
  const lines = chat.TEXT.errorUrgentLines;
  assert.equal(lines.length, chat.TEXT.errorUrgentNumbers.length);
  lines.forEach((line, i) => assert.ok(line.includes(chat.TEXT.errorUrgentNumbers[i]), line));
});
