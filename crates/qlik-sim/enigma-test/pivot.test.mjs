// enigma.js 2.15.0 reads a pivot table from qlik-sim, expands a row, and a
// second connection on the same engine session sees the expansion.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';

const require = createRequire(import.meta.url);
const enigma = require('enigma.js');
const schema = require('enigma.js/schemas/12.2027.0.json');
const WebSocket = require('ws');

const simBin =
  process.env.QLIK_SIM_BIN ?? path.resolve(import.meta.dirname, '../../../target/debug/qlik-sim');
const KEY = 'abcdefghij012345';
let sim;
let proxy;
let qps;

before(async () => {
  sim = spawn(simBin, ['--proxy', '127.0.0.1:0', '--qps', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: sim.stdout });
  await new Promise((resolve, reject) => {
    sim.once('error', reject);
    lines.on('line', (line) => {
      const match = /(proxy|qps) listening on https?:\/\/(\S+)/.exec(line);
      if (match && match[1] === 'proxy') proxy = match[2];
      if (match && match[1] === 'qps') qps = match[2];
      if (proxy && qps) resolve();
    });
  });
});

after(() => sim?.kill('SIGTERM'));

async function sessionCookie(user) {
  const response = await fetch(`http://${qps}/qps/ticket?xrfkey=${KEY}`, {
    method: 'POST',
    headers: { 'X-Qlik-Xrfkey': KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify({ UserDirectory: 'CORP', UserId: user, Attributes: [] }),
  });
  assert.equal(response.status, 201);
  const { Ticket } = await response.json();
  const hub = await fetch(`http://${proxy}/hub/?qlikTicket=${Ticket}`, { redirect: 'manual' });
  assert.equal(hub.status, 200);
  return hub.headers.get('set-cookie').split(';')[0];
}

function connect(cookie) {
  return enigma.create({
    schema,
    url: `ws://${proxy}/app/sample-sales`,
    createSocket: (u) => new WebSocket(u, { headers: { Cookie: cookie } }),
  });
}

test('a pivot table: read, expand a row, a second connection follows', async () => {
  const cookie = await sessionCookie('enigma-pivot');
  const first = connect(cookie);
  const doc = await (await first.open()).openDoc('sample-sales');
  const pivot = await doc.getObject('pivot-sales');
  const cube = (await pivot.getLayout()).qHyperCube;
  assert.equal(cube.qMode, 'P');
  const [page] = cube.qPivotDataPages;
  assert.deepEqual(
    page.qLeft.map((node) => node.qText),
    ['Americas', 'APAC', 'EMEA', 'Nordics', 'Totals'],
  );
  assert.equal(page.qLeft[0].qCanExpand, true);
  assert.deepEqual(page.qTop[0].qSubNodes.map((node) => node.qText), ['Sales', 'Orders']);
  assert.equal(page.qData.length, cube.qSize.qcy);

  // The same engine session on a second socket.
  const second = connect(cookie);
  const other = await (await (await second.open()).getActiveDoc()).getObject('pivot-sales');
  await other.getLayout();
  const changed = new Promise((resolve) => other.once('changed', resolve));

  await pivot.expandLeft('/qHyperCubeDef', 0, 0, false);
  await changed;
  const [expanded] = (await other.getLayout()).qHyperCube.qPivotDataPages;
  const americas = expanded.qLeft[0];
  assert.equal(americas.qCanCollapse, true);
  assert.ok(americas.qSubNodes.length > 1);
  assert.equal(expanded.qData.length, 4 + americas.qSubNodes.length);

  // Pages through GetHyperCubePivotData: the second row of Americas on.
  const [slice] = await other.getHyperCubePivotData('/qHyperCubeDef', [
    { qTop: 1, qLeft: 0, qWidth: 2, qHeight: 2 },
  ]);
  assert.equal(slice.qLeft[0].qText, 'Americas');
  assert.equal(slice.qLeft[0].qUp, 1);
  assert.deepEqual(slice.qData, expanded.qData.slice(1, 3).map((row) => row.slice(0, 2)));

  await first.close();
  await second.close();
});
