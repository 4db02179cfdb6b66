import { describe, expect, test } from 'vitest';
import { StreamClose } from '../common/errors.js';
import { Subscriber, SubscriberFanout, type PublishHub, type SocketPort } from './subscriber-fanout.js';

/** A socket whose unsent bytes the test sets; records what it was sent directly. */
class StubSocket implements SocketPort {
  buffered = 0;
  readonly sent: (Uint8Array | string)[] = [];
  readonly hubTopics = new Set<string>();
  ended: { code: number; reason: string } | undefined;
  getBufferedAmount(): number {
    return this.buffered;
  }
  send(m: Uint8Array | string): number {
    this.sent.push(m);
    return 1;
  }
  subscribe(t: string): boolean {
    this.hubTopics.add(t);
    return true;
  }
  unsubscribe(t: string): boolean {
    return this.hubTopics.delete(t);
  }
  end(code: number, reason: string): void {
    this.ended = { code, reason };
  }
}

/** Delivers published frames to the stub sockets subscribed to the hub topic, like uWS. */
class StubHub implements PublishHub {
  readonly sockets: StubSocket[] = [];
  readonly received = new Map<StubSocket, (Uint8Array | string)[]>();
  publish(topic: string, m: Uint8Array | string): boolean {
    for (const s of this.sockets) {
      if (!s.hubTopics.has(topic)) continue;
      const r = this.received.get(s) ?? [];
      r.push(typeof m === 'string' ? m : m.slice());
      this.received.set(s, r);
    }
    return true;
  }
  numSubscribers(topic: string): number {
    return this.sockets.filter((s) => s.hubTopics.has(topic)).length;
  }
}

function setup(soft = 1000, hard = 5000): { hub: StubHub; fan: SubscriberFanout; add: (f?: 'binary' | 'json') => [StubSocket, Subscriber] } {
  const hub = new StubHub();
  const fan = new SubscriberFanout(hub, { softBytes: soft, hardBytes: hard });
  return {
    hub, fan,
    add: (format = 'binary') => {
      const sock = new StubSocket();
      hub.sockets.push(sock);
      const sub = new Subscriber(sock, format);
      fan.add(sub);
      fan.subscribe(sub, ['snapshot.ES', 'snapshot.NQ']);
      return [sock, sub];
    },
  };
}

const frame = (n: number, size = 100): Uint8Array => new Uint8Array(size).fill(n);

describe('SubscriberFanout', () => {
  test('healthy subscribers get every frame through the hub; JSON is made only when a JSON subscriber exists', () => {
    const { hub, fan, add } = setup();
    const [a] = add('binary');
    let jsonCalls = 0;
    fan.publish('snapshot.ES', frame(1), () => String(++jsonCalls));
    expect(jsonCalls).toBe(0);
    const [j] = add('json');
    fan.publish('snapshot.ES', frame(2), () => String(++jsonCalls));
    expect(jsonCalls).toBe(1);
    expect(hub.received.get(a)!.map((m) => (m as Uint8Array)[0])).toEqual([1, 2]);
    expect(hub.received.get(j)).toEqual(['1']);
  });

  test('past the soft limit a subscriber is conflated to the latest frame per topic, others keep receiving', () => {
    const { hub, fan, add } = setup();
    const [slow, slowSub] = add();
    const [fast] = add();
    slow.buffered = 1500;
    fan.sweep();
    expect(slowSub.slow).toBe(true);
    expect(slow.hubTopics.size).toBe(0);
    for (let i = 1; i <= 5; i++) fan.publish('snapshot.ES', frame(i), () => '');
    fan.publish('snapshot.NQ', frame(9), () => '');
    expect(hub.received.get(fast)!.length).toBe(6);
    expect(hub.received.get(slow)).toBeUndefined();
    expect([...slowSub.pending.entries()].map(([t, m]) => [t, (m as Uint8Array)[0]])).toEqual([['snapshot.ES', 5], ['snapshot.NQ', 9]]);
    expect(fan.conflated).toBe(4);
  });

  test('a conflated frame is a copy: the publisher may reuse its buffer', () => {
    const { fan, add } = setup();
    const [slow, sub] = add();
    slow.buffered = 2000;
    fan.sweep();
    const buf = frame(7);
    fan.publish('snapshot.ES', buf, () => '');
    buf.fill(0);
    expect((sub.pending.get('snapshot.ES') as Uint8Array)[0]).toBe(7);
  });

  test('once drained below half the soft limit it gets the latest frames and returns to the fast path', () => {
    const { fan, add } = setup();
    const [slow, sub] = add();
    slow.buffered = 1500;
    fan.sweep();
    fan.publish('snapshot.ES', frame(1), () => '');
    fan.publish('snapshot.ES', frame(2), () => '');
    slow.buffered = 600;
    fan.drained(sub);
    expect(sub.slow).toBe(true); // 600 > 500: not yet
    slow.buffered = 100;
    fan.drained(sub);
    expect(slow.sent.map((m) => (m as Uint8Array)[0])).toEqual([2]);
    expect(sub.slow).toBe(false);
    expect([...slow.hubTopics].sort()).toEqual(['snapshot.ES|b', 'snapshot.NQ|b']);
  });

  test('past the hard limit (unsent plus missed bytes) it is closed with 4001 and counted', () => {
    const { fan, add } = setup(1000, 5000);
    const [slow, sub] = add();
    slow.buffered = 2000;
    fan.sweep();
    for (let i = 0; i < 40 && fan.closedSlow === 0; i++) fan.publish('snapshot.ES', frame(i), () => '');
    expect(fan.closedSlow).toBe(1);
    expect(sub.closed).toBe(true);
    expect(sub.pending.size).toBe(0);
    // 2000 buffered + 31 missed frames of 100 bytes pass 5000: the 32nd publish replaced the 31st.
    expect(sub.missedBytes).toBe(3100);
    // The close frame would queue behind 2000 unsent bytes of a client not reading: it goes once it reads.
    expect(slow.ended).toBeUndefined();
    fan.publish('snapshot.ES', frame(99), () => '');
    expect(sub.pending.size).toBe(0);
    slow.buffered = 1900;
    fan.drained(sub);
    expect(slow.ended).toEqual({ code: 4001, reason: StreamClose.SLOW_CONSUMER.reason });
    expect(slow.sent).toEqual([]);
  });

  test('past the hard limit with little unsent (missed bytes mostly) it is closed at once', () => {
    const { fan, add } = setup(1000, 5000);
    const [slow, sub] = add();
    slow.buffered = 1001;
    fan.sweep();
    slow.buffered = 400;
    for (let i = 0; i < 60 && fan.closedSlow === 0; i++) fan.publish('snapshot.ES', frame(i), () => '');
    expect(slow.ended).toEqual({ code: 4001, reason: StreamClose.SLOW_CONSUMER.reason });
    expect(sub.endPending).toBe(false);
  });

  test('unsubscribe drops the topic from the hub and from the conflated queue', () => {
    const { fan, add } = setup();
    const [sock, sub] = add();
    fan.unsubscribe(sub, ['snapshot.NQ']);
    expect([...sock.hubTopics]).toEqual(['snapshot.ES|b']);
    sock.buffered = 5000 - 1;
    fan.sweep();
    fan.publish('snapshot.NQ', frame(1), () => '');
    expect(sub.pending.size).toBe(0);
  });

  test('past the total cap of slow bytes the slowest subscribers are closed with 4001 at once until the rest fit', () => {
    const hub = new StubHub();
    const fan = new SubscriberFanout(hub, { softBytes: 1000, hardBytes: 1_000_000, totalSlowBytes: 5000 });
    const subs = [1500, 3000, 2000].map((b) => {
      const sock = new StubSocket();
      hub.sockets.push(sock);
      const sub = new Subscriber(sock, 'binary');
      fan.add(sub);
      fan.subscribe(sub, ['snapshot.ES']);
      sock.buffered = b;
      return [sock, sub] as const;
    });
    fan.sweep();
    // 6500 > 5000: the 3000-byte one goes; 3500 fit.
    expect(subs.map(([sock]) => sock.ended?.code)).toEqual([undefined, 4001, undefined]);
    expect([fan.closedSlow, fan.closedOverTotal, fan.slowBytes()]).toEqual([1, 1, 3500]);
  });
});
