/**
 * What the service does per mail in a backlog, counted instead of timed: the desk as `DeskService` in this process
 * (tsx), a real Dovecot and SMTP sink, `MAIL_COUNT_N` mails (default 300) of the bench's mix waiting at start.
 * Counts store transactions and reads by the code that opened them (the outbox claims and marks among them), the
 * messages the SMTP sink received, and the event loop's utilization. Prints; writes nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadConfig } from "../src/app/config.js";
import { DeskService } from "../src/app/service.js";
import { Store } from "../src/store/store.js";
import { Dovecot, SmtpSink } from "../tests/support/servers.js";
import { deskEnv, offlineDns } from "../tests/support/service.js";
import { makeMix } from "./mail-mix.js";

const N = Number(process.env.MAIL_COUNT_N ?? 300);
const tmp = mkdtempSync(join(tmpdir(), "desk-bench-mailcount-"));
const counts = new Map<string, number>();
const bump = (k: string, by = 1) => counts.set(k, (counts.get(k) ?? 0) + by);
/** The first stack frame outside the store: who opened the transaction. */
function caller(): string {
  const lines = (new Error().stack ?? "").split("\n").slice(3);
  const own = lines.find((l) => /\/src\//.test(l) && !/\/src\/store\//.test(l)) ?? "?";
  return (/\/src\/([^:]+:\d+)/.exec(own)?.[1] ?? own.trim()).replace(/\.ts/, "");
}
const tx0 = Store.prototype.tx;
Store.prototype.tx = function (this: Store, fn, opts) {
  bump(`tx ${caller()}`);
  return tx0.call(this, fn, opts);
} as typeof tx0;
// A mail batch's transactions are savepoints of one write transaction (Store.batch): counted as the batch, and
// each savepoint by the code that opened it.
const batch0 = Store.prototype.batch;
Store.prototype.batch = function (this: Store, fn) {
  bump(`batch ${caller()}`);
  return batch0.call(this, (view) => {
    const viewTx = view.tx.bind(view);
    view.tx = ((f, o) => {
      bump(`savepoint ${caller()}`);
      return viewTx(f, o);
    }) as typeof viewTx;
    return fn(view);
  });
} as typeof batch0;
const read0 = Store.prototype.read;
Store.prototype.read = function (this: Store, fn) {
  bump(`read ${caller()}`);
  return read0.call(this, fn);
} as typeof read0;

const dovecot = new Dovecot();
const sink = new SmtpSink();
await dovecot.start();
await sink.start();
try {
  const mails = makeMix("count", N, { withSamples: true });
  await dovecot.append(...mails.map((m) => m.raw));
  const want = mails.filter((m) => m.answered).length;
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const config = loadConfig({
    ...deskEnv(dovecot, sink, join(tmp, "desk.db")),
    DESK_IMAP_POLL_SECONDS: "30",
    DESK_REPLY_CAP_PER_SENDER: "100000",
    DESK_REPLY_CAP_PER_BOOKING: "100000",
    DESK_POLL_MS: "1000",
  });
  const events: { event: string; fields: Record<string, unknown> }[] = [];
  const now = new Date(Date.UTC(2026, 11, 7, 2));
  const service = await DeskService.open(
    config,
    (event, fields = {}) => {
      events.push({ event, fields });
    },
    () => now,
    { mailResolver: offlineDns },
  );
  await service.start();
  while (events.filter((e) => e.event === "mail").length < N || sink.messages.length < want)
    await new Promise((r) => setTimeout(r, 20));
  const wall = (performance.now() - t0) / 1000;
  const elu = performance.eventLoopUtilization(elu0);
  await service.stop();
  console.log(
    `${N} mails, ${want} answers at the sink in ${wall.toFixed(1)} s; event loop utilization ${(100 * elu.utilization).toFixed(0)} %`,
  );
  for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1]))
    console.log(`${(v / N).toFixed(2).padStart(6)} per mail  ${String(v).padStart(6)}  ${k}`);
  console.log(`SMTP MAIL FROM at the sink: ${sink.mailSessions.length}`);
} finally {
  await sink.stop();
  await dovecot.destroy();
  rmSync(tmp, { recursive: true, force: true });
}
