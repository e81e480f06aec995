import { hostname } from "node:os";
import { describe, expect, it } from "vitest";
import {
  CLAIM_LEASE_MS,
  deliverDue,
  holderProcess,
  MAIL_LANES,
  PermanentSendError,
  PROCESS_HOLDER,
} from "../src/app/outbox-worker.js";
import type { OutboxMessage } from "../src/store/queue-repos.js";
import { at, makeDesk } from "./helpers.js";

describe("outbox delivery", () => {
  it("logs a server's refusal without the mailbox it quotes (beside a secret session's code it names the host)", async () => {
    const { store } = await makeDesk();
    const t0 = at("2026-12-07", "08:00");
    await store.tx((r) =>
      r.outbox.enqueue(
        {
          channel: "mail",
          recipient: "vanthu.syt@hanoi.gov.vn",
          kind: "k",
          booking: "HTT-2026-0009",
          payload: {},
        },
        t0,
      ),
    );
    const lines: { event: string; fields?: Record<string, unknown> }[] = [];
    const mail = async () => {
      throw new PermanentSendError("550 5.1.1 <vanthu.syt@hanoi.gov.vn>: Recipient address rejected");
    };
    await deliverDue(store, { mail }, t0, { log: (event, fields) => lines.push({ event, fields }) });
    expect(lines).toEqual([
      {
        event: "outbox-parked",
        fields: expect.objectContaining({
          booking: "HTT-2026-0009",
          message: "550 5.1.1 <***@hanoi.gov.vn>: Recipient address rejected",
        }),
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain("vanthu.syt");
  });

  it("sends each due message once, retries a failure with backoff and parks a permanent one", async () => {
    const { store } = await makeDesk();
    const t0 = at("2026-12-07", "08:00");
    await store.tx(async (r) => {
      await r.outbox.enqueue(
        { channel: "mail", recipient: "a@hanoi.gov.vn", kind: "k", payload: { n: 1 } },
        t0,
      );
      await r.outbox.enqueue(
        { channel: "mail", recipient: "flaky@hanoi.gov.vn", kind: "k", payload: { n: 2 } },
        t0,
      );
      await r.outbox.enqueue(
        { channel: "mail", recipient: "gone@hanoi.gov.vn", kind: "k", payload: { n: 3 } },
        t0,
      );
      await r.outbox.enqueue(
        { channel: "group", recipient: "support-group", kind: "k", payload: { n: 4 } },
        t0,
      );
    });
    const sent: string[] = [];
    let flaky = 0;
    const mail = async (m: OutboxMessage) => {
      if (m.recipient === "gone@hanoi.gov.vn") throw new PermanentSendError("550 hộp thư không tồn tại");
      if (m.recipient === "flaky@hanoi.gov.vn" && flaky++ === 0) throw new Error("ECONNRESET");
      sent.push(m.recipient);
    };
    const retry = { baseMs: 60_000, capMs: 60_000, maxAttempts: 5 };
    expect(await deliverDue(store, { mail }, t0, { retry })).toEqual({ sent: 1, retried: 1, parked: 1 });
    // Not due again before the backoff has passed.
    expect(await deliverDue(store, { mail }, new Date(t0.getTime() + 30_000), { retry })).toEqual({
      sent: 0,
      retried: 0,
      parked: 0,
    });
    expect(await deliverDue(store, { mail }, new Date(t0.getTime() + 60_000), { retry })).toEqual({
      sent: 1,
      retried: 0,
      parked: 0,
    });
    expect(sent).toEqual(["a@hanoi.gov.vn", "flaky@hanoi.gov.vn"]);
    const rows = await store.read((r) => r.outbox.list());
    expect(rows.map((m) => [m.recipient, m.status, m.attempts])).toEqual([
      ["a@hanoi.gov.vn", "sent", 0],
      ["flaky@hanoi.gov.vn", "sent", 1],
      ["gone@hanoi.gov.vn", "parked", 1],
      // No group sender yet: the post waits, it is not lost.
      ["support-group", "pending", 0],
      // The parked answer is told to the MCU technician (tests/chaos-smtp.test.ts).
      ["mcu-technician", "pending", 0],
    ]);
    expect(rows[2]?.lastError).toBe("550 hộp thư không tồn tại");
  });

  it("marks each answer as soon as it is sent, and what waits for a mark together, each answer sent once", async () => {
    const { store } = await makeDesk();
    const t0 = at("2026-12-07", "08:00");
    const n = 40;
    await store.tx(async (r) => {
      for (let i = 0; i < n; i++)
        await r.outbox.enqueue(
          { channel: "mail", recipient: `vanthu${i}@hanoi.gov.vn`, kind: "k", payload: { n: i } },
          t0,
        );
    });
    let transactions = 0;
    const tx = store.tx.bind(store);
    store.tx = ((fn, opts) => {
      transactions++;
      return tx(fn, opts);
    }) as typeof store.tx;
    const sent: string[] = [];
    // What a crash at each send would send again: the answers already sent and not yet marked.
    let unmarkedAtSend = 0;
    const mail = async (m: OutboxMessage) => {
      const pending = (await store.read((r) => r.outbox.list())).filter((x) => x.status === "pending");
      unmarkedAtSend = Math.max(
        unmarkedAtSend,
        sent.filter((r) => pending.some((x) => x.recipient === r)).length,
      );
      // A send outlasts a mark (a few ms on PostgreSQL), as an SMTP round trip does.
      await new Promise((r) => setTimeout(r, 20));
      sent.push(m.recipient);
    };
    expect(await deliverDue(store, { mail }, t0, { mailLanes: 1 })).toEqual({
      sent: n,
      retried: 0,
      parked: 0,
    });
    // One lane: a send finds at most the answer whose mark is in flight and the one sent meanwhile, never a batch
    // of them (15 when marks went 16 at a time).
    expect(unmarkedAtSend).toBeLessThanOrEqual(2);
    expect(transactions).toBeGreaterThanOrEqual(2);
    expect(transactions).toBeLessThanOrEqual(1 + n);
    expect([...sent].sort()).toEqual(Array.from({ length: n }, (_, i) => `vanthu${i}@hanoi.gov.vn`).sort());
    const rows = await store.read((r) => r.outbox.list());
    expect(rows.filter((m) => m.status === "sent")).toHaveLength(n);
    // Marked: nothing is sent again, not even after the claim's lease.
    expect(await deliverDue(store, { mail }, new Date(t0.getTime() + 3600_000))).toEqual({
      sent: 0,
      retried: 0,
      parked: 0,
    });
    expect(sent).toHaveLength(n);
  });
});

describe("sends while a mark waits", () => {
  it("hold while the lanes' worth of answers wait for their mark (behind a mail batch), so a crash resends few", async () => {
    const { store } = await makeDesk();
    const t0 = at("2026-12-07", "08:00");
    const n = 60;
    await store.tx(async (r) => {
      for (let i = 0; i < n; i++)
        await r.outbox.enqueue(
          { channel: "mail", recipient: `vanthu${i}@hanoi.gov.vn`, kind: "k", payload: { n: i } },
          t0,
        );
    });
    // From the fifth send on, transactions wait 300 ms, as a mail batch's commit makes a mark wait on SQLite;
    // marks are counted when their transaction commits.
    let gate: Promise<void> | null = null;
    let holding = false;
    let committed = 0;
    const tx = store.tx.bind(store);
    store.tx = (async (fn, opts) => {
      if (gate) await gate;
      let marks = 0;
      const out = await tx(async (r, c) => {
        const markSent = r.outbox.markSent;
        r.outbox.markSent = async (id, when) => {
          marks++;
          return markSent.call(r.outbox, id, when);
        };
        try {
          return await fn(r, c);
        } finally {
          r.outbox.markSent = markSent;
        }
      }, opts);
      committed += marks;
      return out;
    }) as typeof store.tx;
    const sent: string[] = [];
    let unmarkedAtSend = 0;
    let heldAtSend = 0;
    const mail = async (m: OutboxMessage) => {
      unmarkedAtSend = Math.max(unmarkedAtSend, sent.length - committed);
      if (holding) heldAtSend++;
      if (sent.length === 4 && !gate) {
        holding = true;
        gate = new Promise<void>((r) =>
          setTimeout(() => {
            holding = false;
            r();
          }, 300),
        );
      }
      await new Promise((r) => setTimeout(r, 5));
      sent.push(m.recipient);
    };
    expect(await deliverDue(store, { mail }, t0, { mailLanes: MAIL_LANES })).toEqual({
      sent: n,
      retried: 0,
      parked: 0,
    });
    // Four lanes of 5 ms sends would send all 55 left while the marks wait 300 ms. Held, each send finds
    // fewer than the lanes' worth sent and unmarked (the others in flight add at most as many).
    expect(unmarkedAtSend).toBeLessThan(MAIL_LANES);
    expect(heldAtSend).toBeLessThanOrEqual(3 * MAIL_LANES);
    expect(new Set(sent).size).toBe(n);
    expect((await store.read((r) => r.outbox.list())).filter((m) => m.status === "sent")).toHaveLength(n);
  });
});

describe("claims of a dead process", () => {
  it("are given back by holder, messages and timers alike, and no other holder's", async () => {
    const { store } = await makeDesk();
    const now = at("2026-12-07", "08:00");
    const until = new Date(now.getTime() + CLAIM_LEASE_MS);
    await store.tx(async (r) => {
      for (const recipient of ["a@x", "b@x", "c@x", "d@x"])
        await r.outbox.enqueue({ channel: "mail", recipient, kind: "answer", payload: { text: "t" } }, now);
      for (const key of ["a", "b", "c", "d"]) await r.jobs.schedule({ kind: "probe", key, runAt: now }, now);
    });
    const dead = "desk-host:4242:0badc0de";
    const live = "desk-host:4343:feedbeef";
    await store.tx(async (r) => {
      expect(await r.outbox.claimDue(now, 2, ["mail"], dead, until)).toHaveLength(2);
      expect(await r.outbox.claimDue(now, 2, ["mail"], live, until)).toHaveLength(2);
      expect(await r.jobs.claimDue(now, 2, dead, until)).toHaveLength(2);
      expect(await r.jobs.claimDue(now, 2, live, until)).toHaveLength(2);
    });
    await store.tx(async (r) => {
      expect((await r.outbox.claimHolders()).sort()).toEqual([dead, live]);
      expect((await r.jobs.claimHolders()).sort()).toEqual([dead, live]);
      await r.outbox.releaseClaims(dead);
      await r.jobs.releaseClaims(dead);
    });
    // Within the lease, only the dead holder's rows can be claimed again.
    const again = await store.tx(async (r) => ({
      mail: (await r.outbox.claimDue(now, 10, ["mail"], "next:1:00000000", until)).map((m) => m.recipient),
      jobs: (await r.jobs.claimDue(now, 10, "next:1:00000000", until)).map((j) => j.key),
    }));
    expect(again).toEqual({ mail: ["a@x", "b@x"], jobs: ["a", "b"] });
    expect(await store.read((r) => r.outbox.claimHolders())).toEqual(
      expect.arrayContaining([live, "next:1:00000000"]),
    );
  });

  it("name their process as PROCESS_HOLDER writes it", () => {
    expect(holderProcess(PROCESS_HOLDER)).toEqual({ host: hostname(), pid: process.pid });
    expect(holderProcess("a:b:c")).toBeNull();
    expect(holderProcess("host:with:colons:12:0123abcd")).toEqual({ host: "host:with:colons", pid: 12 });
  });
});

describe("the database gone between a send and its mark", () => {
  it("marks the sent answer at the next round instead of sending it again when its claim runs out", async () => {
    const { store } = await makeDesk();
    const t0 = at("2026-12-07", "08:00");
    await store.tx((r) =>
      r.outbox.enqueue({ channel: "mail", recipient: "vanthu.sct@hanoi.gov.vn", kind: "k", payload: {} }, t0),
    );
    // The store as the worker sees it: every transaction fails while the database is down.
    let down = false;
    const flaky = Object.assign(Object.create(store) as typeof store, {
      tx: (...args: Parameters<typeof store.tx>) => {
        if (down) return Promise.reject(Object.assign(new Error("Connection terminated"), { code: "57P01" }));
        return store.tx(...args);
      },
    });
    const sent: number[] = [];
    const mail = async (m: OutboxMessage) => {
      sent.push(m.id);
      // The relay took it; the database goes away before the mark.
      if (sent.length === 1) down = true;
    };
    const carry: number[] = [];
    await expect(deliverDue(flaky, { mail }, t0, { sentUnmarked: carry })).rejects.toThrow(
      "Connection terminated",
    );
    // Still down for the next round: the mark waits, nothing is sent.
    await expect(
      deliverDue(flaky, { mail }, new Date(t0.getTime() + 1_000), { sentUnmarked: carry }),
    ).rejects.toThrow();
    down = false;
    // Back after the claim ran out: the answer is marked, not sent again.
    const later = new Date(t0.getTime() + CLAIM_LEASE_MS + 60_000);
    expect(await deliverDue(flaky, { mail }, later, { sentUnmarked: carry })).toEqual({
      sent: 0,
      retried: 0,
      parked: 0,
    });
    expect(sent).toHaveLength(1);
    expect((await store.read((r) => r.outbox.list())).map((m) => m.status)).toEqual(["sent"]);
    expect(carry).toEqual([]);
  });
});
