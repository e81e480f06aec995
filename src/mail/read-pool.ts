import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import type { DirectorySnapshot } from "../store/directory-repo.js";
import type { ReaderTrust } from "./authenticity.js";
import { type MailFacts, type OwnIdentity, readMail } from "./extract.js";
import type { ParsedBooking, Understanding } from "./understand.js";

/** A mail read ahead: its facts and, for a mail from an agency's mailbox, what `understand` made of it. */
export interface ReadAhead {
  facts: MailFacts;
  /**
   * `understand(facts, …)` for the sender's agency `agency`, against the directory given as `tag` (see
   * `MailReadWorker.tagOf`); null when the thread had no directory yet, the sender is no agency's mailbox, or the
   * desk requires authentication and the boundary's trusted header does not vouch for the mail.
   */
  understood: { tag: number; agency: string; parsed: ParsedBooking } | null;
}

/**
 * Reading mails (mailparser, the HTML walk, the body's cleaning: `readMail`) on a thread of its own, so that a
 * backlog uses the machine's second core: the intake hands each mail over as it arrives from the IMAP FETCH
 * (`prefetch`), the thread reads it while the desk decides the mails before it, and the desk takes the facts when
 * the mail's turn comes (`take`). Reading is pure: what a mail's facts are does not depend on where they were
 * read, and nothing is decided, stored or sent on that thread, so the dedup in the decision's transaction and what
 * a crash leaves are the same as without it.
 *
 * If the thread cannot start or dies, every mail it had not answered, and every later one, is read on the desk's
 * own thread: a mail is never lost or quarantined for the thread's sake. A mail the reader could not read is
 * quarantined with the reader's own message, as on the desk's thread.
 */
export class MailReadWorker {
  private worker: Worker | null = null;
  private failed = false;
  private nextId = 0;
  private readonly pending = new Map<
    number,
    { raw: Buffer; resolve: (f: ReadAhead) => void; reject: (e: Error) => void }
  >();
  private readonly ahead = new WeakMap<Buffer, Promise<ReadAhead>>();
  /** The directory snapshots given to the thread, by the tag its answers carry; the last one is the thread's. */
  private readonly tags = new WeakMap<DirectorySnapshot, number>();
  private lastTag = 0;

  constructor(
    private readonly own: OwnIdentity,
    private readonly understanding: Understanding,
    private readonly onFailure: (message: string) => void = () => {},
    /**
     * The desk's rule for authenticity: when it requires it, a mail in an agency's name is understood here only if
     * the boundary's trusted header vouches for it; the desk understands the others after its verdict.
     */
    private readonly trust: ReaderTrust = { requireAuth: false, authservId: null },
  ) {}

  /**
   * The tag of `snapshot`: the thread understands the mails it reads from now on against it (a snapshot not seen
   * before is sent to it). An answer understood against another tag is not this snapshot's.
   */
  tagOf(snapshot: DirectorySnapshot): number {
    let tag = this.tags.get(snapshot);
    if (tag === undefined) {
      tag = ++this.lastTag;
      this.tags.set(snapshot, tag);
      this.start().worker?.postMessage({ tag, directory: snapshot.directory });
    }
    return tag;
  }

  /** Start the thread now (it loads its modules), so that the first mails do not wait for it. */
  start(): this {
    if (!this.failed && !this.worker) this.worker = this.spawn();
    return this;
  }

  /** Start reading `raw` now; `take(raw)` with the same buffer later returns its facts. */
  prefetch(raw: Buffer): void {
    if (this.ahead.has(raw)) return;
    const p = this.read(raw);
    // Taken later (or never, when the service stops first): a failure is handled by whoever takes it.
    p.catch(() => undefined);
    this.ahead.set(raw, p);
  }

  /** The facts of `raw`: read ahead by `prefetch`, or now. Rejects as `readMail` does for an unreadable mail. */
  take(raw: Buffer): Promise<ReadAhead> {
    const p = this.ahead.get(raw);
    if (p) {
      this.ahead.delete(raw);
      return p;
    }
    return this.read(raw);
  }

  close(): void {
    const w = this.worker;
    this.worker = null;
    this.failed = true;
    if (w) void w.terminate();
    this.fallBack();
  }

  private read(raw: Buffer): Promise<ReadAhead> {
    const w = this.start().worker;
    if (!w) return here(raw, this.own);
    const id = ++this.nextId;
    // A copy of the mail alone: the buffer may be a view of a larger one (the IMAP response), which would be
    // copied whole; the copy is moved, not copied again.
    const copy = new Uint8Array(raw);
    return new Promise<ReadAhead>((resolve, reject) => {
      this.pending.set(id, { raw, resolve, reject });
      w.postMessage({ id, raw: copy }, [copy.buffer]);
    });
  }

  private spawn(): Worker | null {
    try {
      const entry = workerEntry();
      const w = new Worker(entry.code, {
        workerData: { own: this.own, understanding: this.understanding, trust: this.trust },
        eval: entry.eval ?? false,
      });
      w.unref();
      w.on("message", (m: { id: number; ahead?: ReadAhead; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ahead) p.resolve(m.ahead);
        else p.reject(new Error(m.error));
      });
      w.on("error", (err) => this.fail(err.message));
      w.on("exit", (code) => {
        if (!this.failed) this.fail(`exit ${code}`);
      });
      return w;
    } catch (err) {
      this.fail((err as Error).message);
      return null;
    }
  }

  private fail(message: string): void {
    if (this.failed) return;
    this.failed = true;
    this.worker = null;
    this.onFailure(message);
    this.fallBack();
  }

  /** Whatever the thread still owed is read here. */
  private fallBack(): void {
    const owed = [...this.pending.values()];
    this.pending.clear();
    for (const p of owed) here(p.raw, this.own).then(p.resolve, p.reject);
  }
}

/** A mail read on this thread: the desk understands it itself. */
const here = (raw: Buffer, own: OwnIdentity): Promise<ReadAhead> =>
  readMail(raw, own).then((facts) => ({ facts, understood: null }));

/**
 * The worker's file beside this one: the compiled `.js` in dist/ (the service's bundle keeps this module's own
 * compiled URL). Where the sources run (tests, `npm run cli`, `--import tsx`), the `.ts` source through tsx's
 * loader, registered by the worker itself: a worker's `--import` hooks do not reach its own entry on Node 20.
 */
function workerEntry(): { code: string | URL; eval?: boolean } {
  if (!import.meta.url.endsWith(".ts")) return { code: new URL("./read-worker.js", import.meta.url) };
  const source = new URL("./read-worker.ts", import.meta.url).href;
  // tsx's ESM API (package export `tsx/esm/api`, import condition) beside its loader (`tsx`).
  const api = pathToFileURL(
    join(dirname(createRequire(import.meta.url).resolve("tsx")), "esm/api/index.mjs"),
  );
  return {
    code: `import(${JSON.stringify(api.href)}).then((m) => { m.register(); return import(${JSON.stringify(source)}); });`,
    eval: true,
  };
}
