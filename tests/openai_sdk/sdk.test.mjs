// The official OpenAI SDK (npm `openai`, pinned in package-lock.json)
// against arts-orchestrator's OpenAI-compatible HTTP API. Started by
// tests/openai_sdk_test.sh, which passes the servers in the environment:
//   ARTS_LOCAL_URL     arts-orchestrator-local, bundled models, a token
//   ARTS_SLOW_URL      arts-orchestrator over slow text backends, room for
//                      one search, no token; ARTS_SLOW_METRICS its /metrics
//   ARTS_DOWN_URL      arts-orchestrator whose backends are down
//   ARTS_TOKEN         the token ARTS_LOCAL_URL takes
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';

const env = process.env;
const PUZZLE = '4 9 10 13 -> 24';

// No retries: each test sees the first answer the server gives.
function client(url, apiKey = env.ARTS_TOKEN, options = {}) {
  return new OpenAI({ baseURL: url, apiKey, maxRetries: 0, ...options });
}
const local = () => client(env.ARTS_LOCAL_URL);
const slow = () => client(env.ARTS_SLOW_URL, 'unused');

function checkArtsAnswer(choice) {
  assert.equal(typeof choice.arts, 'object');
  assert.ok(['passed', 'failed', 'unknown'].includes(choice.arts.check));
  assert.ok(Array.isArray(choice.arts.steps));
  assert.ok(Array.isArray(choice.arts.step_log_flows));
  assert.equal(choice.arts.step_log_flows.length, choice.arts.steps.length + 1);
}

test('chat completion: the top answers, usage and the receipt', async () => {
  const completion = await local().chat.completions.create({
    model: 'arts',
    messages: [
      { role: 'system', content: 'Solve the puzzle.' },
      { role: 'user', content: PUZZLE },
    ],
    n: 2,
    seed: 3,
  });
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.model, 'arts');
  assert.match(completion.id, /^chatcmpl-/);
  assert.ok(completion.choices.length >= 1 && completion.choices.length <= 2);
  const best = completion.choices[0];
  assert.equal(best.index, 0);
  assert.equal(best.message.role, 'assistant');
  assert.match(best.message.content, /\nAnswer: \S+$/);
  assert.equal(best.finish_reason, 'stop');
  checkArtsAnswer(best);
  assert.ok(best.message.content.endsWith(`Answer: ${best.arts.answer}`));
  assert.ok(completion.usage.completion_tokens > 0);
  assert.equal(completion.usage.completion_tokens,
               completion.arts_cost.tokens_generated);
  assert.equal(completion.usage.total_tokens,
               completion.usage.prompt_tokens + completion.usage.completion_tokens);
  assert.equal(completion.arts_cost.strategy, 'arts');
  assert.ok(completion.arts_cost.wall_seconds > 0);
  assert.ok(completion.arts_cost.generator_calls > 0);
});

test('the same seed gives the same search', async () => {
  const ask = () => local().chat.completions.create({
    model: 'best-of-n', messages: [{ role: 'user', content: PUZZLE }], seed: 11,
  });
  const a = await ask();
  const b = await ask();
  assert.equal(a.choices[0].message.content, b.choices[0].message.content);
  assert.equal(a.usage.completion_tokens, b.usage.completion_tokens);
});

test('completions: the prompt is the problem', async () => {
  const completion = await local().completions.create({
    model: 'best-of-n', prompt: PUZZLE, max_tokens: 400, seed: 1,
  });
  assert.equal(completion.object, 'text_completion');
  assert.match(completion.choices[0].text, /Answer: /);
  checkArtsAnswer(completion.choices[0]);
  assert.ok(completion.usage.completion_tokens <= 400);
});

test('the arts object (extra_body in Python) carries search settings and budgets', async () => {
  const completion = await local().chat.completions.create({
    model: 'beam',
    messages: [{ role: 'user', content: PUZZLE }],
    max_tokens: 2000,
    arts: { beam_width: 2, max_expansions: 3, constrained: true },
  });
  assert.ok(completion.arts_cost.expansions <= 3);
  assert.equal(completion.arts_cost.stop_reason.length > 0, true);
});

test('streamed chat: progress chunks, then content deltas, then usage', async () => {
  const stream = await local().chat.completions.create({
    model: 'arts',
    messages: [{ role: 'user', content: PUZZLE }],
    stream: true,
    stream_options: { include_usage: true },
    seed: 5,
  });
  let progress = 0;
  let content = '';
  let finish = null;
  let usage = null;
  let arts = null;
  const order = [];
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.arts_event) {
      progress += 1;
      assert.ok(['expansion', 'best_so_far'].includes(chunk.arts_event.type));
      assert.equal(chunk.choices.length, 0);
      order.push('progress');
    } else if (chunk.usage) {
      usage = chunk.usage;
      assert.equal(chunk.arts_cost.tokens_generated, usage.completion_tokens);
      order.push('usage');
    } else {
      const choice = chunk.choices[0];
      if (choice.delta.content) content += choice.delta.content;
      if (choice.finish_reason) {
        finish = choice.finish_reason;
        arts = choice.arts;
      }
      order.push('content');
    }
  }
  assert.ok(progress > 0, 'no progress chunk');
  assert.match(content, /Answer: /);
  assert.equal(finish, 'stop');
  assert.ok(content.endsWith(`Answer: ${arts.answer}`));
  assert.ok(usage.completion_tokens > 0);
  // Progress first, content after, usage last.
  assert.equal(order.indexOf('content') > order.lastIndexOf('progress'), true);
  assert.equal(order.at(-1), 'usage');
});

test('streamed completion', async () => {
  const stream = await local().completions.create({
    model: 'dvts', prompt: PUZZLE, stream: true, seed: 2,
  });
  let text = '';
  for await (const chunk of stream) {
    if (chunk.choices.length > 0) text += chunk.choices[0].text;
  }
  assert.match(text, /Answer: /);
});

test('models: one per strategy, with the backends', async () => {
  const ids = [];
  for await (const model of local().models.list()) {
    ids.push(model.id);
    assert.ok(model.arts.backends.generator.length > 0);
  }
  assert.deepEqual(ids.sort(), ['arts', 'beam', 'best-of-n', 'dvts',
                                'majority-vote', 'weighted-vote']);
  const beam = await local().models.retrieve('beam');
  assert.equal(beam.id, 'beam');
});

async function rejects(promise, ErrorClass, check = () => {}) {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ErrorClass,
              `expected ${ErrorClass.name}, got ${error.constructor.name}: ${error.message}`);
    check(error);
    return error;
  }
  assert.fail(`expected ${ErrorClass.name}, got an answer`);
}

test('400: BadRequestError with the param', async () => {
  const ask = (body) => local().chat.completions.create({
    model: 'arts', messages: [{ role: 'user', content: PUZZLE }], ...body,
  });
  await rejects(ask({ temperature: 'hot' }), OpenAI.BadRequestError, (e) => {
    assert.equal(e.status, 400);
    assert.equal(e.param, 'temperature');
    assert.equal(e.type, 'invalid_request_error');
  });
  await rejects(ask({ arts: { bogus: 1 } }),
                OpenAI.BadRequestError, (e) => assert.equal(e.param, 'arts.bogus'));
  // Checked by the search itself, named as the request's field.
  await rejects(ask({ arts: { expand_width: 0 } }),
                OpenAI.BadRequestError,
                (e) => assert.equal(e.param, 'arts.expand_width'));
  await rejects(local().chat.completions.create({
    model: 'arts', messages: [{ role: 'user', content: 'not a puzzle' }],
  }), OpenAI.BadRequestError, (e) => assert.equal(e.param, 'messages'));
});

test('401 and 403: AuthenticationError and PermissionDeniedError', async () => {
  const body = { model: 'arts', messages: [{ role: 'user', content: PUZZLE }] };
  await rejects(client(env.ARTS_LOCAL_URL, 'wrong-token').chat.completions.create(body),
                OpenAI.PermissionDeniedError, (e) => assert.equal(e.status, 403));
  // No token at all: the SDK needs some apiKey, so send no header by hand.
  const response = await fetch(`${env.ARTS_LOCAL_URL}/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 401);
  assert.equal((await response.json()).error.type, 'authentication_error');
  const e401 = await rejects(
    client(env.ARTS_LOCAL_URL, 'x', { defaultHeaders: { Authorization: null } })
      .chat.completions.create(body), OpenAI.AuthenticationError);
  assert.equal(e401.status, 401);
  await rejects(client(env.ARTS_LOCAL_URL, 'wrong').models.list(),
                OpenAI.PermissionDeniedError);
});

test('404: NotFoundError for an unknown model', async () => {
  await rejects(local().chat.completions.create({
    model: 'gpt-4o', messages: [{ role: 'user', content: PUZZLE }],
  }), OpenAI.NotFoundError, (e) => {
    assert.equal(e.status, 404);
    assert.equal(e.code, 'model_not_found');
    assert.equal(e.param, 'model');
  });
  await rejects(local().models.retrieve('gpt-4o'), OpenAI.NotFoundError);
});

test('504: the deadline, from arts.deadline_ms or the SDK timeout', async () => {
  const body = {
    model: 'arts', messages: [{ role: 'user', content: 'spell abcdefgh' }],
    max_tokens: 100000,
    arts: { task: 'text', deadline_ms: 400 },
  };
  await rejects(slow().chat.completions.create(body),
                OpenAI.InternalServerError, (e) => {
    assert.equal(e.status, 504);
    assert.equal(e.type, 'timeout_error');
  });
});

test('429: RateLimitError with Retry-After from the refusal hold', async () => {
  const s = slow();
  const long = s.chat.completions.create({
    model: 'arts', messages: [{ role: 'user', content: 'spell abcdefgh' }],
    max_tokens: 100000, arts: { task: 'text', deadline_ms: 6000 },
  }).catch(() => {});
  await waitFor(async () => (await metric(env.ARTS_SLOW_METRICS,
    'arts_orchestrator_solves_in_flight')) >= 1, 3000);
  const started = Date.now();
  const error = await rejects(s.chat.completions.create({
    model: 'arts', messages: [{ role: 'user', content: 'spell ab' }],
    arts: { task: 'text' },
  }), OpenAI.RateLimitError);
  const held = Date.now() - started;
  assert.equal(error.status, 429);
  assert.ok(Number(error.headers.get('retry-after')) >= 1);
  assert.ok(Number(error.headers.get('retry-after-ms')) > 0);
  assert.ok(held >= 90, `refusal answered after ${held} ms, hold is 100 ms`);
  await long;
});

test('503: InternalServerError when the backends are down', async () => {
  await rejects(client(env.ARTS_DOWN_URL, 'unused').chat.completions.create({
    model: 'arts', messages: [{ role: 'user', content: PUZZLE }],
  }), OpenAI.InternalServerError, (e) => assert.equal(e.status, 503));
});

test('bodies that are not JSON, too large or of the wrong shape: 400', async () => {
  const post = (body, type = 'application/json') => fetch(
    `${env.ARTS_LOCAL_URL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': type, authorization: `Bearer ${env.ARTS_TOKEN}` },
      body,
    });
  for (const [body, says] of [
    ['{"model": "arts", "messages": [', 'not valid JSON'],
    ['"just a string"', 'must be a JSON object'],
    ['{"model": "arts", "messages": "hi"}', 'messages'],
    [`{"model": "arts", "x": "${'a'.repeat(2 << 20)}"}`, 'over the limit'],
  ]) {
    const response = await post(body);
    assert.equal(response.status, 400, body.slice(0, 40));
    const error = (await response.json()).error;
    assert.match(error.message, new RegExp(says));
    assert.equal(error.type, 'invalid_request_error');
  }
  const wrongMethod = await fetch(`${env.ARTS_LOCAL_URL}/chat/completions`);
  assert.equal(wrongMethod.status, 405);
  const unknown = await fetch(`${env.ARTS_LOCAL_URL}/embeddings`, { method: 'POST' });
  assert.equal(unknown.status, 404);
  assert.ok((await unknown.json()).error.message.includes('/v1/embeddings'));
});

test('healthz', async () => {
  const base = env.ARTS_LOCAL_URL.replace(/\/v1$/, '');
  const response = await fetch(`${base}/healthz`);
  assert.equal(response.status, 200);
  assert.equal((await response.json()).status, 'SERVING');
});

async function metric(url, name, labels = '') {
  const text = await (await fetch(url)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(name) && line.includes(labels) &&
        (line[name.length] === ' ' || line[name.length] === '{')) {
      total += Number(line.split(' ').at(-1));
    }
  }
  return total;
}

async function waitFor(check, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 2));
  }
  return false;
}

test('an aborted request cancels its search', async () => {
  const cancelled = () => metric(env.ARTS_SLOW_METRICS, 'arts_rpc_requests_total',
                                 'code="CANCELLED"');
  const before = await cancelled();
  const controller = new AbortController();
  const stream = await slow().chat.completions.create({
    model: 'arts', messages: [{ role: 'user', content: 'spell abcdefgh' }],
    max_tokens: 100000, stream: true,
    arts: { task: 'text' },
  }, { signal: controller.signal });
  let aborted = 0;
  try {
    for await (const chunk of stream) {
      if (chunk.arts_event) {
        aborted = performance.now();
        controller.abort();
      }
    }
  } catch (error) {
    assert.ok(error instanceof OpenAI.APIUserAbortError, error.constructor.name);
  }
  assert.ok(aborted > 0, 'no progress chunk before the abort');
  assert.ok(await waitFor(async () => (await cancelled()) > before, 2000),
            'the search was not cancelled');
  const ms = performance.now() - aborted;
  console.log(`abort to cancelled search (scrape included): ${ms.toFixed(1)} ms`);
  assert.ok(await waitFor(async () => (await metric(env.ARTS_SLOW_METRICS,
    'arts_orchestrator_solves_in_flight')) === 0, 2000));
});
