// enigma.js 2.15.0, unchanged and with its own schema, against qlik-sim.
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

/** Ticket from QPS, redeemed with a GET under the proxy: the session cookie. */
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

function open(url, cookie) {
  const states = [];
  const session = enigma.create({
    schema,
    url,
    createSocket: (u) => new WebSocket(u, { headers: { Cookie: cookie } }),
  });
  // open() may resolve before the greeting is dispatched: wait for it.
  const greeted = new Promise((resolve) => {
    session.on('notification:OnConnected', (params) => {
      states.push(params.qSessionState);
      resolve(params.qSessionState);
    });
  });
  return { session, states, greeted };
}

test('ticket, cookie, OnConnected SESSION_CREATED, OpenDoc', async () => {
  const cookie = await sessionCookie('enigma-1');
  const { session, greeted } = open(`ws://${proxy}/app/sample-sales`, cookie);
  const global = await session.open();
  assert.equal(await greeted, 'SESSION_CREATED');
  assert.match(await global.engineVersion().then((v) => v.qComponentVersion), /^12\./);
  const doc = await global.openDoc('sample-sales');
  const layout = await doc.getAppLayout();
  assert.equal(layout.qTitle, 'Sample Sales');
  // Delta protocol: unchanged layouts come back the same.
  assert.deepEqual(await doc.getAppLayout(), layout);
  await session.close();
});

test('with a /ttl/ URL, suspend and resume attach to the same session', async () => {
  const cookie = await sessionCookie('enigma-2');
  const { session, states, greeted } = open(`ws://${proxy}/app/sample-sales/ttl/30`, cookie);
  const global = await session.open();
  await greeted;
  const doc = await global.openDoc('sample-sales');
  await session.suspend();
  await session.resume(true);
  assert.deepEqual(states, ['SESSION_CREATED', 'SESSION_ATTACHED']);
  const active = await global.getActiveDoc();
  assert.equal(active.id, 'sample-sales');
  // The Doc API the client held before was restored (by GetActiveDoc).
  assert.equal((await doc.getAppLayout()).qTitle, 'Sample Sales');
  await session.close();
});

test('without a TTL, resume finds a new session', async () => {
  const cookie = await sessionCookie('enigma-3');
  const { session, states, greeted } = open(`ws://${proxy}/app/sample-sales`, cookie);
  const global = await session.open();
  await greeted;
  await global.openDoc('sample-sales');
  await session.suspend();
  // The engine session died with its socket: resume sees SESSION_CREATED,
  // and resume(onlyIfAttached) refuses it (enigma.js error -12).
  await assert.rejects(session.resume(true), (error) => error.code === -12);
  assert.deepEqual(states, ['SESSION_CREATED', 'SESSION_CREATED']);
  // The proxy session (cookie) still works for a fresh engine session.
  const again = open(`ws://${proxy}/app/sample-sales`, cookie);
  const global2 = await again.session.open();
  assert.equal(await again.greeted, 'SESSION_CREATED');
  await assert.rejects(global2.getActiveDoc(), (error) => error.code === 1017);
  await again.session.close();
});

test('a list object and a hypercube follow a selection, with change notifications', async () => {
  const cookie = await sessionCookie('enigma-4');
  const { session } = open(`ws://${proxy}/app/sample-sales`, cookie);
  const global = await session.open();
  const doc = await global.openDoc('sample-sales');
  const page = (width) => [{ qTop: 0, qLeft: 0, qWidth: width, qHeight: 50 }];
  const list = await doc.createSessionObject({
    qInfo: { qType: 'listbox' },
    qListObjectDef: { qDef: { qFieldDefs: ['Region'] }, qShowAlternatives: true, qInitialDataFetch: page(1) },
  });
  const cube = await doc.createSessionObject({
    qInfo: { qType: 'table' },
    qHyperCubeDef: {
      qDimensions: [{ qDef: { qFieldDefs: ['Region'] } }],
      qMeasures: [{ qDef: { qDef: 'Sum(Sales)' } }],
      qInitialDataFetch: page(2),
    },
  });
  const regions = (await cube.getLayout()).qHyperCube.qDataPages[0].qMatrix;
  assert.equal(regions.length, 4);
  const emeaSales = regions.find((row) => row[0].qText === 'EMEA')[1].qNum;
  const states = async () =>
    Object.fromEntries(
      (await list.getLayout()).qListObject.qDataPages[0].qMatrix.map(([cell]) => [cell.qText, cell.qState]),
    );
  assert.deepEqual(Object.values(await states()), ['O', 'O', 'O', 'O']);
  const emea = (await list.getLayout()).qListObject.qDataPages[0].qMatrix.find(([c]) => c.qText === 'EMEA')[0];

  const changes = Promise.all([
    new Promise((resolve) => list.once('changed', resolve)),
    new Promise((resolve) => cube.once('changed', resolve)),
  ]);
  assert.equal(await list.selectListObjectValues('/qListObjectDef', [emea.qElemNumber], false), true);
  await changes;

  const after = await states();
  assert.equal(after.EMEA, 'S');
  assert.deepEqual(
    Object.entries(after).filter(([, state]) => state === 'A').map(([text]) => text).sort(),
    ['APAC', 'Americas', 'Nordics'],
  );
  const rows = (await cube.getLayout()).qHyperCube.qDataPages[0].qMatrix;
  assert.deepEqual(rows.map((row) => row[0].qText), ['EMEA']);
  assert.equal(rows[0][1].qNum, emeaSales);
  await session.close();
});

test('a sheet of linked master objects, library items, a filter pane and a variable', async () => {
  const cookie = await sessionCookie('enigma-5');
  const { session } = open(`ws://${proxy}/app/sample-sales`, cookie);
  const global = await session.open();
  const doc = await global.openDoc('sample-sales');

  // The sheets of the app, as the Sense client lists them.
  const sheets = await doc.createSessionObject({
    qInfo: { qType: 'SheetList' },
    qAppObjectListDef: { qType: 'sheet', qData: { title: '/qMetaDef/title' } },
  });
  const items = (await sheets.getLayout()).qAppObjectList.qItems;
  assert.deepEqual(
    items.map((i) => [i.qInfo.qId, i.qData.title]),
    [
      ['sheet-overview', 'Overview'],
      ['sheet-gallery', 'Visualization types'],
    ],
  );

  // Open the sheet; list its children.
  const sheet = await doc.getObject('sheet-overview');
  const layout = await sheet.getLayout();
  assert.equal(layout.columns, 24);
  assert.deepEqual(
    layout.cells.map((c) => c.name),
    layout.qChildList.qItems.map((i) => i.qInfo.qId),
  );
  const children = await sheet.getChildInfos();
  assert.equal(children.length, 5);

  // A linked child: laid out from its master, with the library's titles.
  const bar = await sheet.getChild('overview-category-bar');
  const barLayout = await bar.getLayout();
  assert.equal(barLayout.qExtendsId, 'master-category-bar');
  assert.equal(barLayout.visualization, 'barchart');
  assert.equal(barLayout.qHyperCube.qDimensionInfo[0].qFallbackTitle, 'Product category');
  assert.deepEqual(
    barLayout.qHyperCube.qMeasureInfo.map((m) => [m.qFallbackTitle, m.qLibraryId, m.qNumFormat.qType]),
    [['Sales', 'msr-sales', 'M'], ['Share of sales', 'msr-share', 'F']],
  );
  assert.equal(barLayout.qHyperCube.qDataPages[0].qMatrix.length, 5);

  // The filter pane's list box: no data in the layout, pages on request.
  const pane = await sheet.getChild('overview-filters');
  const [regionInfo] = await pane.getChildInfos();
  const list = await pane.getChild(regionInfo.qId);
  const listLayout = await list.getLayout();
  assert.deepEqual(listLayout.qListObject.qDataPages, []);
  assert.equal(listLayout.qListObject.qDimensionInfo.qFallbackTitle, 'Sales region');
  const pages = await list.getListObjectData('/qListObjectDef', [{ qTop: 2, qLeft: 0, qWidth: 1, qHeight: 2 }]);
  assert.equal(pages[0].qMatrix.length, 2);
  assert.equal(pages[0].qArea.qTop, 2);

  // Expressions with variables.
  const total = (await doc.evaluateEx('Sum(Sales)')).qNumber;
  const target = (await doc.evaluateEx('Sum(Sales) * $(vMarginTarget)')).qNumber;
  assert.ok(Math.abs(target - total * 0.35) < total * 1e-9);
  const variable = await doc.getVariableByName('vTotalSales');
  assert.equal((await variable.getLayout()).qNum, total);
  await session.close();
});
