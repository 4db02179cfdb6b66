/**
 * Starts the TWS wire-protocol test server (test/ib/tws-server.ts) with a synthetic ES and NQ market on the
 * wall clock, for manual runs of `mia serve --source ib` without an IB account:
 *
 *   node --import tsx scripts/tws-test-server.ts --port 4002 --rate 20
 *   npx mia serve --source ib --ib-port 4002        # in another terminal
 *
 * It lists the current and next quarterly contracts (so the roll rule finds a front month), serves ten
 * minutes of history for the start-up backfill, then streams quotes, trades and depth. Each trade is also
 * printed to stdout as NDJSON ({symbol, sec, price, size}) so a run can be compared with what the engine
 * shows. SPX (CBOE) and NDX (NASDAQ) are listed as IND contracts and their values streamed as reqMktData
 * last prices (context prices, no volume). Typing `drop` + Enter drops every client (a gateway restart); `refuse 5` refuses connections for
 * five seconds; `1100` / `1102` send those status codes; `noticks 2` answers the next two historical-tick
 * requests with 162 (the adapter then backfills from 1-minute bars). `garbage [random|badlength|unterminated] [n] [seed]`
 * sends a burst of garbage mid-session (a broken gateway; the adapter drops the connection and reconnects).
 */
import { createInterface } from 'node:readline';
import { Command, InvalidArgumentError } from 'commander';
import { portNumber, positiveNumber } from '../src/cli/options.js';
import { futuresAroundToday, INDEXES } from '../test/ib/fixtures.js';
import { TwsServer } from '../test/ib/tws-server.js';
import type { ContractSpec } from '../test/ib/tws-wire.js';

/** The mia option parsers, their coded errors as commander's own (usage, then exit 1). */
const arg = <T>(parse: (text: string) => T) => (text: string): T => {
  try {
    return parse(text);
  } catch (e) {
    throw new InvalidArgumentError(e instanceof Error ? e.message : String(e));
  }
};

const { port, rate } = new Command('tws-test-server')
  .description('TWS wire-protocol test server with a synthetic ES and NQ market on the wall clock, for mia serve --source ib without an IB account; each trade is printed to stdout as NDJSON')
  .option('--port <n>', 'port to listen on, 0 to 65535 (0: any free port, reported on stderr)', arg(portNumber('--port')), 4002)
  .option('--rate <n>', 'trades per second per contract', arg(positiveNumber('--rate')), 20)
  .showHelpAfterError()
  .addHelpText('after', [
    '',
    'Typed on stdin, each followed by Enter:',
    '  drop        drop every client (a gateway restart)',
    '  refuse [s]  refuse connections for s seconds (default 5)',
    '  1100, 1102  send that connectivity status code (lost, restored)',
    '  noticks [n] answer the next n historical-tick requests with error 162 (default 1)',
    '  garbage [kind] [n] [seed]  send garbage mid-session: random (n seeded random bytes, default), badlength',
    '              (a length prefix the client reads as negative, then n bytes) or unterminated (a message without',
    '              its final NUL); n default 64, seed default 1',
    '',
    'Example:',
    '  node --import tsx scripts/tws-test-server.ts --port 4002 --rate 20',
    '  npx mia serve --source ib --ib-port 4002        # in another terminal',
    '',
  ].join('\n'))
  .parse()
  .opts<{ port: number; rate: number }>();

// ES then NQ, each front month then next (the filter below takes the front months); the cash indices with IB's conIds.
const specs: ContractSpec[] = [...futuresAroundToday('ES', 700_000_000), ...futuresAroundToday('NQ', 700_000_002), ...INDEXES];
const front = specs.filter((c, k) => c.secType === 'FUT' && k % 2 === 0);
const indexes = specs.filter((c) => c.secType === 'IND');
const server = new TwsServer({ contracts: specs, startSec: Math.floor(Date.now() / 1000) });
const mid = new Map<number, number>([[front[0]!.conId, 5000], [front[1]!.conId, 18000]]);
let seed = 12345;
const rnd = (): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

function trade(c: ContractSpec, sec: number, live: boolean): void {
  let m = mid.get(c.conId)!;
  m += rnd() < 0.5 ? -0.25 : 0.25;
  mid.set(c.conId, m);
  const buy = rnd() < 0.5;
  const price = buy ? m + 0.25 : m;
  const size = 1 + Math.floor(rnd() * 10);
  if (live) server.quote(c.conId, m, m + 0.25, 5 + Math.floor(rnd() * 50), 5 + Math.floor(rnd() * 50), sec);
  server.trade(c.conId, price, size, sec);
  if (live) {
    server.depth(c.conId, 0, 1, 1, m, 5 + Math.floor(rnd() * 80));
    server.depth(c.conId, 0, 1, 0, m + 0.25, 5 + Math.floor(rnd() * 80));
  }
  process.stdout.write(`${JSON.stringify({ symbol: c.symbol, sec, price, size })}\n`);
}

// Ten minutes of history for the start-up backfill.
const now = Math.floor(Date.now() / 1000);
for (let sec = now - 600; sec < now; sec++) for (const c of front) trade(c, sec, false);

await server.listen(port);
process.stderr.write(`TWS test server on 127.0.0.1:${server.port}, contracts ${front.map((c) => c.localSymbol).join(', ')}\n`);

setInterval(() => {
  server.nowSec = Math.floor(Date.now() / 1000);
  for (const c of front) {
    const n = Math.floor(rate / 10) + (rnd() < (rate / 10) % 1 ? 1 : 0);
    for (let k = 0; k < n; k++) trade(c, server.nowSec, true);
  }
  // Index values follow their futures' mids (the basis is not the point here).
  server.indexPrice(indexes[0]!.conId, Math.round((mid.get(front[0]!.conId)! - 15) * 100) / 100);
  server.indexPrice(indexes[1]!.conId, Math.round((mid.get(front[1]!.conId)! - 60) * 100) / 100);
}, 100);

createInterface({ input: process.stdin }).on('line', (line) => {
  const [cmd, arg, arg2, arg3] = line.trim().split(/\s+/);
  if (cmd === 'drop') server.dropAll();
  else if (cmd === 'refuse') {
    void server.refuse().then(() => setTimeout(() => void server.accept(), 1000 * Number(arg ?? 5)));
  } else if (cmd === '1100') server.sendError(-1, 1100, 'Connectivity between IB and Trader Workstation has been lost.');
  else if (cmd === 'noticks') server.failHistorical(Number(arg ?? 1));
  else if (cmd === 'garbage') {
    const kind = (['random', 'badlength', 'unterminated'] as const).find((k) => k === arg) ?? 'random';
    server.garbage(kind, Number(arg2 ?? 64), Number(arg3 ?? 1));
  }
  else if (cmd === '1102') server.sendError(-1, 1102, 'Connectivity between IB and Trader Workstation has been restored - data maintained.');
  process.stderr.write(`${cmd ?? ''}: done, clients ${JSON.stringify(server.clients)}\n`);
});

process.on('SIGINT', () => {
  void server.close().then(() => process.exit(0));
});
