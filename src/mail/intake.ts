import { ImapFlow } from "imapflow";
import { ownFault, SET_ASIDE_AFTER } from "../core/jobs/faults.js";

/**
 * How a mail connection is protected. `tls`: TLS from the first byte (IMAPS 993, SMTPS 465). `starttls`: a plain
 * connection that must upgrade before anything else; a server that does not offer STARTTLS is refused before
 * the login. `none`: no encryption, for a server on loopback only (config refuses it for any other host).
 */
export type TransportSecurity = "tls" | "starttls" | "none";

/**
 * Options shared by every TLS connection we open: certificates are always verified, against `ca` (PEM) when set
 * (it replaces the system's trusted roots), and nothing older than TLS 1.2 is spoken.
 */
export function tlsOptions(ca: string | undefined) {
  return { rejectUnauthorized: true, minVersion: "TLSv1.2" as const, ...(ca ? { ca } : {}) };
}

/** How we connect and log in to IMAP, for the intake and for `doctor` alike. */
export function imapConnectOptions(s: ImapSettings) {
  return {
    host: s.host,
    port: s.port,
    // imapflow's doSTARTTLS: true fails the connection before LOGIN when the server does not offer STARTTLS
    // (undefined would fall back to cleartext); false never upgrades.
    secure: s.tls === "tls",
    doSTARTTLS: s.tls === "starttls" ? true : s.tls === "none" ? false : undefined,
    auth: { user: s.user, pass: s.pass },
    logger: false as const,
    tls: tlsOptions(s.ca),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
  };
}

export interface ImapSettings {
  host: string;
  port: number;
  tls: TransportSecurity;
  /** PEM certificate(s) to trust instead of the system's roots, e.g. the city's internal CA. */
  ca?: string;
  user: string;
  pass: string;
  mailbox: string;
  /** After a mail's effect is committed: flag it `\Seen $Processed`, or move it to `processedFolder`. */
  after: "flag" | "move";
  processedFolder: string;
  /** Poll as a safety net besides IDLE. */
  pollMs: number;
  backoff: { baseMs: number; capMs: number };
}

/**
 * Where the intake remembers how far it got. `handle` is expected to write the mail's UID into the checkpoint in
 * the transaction of the mail's effect (see MailIntake); `save` moves it past mails that had no effect to commit
 * (duplicates) at the end of each batch, after their flags are stored.
 */
export interface Checkpoint {
  load(mailbox: string): Promise<{ uidValidity: string | null; lastUid: number }>;
  save(mailbox: string, uidValidity: string, lastUid: number): Promise<void>;
}

/** The mail being handled: its UID and the mailbox's UIDVALIDITY, for the checkpoint in its transaction. */
export interface MailPosition {
  uid: number;
  uidValidity: string;
}

/**
 * At most this many mails, and about this many bytes of them, are fetched in one UID FETCH; the intake holds two such
 * batches in memory (the one being decided, the next one streaming in).
 */
export const BATCH_MAILS = 50;
export const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * UIDs cut into batches of at most `maxMails` mails and, past the first mail, `maxBytes` bytes (a mail larger than
 * that is a batch of its own), in order.
 */
export function planBatches(
  mails: readonly { uid: number; size: number }[],
  maxMails = BATCH_MAILS,
  maxBytes = BATCH_BYTES,
): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  let bytes = 0;
  for (const m of mails) {
    if (cur.length > 0 && (cur.length >= maxMails || bytes + m.size > maxBytes)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(m.uid);
    bytes += m.size;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** An IMAP UID set in ranges: 1:50 for fifty consecutive UIDs, not fifty numbers. */
export function uidSet(uids: readonly number[]): string {
  const sorted = [...uids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(",");
}

export type IntakeLog = (event: string, fields?: Record<string, unknown>) => void;

/**
 * Keeps one IMAP connection to a mailbox alive and hands every new mail to `handle`, in UID order.
 * imapflow never reconnects by itself and a closed client cannot be reused: each connection gets a new client,
 * so listeners never stack up; reconnection backs off exponentially up to a cap. The mailbox stays selected
 * without holding a lock, so imapflow can IDLE between commands; `exists` triggers a fetch of UIDs above the
 * checkpoint (a UID range `N:*` also returns the last message, hence the filter).
 *
 * A backlog is read in batches: one UID FETCH per batch (at most BATCH_MAILS mails and about BATCH_BYTES), the
 * batch's mails handed to `handle` one by one in UID order (inside `runBatch` when given: the service decides a
 * batch in one store transaction), then one UID STORE (or MOVE) for the whole batch. `handle` must commit the
 * mail's effect (inside `runBatch`: release it into the batch's transaction, committed before the STORE) before it
 * returns, and the mail's UID as the checkpoint in the same transaction: a
 * mail is then never decided twice, whatever instant the process dies at (a mail re-read after a crash is also
 * a duplicate by its Message-ID). A crash after a batch's commits but before its STORE leaves committed mails at or
 * below the checkpoint without their flag: each connection first flags (or moves) those, in one command.
 */
export class MailIntake {
  private stopped = false;
  private client: ImapFlow | null = null;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Resolves each time a fetch round finishes: tests and the bench wait on it. */
  rounds = 0;

  constructor(
    private readonly settings: ImapSettings,
    private readonly handle: (raw: Buffer, at: MailPosition) => Promise<void>,
    private readonly checkpoint: Checkpoint,
    private readonly log: IntakeLog = () => {},
    private readonly hooks: {
      /**
       * After each batch's mails are handled (before its STORE): the caller starts what their effects wait for,
       * e.g. the outbox worker, once a batch instead of once a mail.
       */
      afterBatch?: () => void;
      /**
       * Runs the handling of one batch's mails, e.g. inside one store transaction (each mail's effect a savepoint
       * of it). It must commit what the mails before a failing one committed, then rethrow. When it throws, only the
       * mails at or below the checkpoint as it then reads (`Checkpoint.load`) are taken as done.
       */
      runBatch?: (handleAll: () => Promise<void>) => Promise<void>;
      /**
       * A mail whose handling failed SET_ASIDE_AFTER times in a row for a fault of the desk's own (an error with no
       * `code`: not the disk, the database or the network) is handed here instead, to be recorded as set aside
       * (with the checkpoint, as `handle` would) so that the mails behind it are read. Without it, such a mail
       * is retried at every round and holds every mail behind it.
       */
      setAside?: (raw: Buffer, at: MailPosition, err: Error, attempts: number) => Promise<void>;
      /**
       * Each mail as soon as its FETCH response arrived, before its batch is handled: the caller may start reading
       * it (src/mail/read-pool.ts) while the mails before it are decided. `handle` gets the same buffer.
       */
      arrived?: (raw: Buffer) => void;
    } = {},
  ) {}

  /** Consecutive failures of a mail, by UIDVALIDITY and UID, while it is the one holding the queue. */
  private readonly failures = new Map<string, number>();

  start(): void {
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const c = this.client;
    if (c) await c.logout().catch(() => c.close());
    await this.loop;
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.stopped) {
      const started = Date.now();
      try {
        await this.session();
      } catch (err) {
        this.log("imap-error", { message: (err as Error).message });
      }
      if (this.stopped) break;
      // A session that lasted a while resets the backoff: the server was fine, the link dropped.
      attempt = Date.now() - started > 60_000 ? 0 : attempt + 1;
      const delay = Math.min(
        this.settings.backoff.baseMs * 2 ** Math.max(0, attempt - 1),
        this.settings.backoff.capMs,
      );
      this.log("imap-reconnect", { inMs: delay, attempt });
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  private async session(): Promise<void> {
    const s = this.settings;
    const client = new ImapFlow({
      ...imapConnectOptions(s),
      // imapflow waits 15 s of silence before it IDLEs; new mail would then wait for the poll. The intake
      // runs its commands one after another, so IDLE may start as soon as the connection is free.
      autoIdleDelay: 100,
    });
    this.client = client;
    const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
    client.on("error", (err: Error) => this.log("imap-error", { message: err.message }));
    await client.connect();
    const box = await client.mailboxOpen(s.mailbox);
    if (s.after === "move") await client.mailboxCreate(s.processedFolder).catch(() => undefined);
    this.log("imap-connected", { mailbox: s.mailbox, exists: box.exists });
    await this.checkValidity(String(box.uidValidity));
    await this.settleBehind(client);

    let chain: Promise<void> = Promise.resolve();
    let queued = false;
    const drain = () => {
      if (queued) return;
      queued = true;
      chain = chain
        .then(async () => {
          queued = false;
          await this.fetchNew(client);
          this.rounds++;
        })
        .catch((err: Error) => {
          queued = false;
          this.log("imap-fetch-failed", { message: err.message });
          client.close();
        });
    };
    client.on("exists", drain);
    const poll = setInterval(drain, s.pollMs);
    drain();
    try {
      await closed;
    } finally {
      clearInterval(poll);
      await chain.catch(() => undefined);
      this.client = null;
    }
  }

  private uidValidity = "";

  private async checkValidity(uidValidity: string): Promise<void> {
    const cp = await this.checkpoint.load(this.settings.mailbox);
    this.uidValidity = uidValidity;
    if (cp.uidValidity !== null && cp.uidValidity !== uidValidity) {
      // The server renumbered the mailbox: read everything again; Message-IDs already recorded are skipped.
      this.log("imap-uidvalidity-changed", { from: cp.uidValidity, to: uidValidity });
      await this.checkpoint.save(this.settings.mailbox, uidValidity, 0);
    } else if (cp.uidValidity === null) {
      await this.checkpoint.save(this.settings.mailbox, uidValidity, 0);
    }
  }

  /** Flag (or move) the mails at or below the checkpoint that a crash left unflagged: their effect is committed. */
  private async settleBehind(client: ImapFlow): Promise<void> {
    const { lastUid } = await this.checkpoint.load(this.settings.mailbox);
    if (lastUid <= 0) return;
    const query =
      this.settings.after === "move"
        ? { uid: `1:${lastUid}` }
        : { uid: `1:${lastUid}`, unKeyword: "$Processed" };
    const found = ((await client.search(query, { uid: true })) || []).filter((u) => u <= lastUid);
    if (found.length === 0) return;
    this.log("imap-settle-behind", { mails: found.length });
    await this.markDone(client, found);
  }

  /** One UID STORE (or MOVE) for a set of mails whose effects are committed. */
  private async markDone(client: ImapFlow, uids: number[]): Promise<void> {
    if (uids.length === 0) return;
    const set = uidSet(uids);
    if (this.settings.after === "move") {
      await client.messageMove(set, this.settings.processedFolder, { uid: true });
    } else {
      await client.messageFlagsAdd(set, ["\\Seen", "$Processed"], { uid: true });
    }
  }

  private async fetchNew(client: ImapFlow): Promise<void> {
    const { lastUid } = await this.checkpoint.load(this.settings.mailbox);
    const box = client.mailbox;
    if (box && typeof box === "object" && box.exists === 0) return;
    // The sizes of everything new in one FETCH: the batches are planned from them, so memory stays bounded.
    const sizes: { uid: number; size: number }[] = [];
    for await (const msg of client.fetch(`${lastUid + 1}:*`, { uid: true, size: true }, { uid: true })) {
      if (msg.uid > lastUid) sizes.push({ uid: msg.uid, size: msg.size ?? 0 });
    }
    sizes.sort((a, b) => a.uid - b.uid);
    const plans = planBatches(sizes);
    // A batch is collected whole by its own loop: imapflow holds the connection's next response until the FETCH's
    // consumer asks for it, so nothing else may wait on the connection from inside that loop.
    const collect = async (uids: number[]) => {
      const batch: { uid: number; source: Buffer }[] = [];
      for await (const msg of client.fetch(uidSet(uids), { uid: true, source: true }, { uid: true })) {
        if (msg.source) {
          this.hooks.arrived?.(msg.source);
          batch.push({ uid: msg.uid, source: msg.source });
        }
      }
      return batch.sort((a, b) => a.uid - b.uid);
    };
    let next = plans.length ? collect(plans[0]!) : null;
    for (let k = 0; k < plans.length; k++) {
      if (this.stopped) {
        next?.catch(() => undefined);
        return;
      }
      const batch = await next!;
      // The next batch streams in (Dovecot reads it, imapflow parses it) while this one is decided; this batch's
      // STORE queues behind that FETCH. Two batches at most are held in memory. A failed FETCH is thrown when
      // its batch is awaited, or dropped when this round ends first (the round is then retried).
      next = k + 1 < plans.length ? collect(plans[k + 1]!) : null;
      next?.catch(() => undefined);
      let done: number[] = [];
      const handleAll = async () => {
        for (const m of batch) {
          if (this.stopped) break;
          const at = { uid: m.uid, uidValidity: this.uidValidity };
          try {
            await this.handle(m.source, at);
            if (this.failures.size) this.failures.delete(`${at.uidValidity}:${at.uid}`);
          } catch (err) {
            if (!this.hooks.setAside || !ownFault(err)) throw err;
            const id = `${at.uidValidity}:${at.uid}`;
            const attempts = (this.failures.get(id) ?? 0) + 1;
            this.failures.set(id, attempts);
            if (attempts < SET_ASIDE_AFTER) throw err;
            await this.hooks.setAside(m.source, at, err as Error, attempts);
            this.failures.delete(id);
          }
          done.push(m.uid);
        }
      };
      try {
        await (this.hooks.runBatch ? this.hooks.runBatch(handleAll) : handleAll());
      } catch (err) {
        if (this.hooks.runBatch && done.length) {
          // Handled is not committed when the batch's transaction failed: the checkpoint, written with each mail's
          // effect, says how far the commit got. Duplicates past it are read again, and are duplicates again.
          const { lastUid } = await this.checkpoint.load(this.settings.mailbox);
          done = done.filter((uid) => uid <= lastUid);
        }
        throw err;
      } finally {
        if (done.length) this.hooks.afterBatch?.();
        // What was committed is flagged even when a later mail of the batch failed (the round is then retried).
        if (done.length) {
          await this.markDone(client, done);
          await this.checkpoint.save(this.settings.mailbox, this.uidValidity, done.at(-1)!);
        }
      }
    }
  }
}
