// enigma.js 2.15.0 against qlik-sim: the app's locale (GetLocaleInfo) and
// measures formatted by their qNumFormat, on an app folder whose script sets
// an en-GB locale, and on the built-in sample app (en-US defaults).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const require = createRequire(import.meta.url);
const enigma = require('enigma.js');
const schema = require('enigma.js/schemas/12.2027.0.json');
const WebSocket = require('ws');

const simBin =
  process.env.QLIK_SIM_BIN ?? path.resolve(import.meta.dirname, '../../../target/debug/qlik-sim');
const KEY = 'abcdefghij012345';
const running = [];

after(() => {
  for (const sim of running) sim.kill('SIGTERM');
});

/** Starts the simulator with these arguments: its proxy and QPS addresses. */
async function startSim(args) {
  const sim = spawn(simBin, ['--proxy', '127.0.0.1:0', '--qps', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.push(sim);
  const lines = readline.createInterface({ input: sim.stdout });
  const addrs = {};
  await new Promise((resolve, reject) => {
    sim.once('error', reject);
    sim.once('exit', (code) => reject(new Error(`qlik-sim exited with ${code}`)));
    lines.on('line', (line) => {
      const match = /(proxy|qps) listening on https?:\/\/(\S+)/.exec(line);
      if (match) addrs[match[1]] = match[2];
      if (addrs.proxy && addrs.qps) resolve();
    });
  });
  return addrs;
}

/** Ticket, redeemed with a GET; then the app opened over enigma.js. */
async function openApp({ proxy, qps }, app) {
  const ticket = await fetch(`http://${qps}/qps/ticket?xrfkey=${KEY}`, {
    method: 'POST',
    headers: { 'X-Qlik-Xrfkey': KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify({ UserDirectory: 'CORP', UserId: 'enigma-locale', Attributes: [] }),
  }).then((r) => r.json());
  const hub = await fetch(`http://${proxy}/hub/?qlikTicket=${ticket.Ticket}`, { redirect: 'manual' });
  const cookie = hub.headers.get('set-cookie').split(';')[0];
  const session = enigma.create({
    schema,
    url: `ws://${proxy}/app/${app}`,
    createSocket: (u) => new WebSocket(u, { headers: { Cookie: cookie } }),
  });
  const global = await session.open();
  return { session, doc: await global.openDoc(app) };
}

const table = (field, measures) => ({
  qInfo: { qType: 'table' },
  qHyperCubeDef: {
    qDimensions: [{ qDef: { qFieldDefs: [field] } }],
    qMeasures: measures.map(([qDef, qNumFormat]) => ({ qDef: { qDef, qNumFormat } })),
    qInterColumnSortOrder: [0],
    qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: measures.length + 1, qHeight: 20 }],
  },
});

test("an app's script sets the locale and the measures' texts", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qlik-sim-locale-'));
  const app = path.join(dir, 'shop-gb');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'app.toml'), 'id = "shop-gb"\nname = "Shop"\n');
  fs.writeFileSync(
    path.join(app, 'Orders.csv'),
    'Region,Amount,OrderDate\nNorth,1000.25,45350\nNorth,234.25,45351\nSouth,-2000,45341\n',
  );
  fs.writeFileSync(
    path.join(app, 'script.qvs'),
    [
      '///$tab Main',
      "SET ThousandSep=',';",
      "SET DecimalSep='.';",
      "SET MoneyFormat='£#,##0.00;-£#,##0.00';",
      "SET DateFormat='DD/MM/YYYY';",
      'SET FirstWeekDay=0;',
      "SET CollationLocale='en-GB';",
      '',
      'Orders: LOAD * FROM [lib://Data/Orders.csv] (txt);',
    ].join('\n'),
  );
  try {
    const sim = await startSim(['--apps', dir]);
    const { session, doc } = await openApp(sim, 'shop-gb');
    const locale = await doc.getLocaleInfo();
    assert.equal(locale.qMoneyFmt, '£#,##0.00;-£#,##0.00');
    assert.equal(locale.qDateFmt, 'DD/MM/YYYY');
    assert.equal(locale.qFirstWeekDay, 0);
    assert.equal(locale.qCollation, 'en-GB');
    assert.equal(locale.qCalendarStrings.qMonthNames[1], 'Feb');

    const cube = await doc.createSessionObject(
      table('Region', [
        ['Sum(Amount)', { qType: 'M' }],
        ['Max(OrderDate)', { qType: 'D' }],
      ]),
    );
    const layout = await cube.getLayout();
    const texts = layout.qHyperCube.qDataPages[0].qMatrix.map((row) => row.map((cell) => cell.qText));
    assert.deepEqual(texts, [
      ['North', '£1,234.50', '29/02/2024'],
      ['South', '-£2,000.00', '19/02/2024'],
    ]);
    assert.equal(layout.qHyperCube.qMeasureInfo[0].qNumFormat.qType, 'M');
    assert.equal(layout.qHyperCube.qMeasureInfo[0].qIsAutoFormat, false);
    await session.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the built-in app: its script\'s locale, formats from qNumFormat, Evaluate plain', async () => {
  const sim = await startSim(['--rows', '2000']);
  const { session, doc } = await openApp(sim, 'sample-sales');
  const locale = await doc.getLocaleInfo();
  assert.equal(locale.qThousandSep, ',');
  assert.equal(locale.qMoneyFmt, '$#,##0.00;-$#,##0.00');
  // apps/sample-sales/script.qvs sets ISO dates.
  assert.equal(locale.qTimestampFmt, 'YYYY-MM-DD h:mm:ss[.fff] TT');

  const cube = await doc.createSessionObject(
    table('Region', [
      ['Sum(Sales)', { qType: 'M', qFmt: '£#,##0.00;-£#,##0.00', qDec: '.', qThou: ',' }],
      ['-Sum(Sales)', { qType: 'M', qFmt: '$#,##0.00;($#,##0.00)' }],
      ['Sum(Sales)', { qType: 'U' }],
    ]),
  );
  const { qHyperCube } = await cube.getLayout();
  for (const [, pounds, brackets, auto] of qHyperCube.qDataPages[0].qMatrix) {
    assert.match(pounds.qText, /^£\d{1,3}(,\d{3})*\.\d\d$/);
    assert.match(brackets.qText, /^\(\$\d{1,3}(,\d{3})*\.\d\d\)$/);
    assert.match(auto.qText, /^\d{1,3}(,\d{3})*(\.\d\d)?$/);
    assert.equal(pounds.qNum, auto.qNum);
  }
  assert.equal(qHyperCube.qMeasureInfo[2].qIsAutoFormat, true);
  const total = await doc.evaluate('Sum(Sales)');
  assert.match(total, /^\d+(\.\d+)?$/);
  await session.close();
});
