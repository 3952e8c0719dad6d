// The orchestrator's search page in headless Chromium (Debian's), driven by
// puppeteer-core (pinned in package-lock.json). Started by
// tests/search_page_test.sh with ARTS_PAGE_URL (arts-orchestrator-local over
// the bundled models, --http_listen) and ARTS_WORK (a scratch folder);
// ARTS_SCREENSHOT, when set, is where the screenshot docs/search.md shows
// goes (scripts/search_page_screenshot.sh).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import puppeteer from 'puppeteer-core';

const env = process.env;
let browser;
let page;

before(async () => {
  browser = await puppeteer.launch({
    executablePath: env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 800 });
  page.on('pageerror', (error) => { throw error; });
  await page.goto(env.ARTS_PAGE_URL, { waitUntil: 'load' });
});

after(async () => { if (browser) await browser.close(); });

const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

test('a Solve through the page: the tree as the events built it', async () => {
  await page.evaluate(() => {
    document.getElementById('problem').value = '4 9 10 13 -> 24';
    document.getElementById('seed').value = '3';
    document.getElementById('budget').value = '256';
  });
  await page.waitForFunction(
    () => [...document.getElementById('strategy').options].length >= 6);
  await page.select('#strategy', 'arts');
  await page.click('#solve');
  await page.waitForFunction(() => !window.arts.state.running &&
    document.getElementById('status').textContent.startsWith('done'), { timeout: 60000 });
  const seen = await page.evaluate(() => {
    const s = window.arts.state;
    const best = window.arts.answerNode();
    return {
      nodes: window.arts.nodeCount(), created: s.created, finalNodes: s.final.nodes.length,
      answer: best >= 0 ? s.nodes[best].answer : null, answerText: s.answerText,
      latencies: s.drawLatencies, tokens: s.final.nodes.reduce((t, n) => t + n.tokens, 0),
      receipt: s.final.cost.tokens_generated, status: document.getElementById('status').textContent,
    };
  });
  // The page's node count is the node events', and the final tree's.
  assert.ok(seen.nodes > 1, `${seen.nodes} nodes`);
  assert.equal(seen.nodes, seen.created);
  assert.equal(seen.nodes, seen.finalNodes);
  assert.equal(seen.tokens, seen.receipt);
  // Its highlighted answer is the response's (the content's last line).
  const answer = seen.answerText.split('\n').at(-1).replace(/^Answer: /, '');
  assert.equal(seen.answer, answer);
  // Each node drawn within 100 ms of its event.
  const worst = Math.max(...seen.latencies);
  console.log(`nodes ${seen.nodes}; event to drawn: p50 ${quantile(seen.latencies, 0.5).toFixed(1)} ms, ` +
              `max ${worst.toFixed(1)} ms over ${seen.latencies.length} events`);
  assert.ok(worst <= 100, `a node took ${worst.toFixed(1)} ms to be drawn`);
  writeFileSync(`${env.ARTS_WORK}/tree.json`, JSON.stringify(
    await page.evaluate(() => window.arts.state.final), null, 1));
  // A node's details: its trace with log pi and log F per step.
  await page.evaluate(() => { window.arts.fit(); window.arts.draw(); });
  const best = await page.evaluate(() => window.arts.answerNode());
  const spot = await page.evaluate((id) => {
    const p = window.arts.state.layout[id], v = window.arts.state.view;
    const rect = document.getElementById('tree').getBoundingClientRect();
    return { x: rect.left + v.x + p.x * v.scale, y: rect.top + v.y + p.y * v.scale };
  }, best);
  await page.mouse.click(spot.x, spot.y);
  const details = await page.$eval('#details', (e) => e.textContent);
  assert.match(details, new RegExp(`node ${best} `));
  assert.match(details, /log pi -?\d/);
  assert.match(details, /log F /);
  if (env.ARTS_SCREENSHOT) {
    await page.screenshot({ path: env.ARTS_SCREENSHOT });
    console.log(`screenshot: ${env.ARTS_SCREENSHOT}`);
  }
  await page.screenshot({ path: `${env.ARTS_WORK}/search_page.png` });
});

test('a saved tree.json opens', async () => {
  const input = await page.$('#file');
  await input.uploadFile(`${env.ARTS_WORK}/tree.json`);
  await page.waitForFunction(() => document.getElementById('status').textContent.includes('nodes)'));
  const saved = JSON.parse((await import('node:fs')).readFileSync(`${env.ARTS_WORK}/tree.json`, 'utf8'));
  assert.equal(await page.evaluate(() => window.arts.nodeCount()), saved.nodes.length);
  assert.equal(await page.evaluate(() => window.arts.answerNode()),
               saved.nodes.find((n) => n.answer_rank === 1)?.id ?? -1);
});

test('a 3,000-node tree opens and pans without a frame over 100 ms', async () => {
  // A beam-shaped tree of 3,000 nodes, built in the page in the file format.
  const opened = await page.evaluate(() => {
    const nodes = [{ id: 0, parent: -1, steps: [], logprob: 0, tokens: 0, draws: 0, valid: true,
                     terminal: false, answer: '', expansions: 1, state: 'expanded', check: 'unknown',
                     answer_rank: 0 }];
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    let frontier = [0];
    while (nodes.length < 3000) {
      const next = [];
      for (const parent of frontier) {
        for (let k = 0; k < 4 && nodes.length < 3000; k++) {
          const id = nodes.length;
          const terminal = nodes.length > 2900;
          nodes.push({ id, parent, steps: [`step ${id}`], logprob: -random(), tokens: 5 + Math.floor(random() * 20),
                       draws: 1, valid: true, terminal, answer: terminal ? '24' : '', expansions: 0,
                       log_flow: Math.log(random()), state: terminal ? 'answer' : 'beaten', check: 'unknown',
                       answer_rank: id === 2999 ? 1 : 0 });
          next.push(id);
        }
        nodes[parent].expansions = 1;
        if (parent > 0) nodes[parent].state = 'expanded';
      }
      frontier = next.filter(() => random() < 0.5).slice(0, 300);
      if (frontier.length === 0) frontier = next.slice(0, 10);
    }
    const started = performance.now();
    window.arts.loadTree({ format: 'arts-search-tree', version: 1, problem: 'synthetic', strategy: 'beam',
                           stop_reason: 'token budget', cost: { tokens_generated: 0 }, nodes });
    window.arts.state.frameTimes.length = 0;
    window.arts.draw();
    return { count: window.arts.nodeCount(), ms: performance.now() - started };
  });
  assert.equal(opened.count, 3000);
  // Pan with the mouse, as a person would, at two zoom levels, and time
  // every frame the browser paints (requestAnimationFrame intervals) and
  // every redraw of ours.
  await page.evaluate(() => {
    window.__frames = [];
    let last = performance.now();
    const tick = (now) => { window.__frames.push(now - last); last = now; window.__raf = requestAnimationFrame(tick); };
    window.__raf = requestAnimationFrame(tick);
  });
  for (const fit of [true, false]) {
    await page.evaluate((f) => {
      if (f) window.arts.fit(); else window.arts.state.view.scale = 1;
    }, fit);
    await page.mouse.move(700, 400);
    await page.mouse.down();
    for (let i = 0; i < 40; i++) await page.mouse.move(700 - i * 15, 400 - (i % 7) * 5);
    await page.mouse.up();
  }
  const timing = await page.evaluate(() => {
    cancelAnimationFrame(window.__raf);
    return { frames: window.__frames.slice(1), draws: window.arts.state.frameTimes };
  });
  const worstFrame = Math.max(...timing.frames);
  const worstDraw = Math.max(...timing.draws);
  console.log(`3,000 nodes: opened and drawn in ${opened.ms.toFixed(1)} ms; panning: ` +
              `${timing.frames.length} frames, longest ${worstFrame.toFixed(1)} ms; ` +
              `${timing.draws.length} redraws, longest ${worstDraw.toFixed(1)} ms, p50 ${quantile(timing.draws, 0.5).toFixed(1)} ms`);
  assert.ok(opened.ms <= 1000, `opening took ${opened.ms} ms`);
  assert.ok(worstDraw <= 100, `a redraw took ${worstDraw.toFixed(1)} ms`);
  assert.ok(worstFrame <= 100, `a frame took ${worstFrame.toFixed(1)} ms`);
});
