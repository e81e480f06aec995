import { join } from "node:path";
import { sql } from "drizzle-orm";
import type { Desk } from "../desk.js";
import type { JobHandler } from "../scheduler.js";
import {
  type BackupResult,
  type BackupSettings,
  backupDatabase,
  backupFileName,
  nextNightly,
  PG_BACKUP_SUFFIX,
  pruneBackups,
} from "./backup.js";
import { backupPostgres } from "./pg-backup.js";
import { pruneBatch, type RetentionSettings, touched } from "./retention.js";

export const OPS_JOB = { backup: "ops-backup", prune: "ops-prune" } as const;

export interface OpsSettings {
  backup: BackupSettings;
  retention: RetentionSettings;
}

/** PostgreSQL backups started by the nightly job and still running. */
const inflight = new Set<Promise<unknown>>();

/** Wait for the PostgreSQL backups the nightly job started (tests, shutdown). */
export async function settleBackups(): Promise<void> {
  while (inflight.size) await Promise.all([...inflight]);
}

type Log = (event: string, fields?: Record<string, unknown>) => void;

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The nightly backup and the daily pruning, as job rows like every timer. Each run arms the next one under
 * a new key (a job's own row is marked done after its handler). Pruning does one batch per run and, while
 * rows remain, arms an immediate follow-up: every batch is its own short transaction and the desk's work
 * interleaves between them.
 */
export function opsJobHandlers(
  desk: Desk,
  ops: OpsSettings,
  log: Log = () => undefined,
): Record<string, JobHandler> {
  const zone = desk.reg.zone;
  return {
    [OPS_JOB.backup]: async (_job, r, now) => {
      const next = nextNightly(now, ops.backup.hour, zone);
      await r.jobs.schedule({ kind: OPS_JOB.backup, key: `nightly@${day(next)}`, runAt: next }, now);
      const file = join(ops.backup.dir, backupFileName(now, desk.store.pgUrl ? PG_BACKUP_SUFFIX : undefined));
      const done = (res: BackupResult) => {
        const dropped = pruneBackups(ops.backup.dir, ops.backup.keep);
        log("backup", {
          file: res.file,
          bytes: res.bytes,
          ms: Math.round(res.ms),
          integrity: res.check.integrity.join(),
          rows: res.check.counts.reduce((n, c) => n + c.rows, 0),
          dropped: dropped.length,
        });
      };
      const pgUrl = desk.store.pgUrl;
      if (pgUrl) {
        // On PostgreSQL the job's transaction holds the desk's write lock: pg_dump runs after it, in a snapshot of
        // its own, so the desk keeps writing. A failure is logged; the doctor reports a backup that is too old.
        const p = (async () => {
          await new Promise((resolve) => setImmediate(resolve));
          done(await backupPostgres(pgUrl, file));
        })().catch((err: unknown) => log("backup-failed", { message: (err as Error).message }));
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
        return;
      }
      done(await backupDatabase(desk.store.sqlite.name, file));
    },
    [OPS_JOB.prune]: async (job, r, now, conn) => {
      const c = await pruneBatch(conn, ops.retention, now);
      if (touched(c) > 0) {
        const [base, n] = job.key.split("#");
        await r.jobs.schedule({ kind: OPS_JOB.prune, key: `${base}#${Number(n ?? 0) + 1}`, runAt: now }, now);
        log("prune", { ...c });
      } else {
        const next = new Date(nextNightly(now, ops.backup.hour, zone).getTime() + 30 * 60_000);
        await r.jobs.schedule({ kind: OPS_JOB.prune, key: `daily@${day(next)}`, runAt: next }, now);
      }
    },
  };
}

/** Arm the nightly backup and daily pruning unless a run is already pending (called at every start). */
export async function armOpsJobs(desk: Desk, ops: OpsSettings, now: Date): Promise<void> {
  if (desk.store.dialect === "sqlite" && desk.store.sqlite.name === ":memory:") return;
  const next = nextNightly(now, ops.backup.hour, desk.reg.zone);
  await desk.store.tx(async (r, c) => {
    const pending = async (kind: string) =>
      (await c.all(sql`SELECT 1 AS one FROM jobs WHERE kind = ${kind} AND status = 'pending' LIMIT 1`))
        .length > 0;
    if (!(await pending(OPS_JOB.backup))) {
      await r.jobs.schedule({ kind: OPS_JOB.backup, key: `nightly@${day(next)}`, runAt: next }, now);
    }
    if (!(await pending(OPS_JOB.prune))) {
      const at = new Date(next.getTime() + 30 * 60_000);
      await r.jobs.schedule({ kind: OPS_JOB.prune, key: `daily@${day(at)}`, runAt: at }, now);
    }
  });
}
