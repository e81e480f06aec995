import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type Server, Socket } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { ROOT } from "../src/app/config.js";
import { CLAIM_LEASE_MS } from "../src/app/outbox-worker.js";
import { type ImapSettings, MailIntake, type MailPosition } from "../src/mail/intake.js";
import { sampleDirectory, tempDir } from "./helpers.js";
import { useMailServers } from "./support/mail-servers.js";
import { IMAP_PASS, IMAP_USER } from "./support/servers.js";
import { bookingMails, deskEnv, mail, template } from "./support/service.js";

// SQLite only: the service-level check reads the SQLite file after a SIGKILL; on PostgreSQL the same exactly-once
// check under SIGKILL runs with two desks in tests/failover.pg.test.ts.

/** A TCP relay to Dovecot that keeps every line the client sends: the IMAP commands, to count them. */
async function commandTap(port: number): Promise<{ port: number; lines: string[]; server: Server }> {
  const lines: string[] = [];
  const server = createServer((client) => {
    const upstream = new Socket();
    upstream.connect(port, "127.0.0.1");
    let buf = "";
    client.on("data", (d: Buffer) => {
      buf += d.toString("latin1");
      const parts = buf.split("\r\n");
      buf = parts.pop()!;
      lines.push(...parts);
      upstream.write(d);
    });
    upstream.on("data", (d) => client.write(d));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const addr = server.address();
  return { port: typeof addr === "object" && addr ? addr.port : 0, lines, server };
}

function settings(port: number): ImapSettings {
  return {
    host: "127.0.0.1",
    port,
    tls: "none",
    user: IMAP_USER,
    pass: IMAP_PASS,
    mailbox: "INBOX",
    after: "flag",
    processedFolder: "Processed",
    pollMs: 500,
    backoff: { baseMs: 100, capMs: 500 },
  };
}

const until = async (cond: () => boolean | Promise<boolean>, what: string, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const messageIdOf = (raw: Buffer) => /^Message-ID:\s*<([^>]+)>/im.exec(raw.toString("utf8"))?.[1] ?? "";

describe("mail backlog in batches", () => {
  const { dovecot, sink } = useMailServers();
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const s of stops.splice(0)) await s();
    const c = await dovecot.client();
    await c.mailboxOpen("INBOX");
    if (typeof c.mailbox === "object" && c.mailbox.exists > 0) await c.messageDelete("1:*");
    await c.logout();
  });

  it("fetches a backlog with one UID FETCH and flags it with one UID STORE per batch of 50, in UID order", async () => {
    const mails = Array.from({ length: 120 }, (_, i) =>
      mail({ id: `batch-${i}@hanoi.gov.vn`, body: template(i) }),
    );
    await dovecot.append(...mails);
    const tap = await commandTap(dovecot.port);
    const handled: { uid: number; id: string }[] = [];
    /** How many mails were handled each time the intake said a batch was done (the service kicks the outbox). */
    const batchEnds: number[] = [];
    let saved = 0;
    const intake = new MailIntake(
      settings(tap.port),
      async (raw, at: MailPosition) => {
        handled.push({ uid: at.uid, id: messageIdOf(raw) });
      },
      {
        load: async () => ({ uidValidity: null, lastUid: saved }),
        save: async (_box, _v, lastUid) => {
          saved = lastUid;
        },
      },
      undefined,
      { afterBatch: () => batchEnds.push(handled.length) },
    );
    intake.start();
    stops.push(async () => {
      await intake.stop();
      tap.server.close();
    });
    await until(() => handled.length >= 120 && saved >= handled.at(-1)!.uid, "the backlog handled");
    await until(async () => {
      const flags = await dovecot.flags();
      return [...flags.values()].every((f) => f.includes("$Processed"));
    }, "every mail flagged");

    // Each mail once, in UID order, every one of the 120.
    expect(handled.map((h) => h.id).sort()).toEqual(mails.map(messageIdOf).sort());
    for (let i = 1; i < handled.length; i++) expect(handled[i]!.uid).toBeGreaterThan(handled[i - 1]!.uid);
    const stores = tap.lines.filter((l) => /^\S+ UID STORE /i.test(l));
    const bodyFetches = tap.lines.filter((l) => /^\S+ UID FETCH .*BODY/i.test(l));
    // 120 mails in batches of at most 50: three batches, one STORE and one body FETCH each (not one per mail).
    expect(stores.length).toBe(3);
    expect(bodyFetches.length).toBe(3);
    expect(stores[0]).toMatch(/UID STORE \d+:\d+ /);
    // The next batch is fetched while this one is decided: its FETCH goes out before this batch's STORE.
    expect(tap.lines.indexOf(bodyFetches[1]!)).toBeLessThan(tap.lines.indexOf(stores[0]!));
    // The outbox is woken once a batch, after its last mail, not once a mail.
    expect(batchEnds).toEqual([50, 100, 120]);
  });

  it("flags only what a failed batch's commit kept (up to the checkpoint), and reads the rest again", async () => {
    const mails = Array.from({ length: 10 }, (_, i) =>
      mail({ id: `commitfail-${i}@hanoi.gov.vn`, body: template(i) }),
    );
    await dovecot.append(...mails);
    const handled: number[] = [];
    let committed = 0;
    let saved = 0;
    let failOnce = true;
    const intake = new MailIntake(
      settings(dovecot.port),
      async (_raw, at) => {
        handled.push(at.uid);
      },
      {
        // The checkpoint as the store has it: moved by each mail's effect when its batch commits.
        load: async () => ({ uidValidity: null, lastUid: Math.max(saved, committed) }),
        save: async (_box, _v, lastUid) => {
          saved = lastUid;
        },
      },
      undefined,
      {
        runBatch: async (handleAll) => {
          const before = handled.length;
          await handleAll();
          if (failOnce) {
            // The batch's COMMIT failed after its first four mails had been committed by an earlier one.
            failOnce = false;
            committed = handled[before + 3]!;
            throw new Error("disk I/O error");
          }
          committed = handled.at(-1)!;
        },
      },
    );
    intake.start();
    stops.push(() => intake.stop());
    await until(
      () => committed > 0 && committed === Math.max(...handled) && handled.length > 10,
      "read again",
    );
    await until(async () => {
      const flags = await dovecot.flags();
      return [...flags.values()].every((f) => f.includes("$Processed"));
    }, "every mail flagged");
    const uids = [...new Set(handled)].sort((a, b) => a - b);
    expect(uids).toHaveLength(10);
    // The six mails the failed commit lost were handled again, the four it kept were not.
    expect(handled).toHaveLength(16);
    expect(handled.slice(10)).toEqual(uids.slice(4));
  });

  it("flags, without handling them again, mails that a crash left committed (at or below the checkpoint) but unflagged", async () => {
    const mails = Array.from({ length: 10 }, (_, i) =>
      mail({ id: `behind-${i}@hanoi.gov.vn`, body: template(i) }),
    );
    await dovecot.append(...mails);
    const uids = [...(await dovecot.flags()).keys()].sort((a, b) => a - b);
    // As after a SIGKILL between the sixth mail's commit (its UID the checkpoint, in its transaction) and the STORE.
    let saved = uids[5]!;
    let validity: string | null = null;
    {
      const c = await dovecot.client();
      validity = String((await c.mailboxOpen("INBOX")).uidValidity);
      await c.logout();
    }
    const handled: number[] = [];
    const intake = new MailIntake(
      settings(dovecot.port),
      async (_raw, at) => {
        handled.push(at.uid);
      },
      {
        load: async () => ({ uidValidity: validity, lastUid: saved }),
        save: async (_box, v, lastUid) => {
          validity = v;
          saved = lastUid;
        },
      },
    );
    intake.start();
    stops.push(() => intake.stop());
    await until(async () => {
      const flags = await dovecot.flags();
      return handled.length >= 4 && [...flags.values()].every((f) => f.includes("$Processed"));
    }, "all ten flagged");
    expect(handled).toEqual(uids.slice(6));
    const flags = await dovecot.flags();
    for (const uid of uids) expect(flags.get(uid), `flags of UID ${uid}`).toContain("$Processed");
  });

  it("answers every mail exactly once when the service is SIGKILLed in the middle of a batch", async () => {
    const TOTAL = 120;
    const communes = sampleDirectory.endpoints.filter((e) => e.level === "commune").map((e) => e.name);
    const mails = bookingMails("midbatch", TOTAL, communes, "từ 14h00 đến 15h00");
    await dovecot.append(...mails);
    sink.messages.length = 0;
    const db = join(tempDir(), "desk.db");
    const env = {
      ...process.env,
      ...deskEnv(dovecot, sink, db),
      DESK_LOG_LEVEL: "info",
      DESK_REPLY_CAP_PER_SENDER: "1000",
    };
    const start = () => {
      const child: ChildProcess = spawn(
        process.execPath,
        ["--import", "tsx", join(ROOT, "src/app/main.ts")],
        {
          env,
          stdio: ["ignore", "pipe", "ignore"],
          cwd: ROOT,
        },
      );
      const decided = { n: 0 };
      child.stdout!.on("data", (d: Buffer) => {
        decided.n += (d.toString().match(/"event":"mail"/g) ?? []).length;
      });
      const exited = new Promise<void>((r) => child.once("exit", () => r()));
      return { child, decided, exited };
    };

    // First run: killed once the first batch's `mail` lines appear (after its commit).
    const first = start();
    await until(() => first.decided.n >= 10, "ten decisions", 90_000);
    first.child.kill("SIGKILL");
    await first.exited;
    const sqlite = new Database(db, { readonly: true });
    const committed = (sqlite.prepare("SELECT key FROM inbound_messages").all() as { key: string }[]).map(
      (r) => r.key.replace(/[<>]/g, ""),
    );
    const checkpoint = Number(
      (sqlite.prepare("SELECT value FROM meta WHERE key = 'imap:INBOX:lastuid'").get() as { value: string })
        ?.value ?? 0,
    );
    sqlite.close();
    const uidOf = new Map<string, number>();
    {
      const c = await dovecot.client();
      await c.mailboxOpen("INBOX");
      for await (const m of c.fetch("1:*", { uid: true, envelope: true }))
        uidOf.set((m.envelope?.messageId ?? "").replace(/[<>]/g, ""), m.uid);
      await c.logout();
    }
    const flaggedAtKill = [...(await dovecot.flags()).values()].filter((f) =>
      f.includes("$Processed"),
    ).length;
    expect(committed.length).toBeGreaterThanOrEqual(10);
    expect(committed.length).toBeLessThan(TOTAL);
    // A batch's decisions commit together (one transaction, a savepoint per mail), and its `mail` lines are written
    // after that commit: the kill lands after the first batch's commit, before or after its STORE, while the next
    // batch is being decided. What that batch had decided was rolled back whole, never half of it.
    expect(committed.length % 50).toBe(0);
    expect(flaggedAtKill).toBeLessThanOrEqual(committed.length);
    // The checkpoint is in each decision's transaction: it names the last committed mail, never one behind it.
    expect(checkpoint).toBe(Math.max(...committed.map((k) => uidOf.get(k) ?? 0)));

    // Second run finishes the backlog, within the claims' lease: what the killed process had claimed and not sent
    // is given back at the start (its process is gone), not after CLAIM_LEASE_MS.
    const second = start();
    try {
      await until(
        () => new Set(sink.messages.map((m) => m.parsed.inReplyTo)).size >= TOTAL,
        "all answers",
        CLAIM_LEASE_MS / 2,
      );
      await until(async () => {
        const flags = await dovecot.flags();
        return [...flags.values()].every((f) => f.includes("$Processed"));
      }, "every mail flagged");
    } finally {
      second.child.kill("SIGTERM");
      await second.exited;
    }
    const byMail = new Map<string, Set<string>>();
    for (const m of sink.messages) {
      const set = byMail.get(m.parsed.inReplyTo ?? "") ?? new Set();
      set.add(m.parsed.messageId ?? "");
      byMail.set(m.parsed.inReplyTo ?? "", set);
    }
    expect([...byMail.keys()].sort()).toEqual(mails.map((m) => `<${messageIdOf(m)}>`).sort());
    for (const [id, answers] of byMail) expect(answers.size, `answers to ${id}`).toBe(1);
    // One decision per mail: 120 bookings, none twice.
    const codes = sink.messages.map((m) => /\[(HTT-\d{4}-\d{4})\]/.exec(m.parsed.subject ?? "")?.[1]);
    expect(new Set(codes).size).toBe(TOTAL);
  }, 240_000);
});
