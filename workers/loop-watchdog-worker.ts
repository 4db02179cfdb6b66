// The engine loop's watchdog thread (docs/hostile-input.md "Engine loop"): reads the heartbeat the engine's thread
// writes into shared memory and, when it stops, writes the coded lines itself, since the stalled thread cannot.
import { Session } from 'node:inspector';
import { workerData } from 'node:worker_threads';
import { pino, type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import type { LoopWatchdogData } from '../src/engine/loop-heartbeat.js';
import { LoopWatchdog } from '../src/engine/loop-watchdog.js';

const d = workerData as LoopWatchdogData;
/** How often the heartbeat is read, ms: a stall is seen within its budget plus this. */
const CHECK_MS = 100;
/** How long the process gets to exit through the inspector before it is killed, ms. */
const KILL_AFTER_MS = 2000;

// Synchronous writes to stderr, as the main logger's: the line must be out before the process ends.
const log: Logger = pino({ name: 'mia', level: d.level }, d.pretty
  ? pinoPretty({ destination: 2, sync: true, colorize: process.stderr.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,name' })
  : pino.destination({ dest: 2, sync: true }));
const stage = log.child({ stage: 'watchdog' });

/**
 * Ends the process with the watchdog's exit code. process.exit here would end only this worker, and the engine's
 * thread runs no callback while it is stalled; but V8 services interrupts inside a JavaScript or WebAssembly loop,
 * and the inspector delivers a session's messages to the main thread as one: process.exit evaluated there ends the
 * process with our code (Node then prints "Waiting for the debugger to disconnect..."). A thread blocked in a
 * system call services no interrupt: after KILL_AFTER_MS the process is killed (SIGKILL, status 137).
 */
function exit(): void {
  try {
    const session = new Session();
    session.connectToMainThread();
    session.post('Runtime.evaluate', { expression: `process.exit(${d.exitCode})` });
  } catch (e) {
    stage.error({ err: e }, 'Engine loop watchdog could not reach the engine thread to exit');
  }
  setTimeout(() => {
    stage.fatal({ exitAfterMs: d.exitAfterMs + KILL_AFTER_MS }, 'Engine thread did not exit, killing the process');
    process.kill(process.pid, 'SIGKILL');
  }, KILL_AFTER_MS);
}

const watchdog = new LoopWatchdog(new Int32Array(d.cells), d, { line: (level, fields, msg) => stage[level](fields, msg), exit }, performance.now());
setInterval(() => watchdog.check(performance.now()), CHECK_MS);
