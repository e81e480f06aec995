/**
 * Operations figures: the cost of an online backup (and of restoring and checking it) on two years of desk
 * data, and one pruning pass over it, with the latency of the desk's own small transactions meanwhile.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backupDatabase, restoreDatabase } from "../src/app/ops/backup.js";
import { pruneAll, type RetentionSettings } from "../src/app/ops/retention.js";
import { Store } from "../src/store/store.js";
import { machine, ms, pct, writeSection } from "./sections.js";

const DAY = 86_400_000;
const DAYS = 730;
const PER_DAY = { mails: 40, outbox: 120, incidents: 6, bookings: 30 };
const RAW = Buffer.alloc(12 * 1024, "Nội dung thư gốc ");
const now = new Date("2026-12-10T00:00:00Z");
const tmp = mkdtempSync(join(tmpdir(), "desk-bench-ops-"));

function simulate(store: Store): void {
  const db = store.sqlite;
  const mail = db.prepare(
    "INSERT INTO inbound_messages (channel, key, received_at, status, raw) VALUES ('mail', ?, ?, 'handled', ?)",
  );
  const sent = db.prepare(
    "INSERT INTO outbox (channel, recipient, kind, payload, status, attempts, available_at, created_at, sent_at) VALUES ('mail', 'a@hanoi.gov.vn', 'reply', ?, 'sent', 0, ?, ?, ?)",
  );
  const incident = db.prepare(
    "INSERT INTO incidents (code, category, route, status, reporter, text, opened_at, updated_at) VALUES (?, 'audio', 'endpoint', 'resolved', 'telegram:1', ?, ?, ?)",
  );
  const note = db.prepare(
    "INSERT INTO incident_events (incident, at, actor, channel, action, note) VALUES (?, ?, 'telegram:2', 'telegram', 'resolve', 'đã thay micro')",
  );
  const booking = db.prepare(
    "INSERT INTO bookings (code, status, title, emergency, secret, recording, city_hall_room, unresolved, priority, reasons, missing, channel, sender, received_at, created_at, updated_at) VALUES (?, 'done', 'Phiên họp', 0, 0, 0, 0, '[]', 0, '[]', '[]', 'mail', 's', ?, ?, ?)",
  );
  const event = db.prepare(
    "INSERT INTO booking_events (booking, at, to_status, actor, channel, reason) VALUES (?, ?, 'confirmed', 'system', 'system', 'xác nhận')",
  );
  const payload = JSON.stringify({ text: "Trả lời đăng ký lịch họp ".repeat(20) });
  for (let d = 0; d < DAYS; d++) {
    db.transaction(() => {
      const t = now.getTime() - d * DAY;
      for (let i = 0; i < PER_DAY.mails; i++) mail.run(`m-${d}-${i}@x`, t, RAW);
      for (let i = 0; i < PER_DAY.outbox; i++) sent.run(payload, t, t, t);
      for (let i = 0; i < PER_DAY.incidents; i++) {
        incident.run(`SC-${d}-${i}`, "Phòng họp mất tiếng, nhờ kỹ thuật hỗ trợ", t, t);
        note.run(`SC-${d}-${i}`, t);
      }
      for (let i = 0; i < PER_DAY.bookings; i++) {
        booking.run(`HTT-${d}-${i}`, t, t, t);
        for (let k = 0; k < 4; k++) event.run(`HTT-${d}-${i}`, t);
      }
    })();
  }
}

const store = Store.open(join(tmp, "desk.db"));
simulate(store);
store.sqlite.pragma("wal_checkpoint(TRUNCATE)");
const size = statSync(join(tmp, "desk.db")).size;

// Backup while the desk writes: the latency of its small transactions shows what the copy costs it.
async function withDeskLoad<T>(
  work: () => Promise<T>,
): Promise<{ result: T; lat: number[]; stallMs: number }> {
  const lat: number[] = [];
  // The longest gap between ticks of a 1 ms interval: how long the event loop (so the desk) was held.
  let lastTick = performance.now();
  let stallMs = 0;
  const tick = setInterval(() => {
    const t = performance.now();
    stallMs = Math.max(stallMs, t - lastTick);
    lastTick = t;
  }, 1);
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const t0 = performance.now();
      await store.tx((r) =>
        r.outbox.enqueue({ channel: "desk", recipient: "admin", kind: "live", payload: { text: "x" } }, now),
      );
      lat.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  const result = await work();
  stop = true;
  await loop;
  clearInterval(tick);
  return { result, lat, stallMs };
}

const backup = await withDeskLoad(() => backupDatabase(join(tmp, "desk.db"), join(tmp, "copy.db")));
const t0 = performance.now();
const check = await restoreDatabase(backup.result.file, join(tmp, "restored.db"));
const restoreMs = performance.now() - t0;

const settings: RetentionSettings = { mailDays: 365, outboxDays: 90, chatDays: 365, jobDays: 30, batch: 500 };
const batchMs: number[] = [];
const tx = <T>(fn: () => T) =>
  store.tx(() => {
    const b0 = performance.now();
    const out = fn();
    batchMs.push(performance.now() - b0);
    return out;
  });
const p0 = performance.now();
const prune = await withDeskLoad(() => pruneAll(tx, store.sqlite, settings, now));
const pruneMs = performance.now() - p0;
store.close();

const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
writeSection(
  "## Operations: backup and retention (issue 14)",
  `
Run ${new Date().toISOString().slice(0, 10)} on ${machine()}. Two years of simulated desk data (${DAYS} days × ${PER_DAY.mails} mails with a 12 KiB source, ${PER_DAY.outbox} delivered answers, ${PER_DAY.incidents} resolved incidents, ${PER_DAY.bookings} bookings with 4 audit rows each): ${mib(size)} of SQLite.

| measure | value |
|---|---|
| online backup (\`db backup\`, one snapshot step) | ${ms(backup.result.ms)} for ${mib(backup.result.bytes)} |
| longest event-loop stall during the backup (the desk waits this long) | ${ms(backup.stallMs)} |
| restore into a fresh file + integrity_check + row counts | ${ms(restoreMs)} (integrity: ${check.integrity.join()}) |
| pruning pass (batches of 500): rows touched | ${prune.result.mailRaw} raw mails nulled, ${prune.result.outbox} outbox rows deleted, ${prune.result.incidents} incidents' texts removed |
| pruning pass: wall time, batches | ${ms(pruneMs)}, ${prune.result.batches} |
| one batch (a transaction the desk waits behind): p50 / p99 / max | ${ms(pct(batchMs, 50))} / ${ms(pct(batchMs, 99))} / ${ms(Math.max(...batchMs))} |
| desk transactions during the pass: count, p50 / p99 / max latency | ${prune.lat.length}, ${ms(pct(prune.lat, 50))} / ${ms(pct(prune.lat, 99))} / ${ms(Math.max(...prune.lat))} |
| longest event-loop stall during the pass | ${ms(prune.stallMs)} |

The backup copies every page in one step inside a read snapshot on its own connection: SQLite restarts a
stepwise copy whenever another connection writes, which under the desk's steady load never finishes. That step
is synchronous on the main thread. Here the pages sat in the checkpointed main file and the stall stayed small;
a separate probe with 235 MiB still in the WAL held the loop for 1.5 s in that step, which is why the job runs at
night (DESK_BACKUP_HOUR) and why a worker thread is the next step if it matters. Writers are never blocked (WAL).
The
raw-mail prune scans \`inbound_messages\` without an index on \`received_at\`; an index
\`(received_at) WHERE raw IS NOT NULL\` would make each batch cheaper (needs a migration).
`,
);
rmSync(tmp, { recursive: true, force: true });
