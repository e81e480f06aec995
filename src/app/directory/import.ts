import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Booking, BookingStatus } from "../../core/booking/types.js";
import type { Directory } from "../../core/directory/types.js";
import type { Shift } from "../../core/duty/roster.js";
import type { Store } from "../../store/store.js";
import { closeAccountsOffTheDesk } from "../../web/auth/sessions.js";
import { parseRosterFile, unknownRosterNames } from "../duty/duty.js";
import { MAX_ROSTER_BYTES, readInputFile } from "../input-file.js";
import {
  mailboxChangeNotice,
  mailboxChanges,
  type OutsideMailbox,
  outsideMailboxes,
} from "./mailbox-changes.js";

/** The duty roster a directory folder may carry, beside its three sheets (the `truc nhap` format). */
export const ROSTER_FILE = "duty.csv";

/**
 * The duty roster that comes with a directory import: `file` when given (`--truc`), else DIR/duty.csv when the
 * folder has one; null when neither. `errors` are the bad rows, in Vietnamese.
 */
export function readDirectoryRoster(
  dir: string,
  file?: string,
): { file: string; shifts: Shift[]; errors: string[] } | null {
  const path = file ?? join(dir, ROSTER_FILE);
  if (!file && !existsSync(path)) return null;
  return { file: path, ...parseRosterFile(readInputFile(path, MAX_ROSTER_BYTES)) };
}

/** Bookings still to happen: those that would lose an endpoint if the directory dropped it. */
const UPCOMING: BookingStatus[] = ["received", "needs-info", "needs-review", "confirmed", "checked", "live"];

export interface OrphanedBooking {
  code: string;
  start: Date;
  /** The endpoints of the booking the new directory no longer has. */
  endpoints: string[];
}

export interface ImportOutcome {
  imported: boolean;
  /**
   * The duty roster that came with the directory names people the new directory does not have in that role:
   * nothing was imported (neither the directory nor the roster).
   */
  unknownOnDuty?: string[];
  /** Bookings not yet over that use an endpoint the new directory drops. */
  orphaned: OrphanedBooking[];
  /** Official mailboxes of the imported directory outside `officialDomains` (accepted, to be shown). */
  outside?: OutsideMailbox[];
  /** Web accounts closed because their person left the desk (their passwords must be set again). */
  closedAccounts?: string[];
}

export interface ImportOptions {
  now: Date;
  force: boolean;
  roster?: Shift[];
  /** Who imports, for the desk's notice (the web login, or the CLI's server account). */
  by?: string;
  /** DESK_OFFICIAL_DOMAINS: a mailbox outside them is accepted but marked in the desk's notice and the outcome. */
  officialDomains?: readonly string[];
}

/**
 * Replace the directory, unless that removes an endpoint a booking not yet over still uses: then nothing
 * changes and the bookings are named, so the operator moves them first or imports again with `force`.
 * The check and the replacement share one transaction, so no booking slips in between.
 */
export async function importDirectory(
  store: Store,
  dir: Directory,
  opts: ImportOptions,
): Promise<ImportOutcome> {
  const codes = new Set(dir.endpoints.map((e) => e.code));
  try {
    return await importIn(store, dir, codes, opts);
  } catch (err) {
    if (err instanceof UnknownOnDuty) return { imported: false, orphaned: [], unknownOnDuty: err.names };
    throw err;
  }
}

/** Thrown inside the import's transaction to roll the directory back when its roster names strangers. */
class UnknownOnDuty extends Error {
  constructor(readonly names: string[]) {
    super(`unknown on duty: ${names.join(", ")}`);
  }
}

function importIn(
  store: Store,
  dir: Directory,
  codes: Set<string>,
  opts: ImportOptions,
): Promise<ImportOutcome> {
  return store.tx(async (r, conn) => {
    // Sessions start before they end; a day back covers any session still live at `now`.
    const recent: Booking[] = await r.bookings.list({
      from: new Date(opts.now.getTime() - 24 * 3600_000),
      statuses: UPCOMING,
    });
    const orphaned = recent
      .filter((b) => (b.request.end ?? b.request.start ?? opts.now) > opts.now)
      .map((b) => ({
        code: b.code,
        start: b.request.start!,
        endpoints: [...new Set([b.hostEndpoint, ...b.request.participants])].filter(
          (e): e is string => !!e && !codes.has(e),
        ),
      }))
      .filter((o) => o.endpoints.length > 0);
    if (orphaned.length > 0 && !opts.force) return { imported: false, orphaned };
    const current = await r.directory.load();
    await r.directory.replaceAll(dir);
    // Whoever the new directory takes off the web desk is signed out everywhere and loses the password, in this
    // transaction.
    const closedAccounts = await closeAccountsOffTheDesk(conn, dir);
    // A changed official mailbox changes who speaks for an agency by mail: the desk is told who changed what, in
    // this transaction. The first import (an empty directory) changes nobody's.
    const changes = current.agencies.length ? mailboxChanges(current, dir) : [];
    if (changes.length)
      await r.outbox.enqueue(
        {
          channel: "desk",
          recipient: "admin",
          kind: "directory-mailboxes",
          payload: {
            text: mailboxChangeNotice(changes, opts.by ?? "không rõ người nhập", opts.officialDomains ?? []),
          },
        },
        opts.now,
      );
    if (opts.roster) {
      // Checked against the new directory, in the same transaction: a bad roster leaves the old directory.
      const unknown = await unknownRosterNames(r, opts.roster);
      if (unknown.length) throw new UnknownOnDuty(unknown);
      await r.duty.replaceShifts(opts.roster);
    }
    return {
      imported: true,
      orphaned,
      outside: outsideMailboxes(current, dir, opts.officialDomains ?? []),
      closedAccounts,
    };
  });
}
