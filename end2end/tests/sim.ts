/**
 * The tests' view of the embedded qlik-sim: its QPS REST API, its counters,
 * and a raw QIX JSON-RPC probe that computes expressions in its own session
 * (user `e2e-probe`), so the dashboard's numbers are checked against what the
 * engine computes, not against hard-coded figures.
 *
 * scripts/end2end.sh starts the server with the simulator on free ports and
 * passes them in the environment.
 */
import WebSocket from 'ws';

const qpsAddr = process.env.MASHUP_QLIK__EMBEDDED_QPS;
const proxyAddr = process.env.MASHUP_QLIK__EMBEDDED_PROXY;
/** The Qlik user directory of every mashup user (the server's default). */
export const DIRECTORY = 'CORP';
/** The app the dashboard shows. */
export const APP_ID = 'sample-sales';
const XRFKEY = 'abcdefghijklmnop';

/** The simulator's listen addresses, for leak checks. */
export function simAddresses(): string[] {
  if (!qpsAddr || !proxyAddr) {
    throw new Error('run the suite through scripts/end2end.sh (it tells the tests where qlik-sim listens)');
  }
  return [qpsAddr, proxyAddr];
}

async function qps(method: string, path: string, body?: unknown): Promise<unknown> {
  simAddresses();
  const response = await fetch(`http://${qpsAddr}/qps${path}?xrfkey=${XRFKEY}`, {
    method,
    headers: { 'X-Qlik-Xrfkey': XRFKEY, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`QPS ${method} ${path}: ${response.status}`);
  return response.json();
}

/** The proxy sessions QPS reports for a user. */
export async function userSessions(user: string): Promise<Array<{ SessionId: string }>> {
  return (await qps('GET', `/user/${DIRECTORY}/${user}`)) as Array<{ SessionId: string }>;
}

/** The simulator's counters. */
export async function simStats(): Promise<{ tickets_issued: number; sessions_created: number }> {
  simAddresses();
  const response = await fetch(`http://${qpsAddr}/sim/stats`);
  return (await response.json()) as { tickets_issued: number; sessions_created: number };
}

/** Closes every engine WebSocket of a user, as a network failure would. */
export async function dropSockets(user: string): Promise<number> {
  const response = await fetch(`http://${qpsAddr}/sim/drop-sockets/${DIRECTORY}/${user}`, { method: 'POST' });
  return ((await response.json()) as { dropped: number }).dropped;
}

/** A field selection: values by text. */
export type Selection = { field: string; values: string[] };

/**
 * Computes `expressions` (one hypercube with one measure each) in a fresh
 * engine session of the probe user, under `selections`; returns the engine's
 * texts (in `app`, the sample app by default). The probe's session is
 * deleted afterwards.
 */
export async function evaluate(
  expressions: string[],
  selections: Selection[] = [],
  app: string = APP_ID,
): Promise<string[]> {
  const probe = 'e2e-probe';
  const { Ticket } = (await qps('POST', '/ticket', {
    UserDirectory: DIRECTORY,
    UserId: probe,
    Attributes: [],
  })) as { Ticket: string };
  const socket = new WebSocket(`ws://${proxyAddr}/app/${app}?qlikTicket=${Ticket}`);
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    const waiter = message.id !== undefined ? pending.get(message.id) : undefined;
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(`QIX error ${JSON.stringify(message.error)}`));
    else waiter.resolve(message.result);
  });
  const call = (handle: number, method: string, params: unknown[]): Promise<any> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ jsonrpc: '2.0', id, handle, method, params }));
    });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  try {
    const doc = (await call(-1, 'OpenDoc', [app])).qReturn.qHandle;
    for (const selection of selections) {
      const field = (await call(doc, 'GetField', [selection.field])).qReturn.qHandle;
      await call(field, 'SelectValues', [selection.values.map((text) => ({ qText: text })), false, false]);
    }
    const object = (
      await call(doc, 'CreateSessionObject', [
        {
          qInfo: { qType: 'e2e-probe' },
          qHyperCubeDef: {
            qDimensions: [],
            qMeasures: expressions.map((qDef) => ({ qDef: { qDef } })),
            qInitialDataFetch: [{ qTop: 0, qLeft: 0, qWidth: expressions.length, qHeight: 1 }],
          },
        },
      ])
    ).qReturn.qHandle;
    const layout = (await call(object, 'GetLayout', [])).qLayout;
    return layout.qHyperCube.qDataPages[0].qMatrix[0].map((cell: { qText: string }) => cell.qText);
  } finally {
    socket.close();
    await qps('DELETE', `/user/${DIRECTORY}/${probe}`);
  }
}

/** Makes the simulator refuse every connection for `ms` (Qlik away), keeping its sessions. */
export async function pauseQlik(ms: number): Promise<void> {
  simAddresses();
  const response = await fetch(`http://${qpsAddr}/sim/pause/${ms}`, { method: 'POST' });
  if (!response.ok) throw new Error(`pause: ${response.status}`);
}
