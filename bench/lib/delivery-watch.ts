/**
 * Notices answers arriving at the fake Slack without each waiter scanning every call: one bounded poll walks the
 * new calls and settles the waiter for each delivery key.
 * Keys: `respond:<id>` for a response_url post, `thread:<channel>:<thread_ts>` for a threaded chat.postMessage.
 */
import type { FakeSlack, SlackCall } from '../../tests/helpers/fake-slack.js';

export interface DeliveryWatch {
  /** Resolves with the arrival time (Date.now() at the fake) or null after `timeoutMs`. */
  wait(key: string, timeoutMs: number): Promise<number | null>;
  /** How many deliveries arrived for this key so far. */
  count(key: string): number;
  stop(): void;
}

export function deliveryKey(call: SlackCall): string | null {
  if (call.method.startsWith('response_url:')) return `respond:${call.method.slice('response_url:'.length)}`;
  if (call.method === 'chat.postMessage' && call.args.thread_ts) return `thread:${call.args.channel}:${call.args.thread_ts}`;
  return null;
}

export function watchDeliveries(fake: FakeSlack, pollMs = 10): DeliveryWatch {
  let seen = 0;
  const arrived = new Map<string, number[]>();
  const waiters = new Map<string, ((at: number | null) => void)[]>();
  const scan = () => {
    for (; seen < fake.calls.length; seen++) {
      const call = fake.calls[seen]!;
      const key = deliveryKey(call);
      if (!key) continue;
      const list = arrived.get(key) ?? [];
      list.push(call.at);
      arrived.set(key, list);
      for (const w of waiters.get(key)?.splice(0) ?? []) w(call.at);
    }
  };
  const timer = setInterval(scan, pollMs);
  return {
    wait(key, timeoutMs) {
      scan();
      const first = arrived.get(key)?.[0];
      if (first !== undefined) return Promise.resolve(first);
      return new Promise((resolve) => {
        const t = setTimeout(() => {
          const list = waiters.get(key);
          const i = list?.indexOf(settle) ?? -1;
          if (i >= 0) list!.splice(i, 1);
          resolve(null);
        }, timeoutMs);
        const settle = (at: number | null) => {
          clearTimeout(t);
          resolve(at);
        };
        const list = waiters.get(key) ?? [];
        list.push(settle);
        waiters.set(key, list);
      });
    },
    count(key) {
      scan();
      return arrived.get(key)?.length ?? 0;
    },
    stop() {
      clearInterval(timer);
    },
  };
}
