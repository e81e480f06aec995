/**
 * The service reads mails, and understands a new booking, on a thread of its own (src/mail/read-pool.ts) while the
 * mails before them are decided. What the desk decides on must not depend on that: the facts and the understanding
 * made there are those `readMail` and `understand` give on the desk's thread against the same directory, a mail
 * is understood there only against a directory the desk names by its tag, an unreadable mail fails with the same
 * message (and is quarantined with it), and a thread that dies or cannot start leaves no mail unread.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { makeMix } from "../bench/mail-mix.js";
import { ROOT } from "../src/app/config.js";
import { readDirectoryCsv } from "../src/app/directory/csv.js";
import { MailDesk } from "../src/app/mail-desk.js";
import { DEFAULT_REGULATION } from "../src/core/regulation.js";
import { readMail } from "../src/mail/extract.js";
import { MailReadWorker } from "../src/mail/read-pool.js";
import { understand } from "../src/mail/understand.js";
import { snapshotOf } from "../src/store/directory-repo.js";
import { makeDesk } from "./helpers.js";
import { CLERK_DATE, CLERK_NOW, mailDeskOf } from "./support/mail-desk.js";
import { mail, TEST_AUTHSERV_ID } from "./support/service.js";

const own = { addresses: ["kythuat@hanoi.gov.vn"], messageIdDomain: "desk.hanoi.gov.vn" };
const understanding = {
  zone: DEFAULT_REGULATION.zone,
  defaultDurationMinutes: DEFAULT_REGULATION.defaultDurationMinutes,
  workday: DEFAULT_REGULATION.workday,
};
const mails = makeMix("read-worker", 120, { withSamples: true });
const snapshot = snapshotOf(readDirectoryCsv(join(ROOT, "data/sample-directory")));

let reader: MailReadWorker | null = null;
afterEach(() => reader?.close());

async function settled(p: Promise<unknown>) {
  return p.then(
    (v) => ({ ok: true, v }),
    (e: Error) => ({ ok: false, v: e.message }),
  );
}

/** What the desk's own thread makes of a mail: its facts, and the understanding for its sender's agency. */
async function here(raw: Buffer) {
  const facts = await readMail(raw, own);
  const agency = facts.from && !facts.autoReason ? snapshot.agencyByMailbox(facts.from) : undefined;
  return {
    facts,
    agency: agency?.name ?? null,
    parsed: agency
      ? understand(facts, { matcher: snapshot.matcher(), ...understanding, senderAgency: agency.name })
      : null,
  };
}

describe("the mail reader's thread", () => {
  it("reads and understands every mail of the bench's mix as the desk's own thread does", async () => {
    const failures: string[] = [];
    reader = new MailReadWorker(own, understanding, (m) => failures.push(m)).start();
    const tag = reader.tagOf(snapshot);
    expect(reader.tagOf(snapshot)).toBe(tag);
    // Read ahead, then taken in order, as the intake and the desk do.
    for (const m of mails) reader.prefetch(m.raw);
    let understood = 0;
    for (const m of mails) {
      const [there, mine] = await Promise.all([reader.take(m.raw), here(m.raw)]);
      expect(there.facts, m.id).toEqual(mine.facts);
      if (mine.parsed) understood++;
      expect(there.understood, m.id).toEqual(
        mine.parsed ? { tag, agency: mine.agency, parsed: mine.parsed } : null,
      );
    }
    expect(understood).toBeGreaterThan(mails.length / 2);
    // A mail that was not read ahead is read when taken.
    expect((await reader.take(mails[0]!.raw)).facts).toEqual((await here(mails[0]!.raw)).facts);
    expect(failures).toEqual([]);
  });

  it("understands nothing before it is given a directory, and tags what it understands after", async () => {
    reader = new MailReadWorker(own, understanding).start();
    const m = mails.find((x) => x.kind === "template")!;
    expect((await reader.take(m.raw)).understood).toBeNull();
    const tag = reader.tagOf(snapshot);
    const other = snapshotOf(readDirectoryCsv(join(ROOT, "data/sample-directory")));
    expect((await reader.take(m.raw)).understood?.tag).toBe(tag);
    const tag2 = reader.tagOf(other);
    expect(tag2).not.toBe(tag);
    expect((await reader.take(m.raw)).understood?.tag).toBe(tag2);
  });

  it("answers a malformed mail as readMail does on the desk's thread, facts or error", async () => {
    reader = new MailReadWorker(own, understanding).start();
    const bad = Buffer.from(
      'From: a@b.vn\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nContent-Type: message/rfc822\r\n\r\n',
    );
    const there = await settled(reader.take(bad).then((a) => a.facts));
    expect(there).toEqual(await settled(readMail(bad, own)));
  });

  it("reads on the desk's thread what a dead thread owed, and every mail after it", async () => {
    const failures: string[] = [];
    reader = new MailReadWorker(own, understanding, (m) => failures.push(m)).start();
    reader.tagOf(snapshot);
    const worker = (reader as unknown as { worker: { terminate(): Promise<number> } }).worker;
    for (const m of mails.slice(0, 10)) reader.prefetch(m.raw);
    await worker.terminate();
    for (const m of mails.slice(0, 20)) {
      const there = await reader.take(m.raw);
      expect(there.facts, m.id).toEqual((await here(m.raw)).facts);
    }
    expect(failures.length).toBe(1);
  });
});

describe("the reader's thread and authenticity (Điều 12.2a)", () => {
  // Before: every mail in an agency's name was understood on the reader's thread before the desk checked DMARC, a
  // forged one too (its body is the attacker's, and understanding is the costly part).
  it("understands no mail the desk may find forged, and a genuine one as the desk would, used by the desk as is", async () => {
    reader = new MailReadWorker(own, understanding, () => {}, {
      requireAuth: true,
      authservId: TEST_AUTHSERV_ID,
    }).start();
    const tag = reader.tagOf(snapshot);
    const body =
      "Đăng ký họp 9h00–11h00 ngày 10/12/2026 tại UBND phường Ngọc Hà, nội dung: giao ban tháng 12.";
    const forged = (
      [
        // The boundary says DMARC failed.
        { "Authentication-Results": `${TEST_AUTHSERV_ID}; dmarc=fail header.from=hanoi.gov.vn` },
        // A header the sender wrote itself: only the desk's own DNS check can decide.
        { "Authentication-Results": "mx.ke-gia-mao.example; dmarc=pass header.from=hanoi.gov.vn" },
        // Genuine, but written to someone else and sent on.
        { To: "vanthu.sxd@hanoi.gov.vn" },
      ] as Record<string, string>[]
    ).map((headers, i) => mail({ id: `forged${i}@hanoi.gov.vn`, body, date: CLERK_DATE, headers }));
    const genuine = mail({ id: "genuine@hanoi.gov.vn", body, date: CLERK_DATE });
    for (const raw of [...forged, genuine]) reader.prefetch(raw);
    for (const raw of forged) expect((await reader.take(raw)).understood).toBeNull();
    const ahead = await reader.take(genuine);
    const mine = await here(genuine);
    expect(ahead.understood).toEqual({ tag, agency: "Sở Công Thương", parsed: mine.parsed });

    // The desk refuses the forged ones unread and registers the genuine one with what the thread understood (a
    // title only the thread wrote shows it was not understood a second time).
    const desk = await makeDesk();
    const md = new MailDesk(desk, {
      ...mailDeskOf(desk).opts,
      requireAuth: true,
      authservId: TEST_AUTHSERV_ID,
      resolver: async () => {
        throw Object.assign(new Error("no such domain"), { code: "ENOTFOUND" });
      },
    });
    expect(md.readerTrust).toEqual({ requireAuth: true, authservId: TEST_AUTHSERV_ID });
    // The desk's snapshot is another object than the thread's: its tag is the one the thread is now given.
    const deskTag = (s: Parameters<MailReadWorker["tagOf"]>[0]) => reader!.tagOf(s);
    for (const raw of forged) {
      const out = await md.handle(raw, CLERK_NOW, { read: { ahead: reader.take(raw), tagOf: deskTag } });
      expect(out.kind).toBe("refused");
    }
    const deskSnapshot = await desk.store.read((r) => r.directory.snapshot());
    const t = reader.tagOf(deskSnapshot);
    const again = await reader.take(genuine);
    expect(again.understood?.tag).toBe(t);
    again.understood!.parsed.title = "Nội dung chỉ luồng đọc thư ghi";
    const out = await md.handle(genuine, CLERK_NOW, {
      read: { ahead: Promise.resolve(again), tagOf: deskTag },
    });
    expect(out.kind).toBe("registered");
    const [b] = await desk.store.read((r) => r.bookings.list({}));
    expect(b!.request.title).toBe("Nội dung chỉ luồng đọc thư ghi");
  });
});
