// The journal's writer thread: owns the DuckDB file, so appends, commits and checkpoints never run on the
// engine's thread. Messages are handled one at a time, in order. Rows are appended as they come and committed
// together: at once when a message carries durable rows, else at least every `commitMs` (one commit a second,
// not one per message). Acknowledgements are cumulative and follow each commit.
import { parentPort } from 'node:worker_threads';
import { ErrorCode, isMiaError } from '../src/common/errors.js';
import type { FromWorker, ToWorker } from '../src/journal/journal-protocol.js';
import { JournalStore } from '../src/journal/journal-store.js';

const port = parentPort!;
let store: JournalStore | undefined;
let chain: Promise<void> = Promise.resolve();
/** Appended, not yet committed: the newest sequence and the rows since the last acknowledgement. */
let uncommitted: { seq: number; rows: number } | undefined;
let timer: NodeJS.Timeout | undefined;

const send = (m: FromWorker): void => port.postMessage(m);
const failure = (seq: number | null, e: unknown): FromWorker => ({
  op: 'failed', seq, code: isMiaError(e) ? e.code : ErrorCode.JOURNAL_WRITE, message: e instanceof Error ? e.message : String(e),
});

function commit(): void {
  if (!store || !uncommitted) return;
  const u = uncommitted;
  uncommitted = undefined;
  try {
    store.commit();
    send({ op: 'ack', seq: u.seq, rows: u.rows });
  } catch (e) {
    send(failure(u.seq, e));
  }
}

async function handle(m: ToWorker): Promise<void> {
  if (m.op === 'open') {
    try {
      store = await JournalStore.open(m.path, m.session);
      timer = setInterval(() => {
        chain = chain.then(commit);
      }, m.commitMs);
      send({ op: 'opened', sessionId: store.sessionId, lost: store.lost });
    } catch (e) {
      send(failure(null, e));
    }
  } else if (m.op === 'rows') {
    try {
      const n = await store!.append(m.batches);
      uncommitted = { seq: m.seq, rows: (uncommitted?.rows ?? 0) + n };
      if (m.commit) commit();
    } catch (e) {
      send(failure(m.seq, e));
    }
  } else {
    clearInterval(timer);
    commit();
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
