import { readFileSync } from "node:fs";
import { isoLocal } from "../core/calendar/zone.js";
import { DirectoryMatcher } from "../core/directory/matcher.js";
import type { Directory } from "../core/directory/types.js";
import type { Regulation } from "../core/regulation.js";
import { snapshotOf } from "../store/directory-repo.js";
import { type MailFacts, type OwnIdentity, readMail } from "./extract.js";
import { type ParsedBooking, understand, understandingOf } from "./understand.js";

/** Reads mail files against one directory; shared by `mail parse` and `booking decide`. */
export class MailReader {
  readonly matcher: DirectoryMatcher;
  private readonly snapshot;

  constructor(
    directory: Directory,
    private readonly reg: Regulation,
    private readonly own: OwnIdentity,
  ) {
    this.matcher = new DirectoryMatcher(directory);
    this.snapshot = snapshotOf(directory);
  }

  async read(raw: Buffer): Promise<{ facts: MailFacts; parsed: ParsedBooking }> {
    const facts = await readMail(raw, this.own);
    const senderAgency = facts.from ? (this.snapshot.agencyByMailbox(facts.from)?.name ?? null) : null;
    const parsed = understand(facts, { matcher: this.matcher, ...understandingOf(this.reg), senderAgency });
    parsed.autoReply = facts.autoReason !== null;
    return { facts, parsed };
  }

  async readFile(path: string) {
    return this.read(readFileSync(path));
  }
}

/** The exact JSON line of `mail parse --json`. */
export function parseJson(file: string, p: ParsedBooking, zone: string) {
  return {
    file,
    host: p.host,
    participants: p.participants,
    unresolved: p.unresolved,
    start: p.start ? isoLocal(p.start, zone) : null,
    end: p.end ? isoLocal(p.end, zone) : null,
    title: p.title,
    contact: p.contact,
    emergency: p.emergency,
    recording: p.recording,
    cityHallRoom: p.cityHallRoom,
    secret: p.secret,
    autoReply: p.autoReply,
    missing: p.missing,
  };
}
