import { errorMessage, IN, type Field } from './tws-wire.js';

/** A trade on the server's tape of one contract. */
export interface TapeTrade {
  timeSec: number;
  price: number;
  size: number;
}

/**
 * The historical side of the test server (IB's HMDS): historical ticks (`reqHistoricalTicks`, TRADES) and
 * 1-minute bars (`reqHistoricalData`, TRADES, formatDate 2) computed from the tape, with scripted failures
 * (error 162) and held replies (a slow farm).
 */
export class TwsHistory {
  private tickFailures = 0;
  private tickFailureText = '';
  private barFailures = 0;
  private hold: Array<() => void> | undefined;
  /** Bar requests received: [reqId, duration, bar size, whatToShow, formatDate]. */
  readonly barRequests: Array<{ reqId: number; duration: string; barSize: string; whatToShow: string; formatDate: string }> = [];

  private readonly tapeOf: (conId: number) => readonly TapeTrade[];
  private readonly nowSec: () => number;

  constructor(tapeOf: (conId: number) => readonly TapeTrade[], nowSec: () => number) {
    this.tapeOf = tapeOf;
    this.nowSec = nowSec;
  }

  /** Answers the next `n` historical-tick requests with error 162 and `text`. */
  failTicks(n: number, text: string): void {
    this.tickFailures = n;
    this.tickFailureText = text;
  }

  /** Answers the next `n` bar requests with error 162. */
  failBars(n: number): void {
    this.barFailures = n;
  }

  /** Holds replies until {@link release}. */
  holdReplies(): void {
    this.hold ??= [];
  }

  /** Sends the held replies and stops holding. */
  release(): void {
    const held = this.hold ?? [];
    this.hold = undefined;
    for (const f of held) f();
  }

  /** A REQ_HISTORICAL_TICKS: up to `n` trades from `fromSec`, never a second split across replies. */
  ticks(reqId: number, conId: number, fromSec: number, n: number, write: (fields: Field[]) => void): void {
    if (this.tickFailures > 0) {
      this.tickFailures--;
      write(errorMessage(reqId, 162, `Historical Market Data Service error message:${this.tickFailureText}`));
      return;
    }
    // Computed when sent: a held reply then includes trades streamed live meanwhile (the seam to de-duplicate).
    this.reply(() => {
      const tape = this.tapeOf(conId);
      let i = tape.findIndex((t) => t.timeSec >= fromSec);
      if (i < 0) i = tape.length;
      let j = Math.min(tape.length, i + n);
      while (j > i && j < tape.length && tape[j]!.timeSec === tape[j - 1]!.timeSec) j++;
      const fields: Field[] = [IN.HISTORICAL_TICKS_LAST, reqId, j - i];
      for (const t of tape.slice(i, j)) fields.push(t.timeSec, 0, t.price, t.size, 'CME', '');
      fields.push(1);
      write(fields);
    });
  }

  /**
   * A REQ_HISTORICAL_DATA (fields of @stoqey/ib's encoder at server version 176): 1-minute TRADES bars of the
   * tape for `duration` seconds up to now, the bar in progress included, as IB sends them.
   */
  bars(f: readonly string[], write: (fields: Field[]) => void): void {
    const reqId = Number(f[1]);
    const conId = Number(f[2]);
    const [barSize, duration, whatToShow, formatDate] = [f[16] ?? '', f[17] ?? '', f[19] ?? '', f[20] ?? ''];
    this.barRequests.push({ reqId, duration, barSize, whatToShow, formatDate });
    if (this.barFailures > 0) {
      this.barFailures--;
      write(errorMessage(reqId, 162, 'Historical Market Data Service error message:HMDS query returned no data'));
      return;
    }
    const m = /^(\d+) S$/.exec(duration);
    if (barSize !== '1 min' || whatToShow !== 'TRADES' || formatDate !== '2' || !m) {
      write(errorMessage(reqId, 321, `Error validating request: unsupported ${barSize}/${duration}/${whatToShow}/${formatDate}`));
      return;
    }
    this.reply(() => {
      const end = this.nowSec();
      const from = Math.floor((end - Number(m[1])) / 60) * 60;
      const byMinute = new Map<number, number[]>();
      for (const t of this.tapeOf(conId)) {
        if (t.timeSec < from || t.timeSec > end) continue;
        const start = Math.floor(t.timeSec / 60) * 60;
        const b = byMinute.get(start);
        // [open, high, low, close, volume, count, Σ price × size]
        if (!b) byMinute.set(start, [t.price, t.price, t.price, t.price, t.size, 1, t.price * t.size]);
        else {
          b[1] = Math.max(b[1]!, t.price);
          b[2] = Math.min(b[2]!, t.price);
          b[3] = t.price;
          b[4]! += t.size;
          b[5]!++;
          b[6]! += t.price * t.size;
        }
      }
      const fields: Field[] = [IN.HISTORICAL_DATA, reqId, String(from), String(end), byMinute.size];
      for (const [start, b] of [...byMinute].sort((x, y) => x[0] - y[0])) {
        fields.push(String(start), b[0], b[1], b[2], b[3], b[4], b[6]! / b[4]!, b[5]);
      }
      write(fields);
    });
  }

  private reply(send: () => void): void {
    if (this.hold) this.hold.push(send);
    else send();
  }
}
