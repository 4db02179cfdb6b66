// The journal's writer thread: owns the DuckDB file, so appends, commits and checkpoints never run on the
// engine's thread. Messages are handled one at a time, in order; each rows message is committed before its ack.
import { parentPort } from 'node:worker_threads';
import { ErrorCode, isMiaError } from '../src/common/errors.js';
import type { FromWorker, ToWorker } from '../src/journal/journal-protocol.js';
import { JournalStore } from '../src/journal/journal-store.js';

const port = parentPort!;
let store: JournalStore | undefined;
let chain: Promise<void> = Promise.resolve();

const send = (m: FromWorker): void => port.postMessage(m);
const failure = (seq: number | null, e: unknown): FromWorker => ({
  op: 'failed', seq, code: isMiaError(e) ? e.code : ErrorCode.JOURNAL_WRITE, message: e instanceof Error ? e.message : String(e),
});

async function handle(m: ToWorker): Promise<void> {
  if (m.op === 'open') {
    try {
      store = await JournalStore.open(m.path, m.session);
      send({ op: 'opened', sessionId: store.sessionId, lost: store.lost });
    } catch (e) {
      send(failure(null, e));
    }
  } else if (m.op === 'rows') {
    try {
      send({ op: 'ack', seq: m.seq, rows: await store!.append(m.batches) });
    } catch (e) {
      send(failure(m.seq, e));
    }
  } else {
    try {
      await store?.stop(m.stoppedMs, m.summary);
    } catch (e) {
      send(failure(null, e));
    }
    store = undefined;
    send({ op: 'stopped' });
  }
}

port.on('message', (m: ToWorker) => {
  chain = chain.then(() => handle(m));
});
