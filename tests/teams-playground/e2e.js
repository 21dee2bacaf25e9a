#!/usr/bin/env node
// A full question-and-answer conversation with the bot through Microsoft 365 Agents Playground, using only the
// playground's REST and WebSocket API (no browser): install → welcome card; a description → question cards;
// Action.Execute clicks (adaptiveCard/action invokes) → read-only answered cards and the next question; then the
// diagnosis; then an Action.Submit click on a new question. Exit code 0 only if every step happened.
// usage: node --experimental-websocket e2e.js http://localhost:PORT      (Node 22+: no flag needed)
'use strict';
const base = (process.argv[2] || 'http://localhost:56150').replace(/\/$/, '');
const CARD = 'application/vnd.microsoft.card.adaptive';
const TIMEOUT_MS = 20000;

async function call(method, path, body) {
  const response = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) });
  const text = await response.text();
  try { return { status: response.status, body: JSON.parse(text) }; } catch { return { status: response.status, body: text }; }
}

function fail(message) { console.error('FAIL: ' + message); process.exit(1); }

async function main() {
  const { config } = (await call('GET', '/_internal/v1/config')).body;
  const me = config.currentUser.id;
  const chat = config.personalChat.id;

  const cards = [];
  const ws = new WebSocket(base.replace(/^http/, 'ws') + '/_ws_conversation/v1/conversations/stream');
  ws.onmessage = (event) => {
    const e = JSON.parse(String(event.data));
    if (e.action !== 'createMessage' || e.actionConversationId !== chat) return;
    for (const a of e.message.attachments || []) if (a.contentType === CARD) cards.push({ id: e.message.messageId, card: a.content });
  };
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });

  async function nextCard(predicate, what) {
    const deadline = Date.now() + TIMEOUT_MS;
    while (Date.now() < deadline) {
      const found = cards.find((c) => !c.seen && predicate(c.card));
      if (found) { found.seen = true; return found; }
      await new Promise((r) => setTimeout(r, 50));
    }
    fail(`no ${what} within ${TIMEOUT_MS} ms; cards seen: ${JSON.stringify(cards.map((c) => c.card.body?.[1]?.text ?? c.card.body?.[0]?.text))}`);
  }
  const question = (fact) => (card) => (card.actions || []).some((a) => a.data && a.data.factId === fact);
  const option = (card, value) => card.actions.find((a) => a.data.value === value);

  await call('POST', `/_debug/conversation/${chat}/installation`, {});
  await nextCard((card) => JSON.stringify(card).includes('dashboard.aircall.io/calls/1000004'), 'welcome card');
  console.log('welcome card: ok');

  await call('POST', `/_conversation/v1/conversations/${chat}/messages`, { from: { id: me }, text: 'the call has no recording', textFormat: 'plain' });
  let q = await nextCard(question('answered'), 'question about the answer');
  for (const [fact, value, next] of [['answered', 'yes', 'talk-seconds'], ['talk-seconds', '..4', null]]) {
    const action = option(q.card, value);
    const invoke = await call('POST', '/_conversation/v1/invoke', {
      name: 'adaptiveCard/action', from: { id: me }, conversation: { id: chat }, replyToId: q.id,
      value: { action: { type: 'Action.Execute', title: action.title, verb: action.verb, data: action.data } },
    });
    const replaced = JSON.stringify(invoke.body);
    if (!replaced.includes(CARD) || replaced.includes('Action.Execute')) fail(`invoke for ${fact} did not return a read-only card: ${replaced}`);
    console.log(`answered ${fact}=${value}: read-only card returned`);
    if (next) q = await nextCard(question(next), `question about ${next}`);
  }

  const diagnosis = await nextCard((card) => JSON.stringify(card).includes('"id":"cause:too-short"'), 'diagnosis');
  console.log('diagnosis: too-short, shown by its cause id');

  await call('POST', `/_conversation/v1/conversations/${chat}/messages`, { from: { id: me }, text: 'another call had no recording', textFormat: 'plain' });
  q = await nextCard(question('answered'), 'a new question');
  const submit = option(q.card, 'no').fallback;
  await call('POST', '/_conversation/v1/submit', { from: { id: me }, conversation: { id: chat }, replyToId: q.id, value: submit.data });
  await nextCard(question('voicemail'), 'the question after an Action.Submit answer');
  console.log('Action.Submit fallback: ok');

  ws.close();
  console.log(`e2e ok (${diagnosis.id})`);
  process.exit(0);
}

if (typeof WebSocket === 'undefined') fail('global WebSocket missing: run with node --experimental-websocket (Node 20) or Node >= 22');
main().catch((e) => fail(e.stack || String(e)));
