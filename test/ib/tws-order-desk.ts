import { execDetails, openOrder, orderStatus, type Field, type ServerOrder } from './tws-wire.js';

const TERMINAL = new Set(['Filled', 'Cancelled', 'ApiCancelled', 'Inactive']);

/**
 * The order side of the test server: IB bracket semantics. An order placed with `transmit` false is held
 * until a later order of its family (same parent) is transmitted; then the parent is Submitted and its
 * children PreSubmitted; a parent fill activates the children; a child fill cancels the other members of
 * its OCA group; cancelling a parent cancels its children.
 */
export class TwsOrderDesk {
  /** Orders by id. */
  readonly orders = new Map<number, ServerOrder>();
  /** Next order id handed out by nextValidId. */
  nextId: number;
  private permSeq = 9000;
  private execSeq = 0;
  private readonly send: (clientId: number, fields: Field[]) => void;
  private readonly nowSec: () => number;

  /** `nowSec`: the server's clock, stamped on executions (UTC). */
  constructor(firstId: number, send: (clientId: number, fields: Field[]) => void, nowSec: () => number) {
    this.nextId = firstId;
    this.send = send;
    this.nowSec = nowSec;
  }

  /** A PLACE_ORDER (3) message at server version 176 (fields as @stoqey/ib's encoder writes them). */
  place(clientId: number, f: string[]): void {
    const num = (s: string | undefined): number | undefined => (s === undefined || s === '' ? undefined : Number(s));
    const o: ServerOrder = {
      orderId: Number(f[1]), conId: Number(f[2]), symbol: f[3] ?? '', localSymbol: f[12] ?? '',
      action: f[16] ?? '', quantity: Number(f[17]), orderType: f[18] ?? '', lmtPrice: num(f[19]), auxPrice: num(f[20]),
      tif: f[21] ?? '', ocaGroup: f[22] ?? '', account: f[23] ?? '', transmit: f[27] === '1', parentId: Number(f[28] || 0),
      clientId, permId: ++this.permSeq, status: 'PendingSubmit', filled: 0, avgFillPrice: 0,
    };
    this.orders.set(o.orderId, o);
    this.nextId = Math.max(this.nextId, o.orderId + 1);
    if (!o.transmit) return;
    const root = o.parentId ? this.orders.get(o.parentId) : undefined;
    const family = root ? [root, ...this.children(root.orderId)] : [o];
    for (const m of family) {
      if (m.status !== 'PendingSubmit') continue;
      m.status = m.parentId && this.orders.get(m.parentId)?.status !== 'Filled' ? 'PreSubmitted' : 'Submitted';
      this.report(m);
    }
  }

  /** A CANCEL_ORDER: the order and its children are cancelled. */
  cancel(orderId: number): void {
    const o = this.orders.get(orderId);
    if (!o || TERMINAL.has(o.status)) return;
    for (const m of [o, ...this.children(orderId)]) {
      if (TERMINAL.has(m.status)) continue;
      m.status = 'Cancelled';
      this.report(m);
    }
  }

  /** Fills an order at `price`: status, execution, then the bracket consequences. */
  fill(orderId: number, price: number): void {
    const o = this.orders.get(orderId);
    if (!o || TERMINAL.has(o.status)) throw new Error(`order ${orderId} is not working`);
    const qty = o.quantity - o.filled;
    o.filled = o.quantity;
    o.avgFillPrice = price;
    o.status = 'Filled';
    const execId = `0000e${String(++this.execSeq).padStart(4, '0')}.01.01`;
    const iso = new Date(Math.floor(this.nowSec()) * 1000).toISOString(); // 2024-03-04T14:30:00.000Z → 20240304 14:30:00
    const time = `${iso.slice(0, 10).replace(/-/g, '')} ${iso.slice(11, 19)}`;
    this.send(o.clientId, execDetails(-1, o, execId, `${time} UTC`, qty, price));
    this.report(o, price);
    for (const c of this.children(orderId)) {
      if (c.status === 'PreSubmitted') {
        c.status = 'Submitted';
        this.report(c);
      }
    }
    if (o.ocaGroup) {
      for (const s of this.orders.values()) {
        if (s !== o && s.ocaGroup === o.ocaGroup && !TERMINAL.has(s.status)) {
          s.status = 'Cancelled';
          this.report(s);
        }
      }
    }
  }

  private children(parentId: number): ServerOrder[] {
    return [...this.orders.values()].filter((m) => m.parentId === parentId);
  }

  private report(o: ServerOrder, lastFillPrice = 0): void {
    this.send(o.clientId, openOrder(o));
    this.send(o.clientId, orderStatus(o, lastFillPrice));
  }
}
