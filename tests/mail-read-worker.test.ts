/**
 * The service reads mails on a thread of its own (src/mail/read-pool.ts) while the mails before them are decided.
 * What the desk decides on must not depend on that: the facts read there are the facts `readMail` gives on the
 * desk's thread, an unreadable mail fails with the same message (and is quarantined with it), and a thread that
 * dies or cannot start leaves no mail unread.
 */
import { afterEach, describe, expect, it } from "vitest";
import { makeMix } from "../bench/mail-mix.js";
import { readMail } from "../src/mail/extract.js";
import { MailReadWorker } from "../src/mail/read-pool.js";

const own = { addresses: ["kythuat@hanoi.gov.vn"], messageIdDomain: "desk.hanoi.gov.vn" };
const mails = makeMix("read-worker", 60, { withSamples: true });

let reader: MailReadWorker | null = null;
afterEach(() => reader?.close());

async function settled(p: Promise<unknown>) {
  return p.then(
    (v) => ({ ok: true, v }),
    (e: Error) => ({ ok: false, v: e.message }),
  );
}

describe("the mail reader's thread", () => {
  it("reads every mail of the bench's mix to the same facts as the desk's own thread", async () => {
    const failures: string[] = [];
    reader = new MailReadWorker(own, (m) => failures.push(m)).start();
    // Read ahead, then taken in order, as the intake and the desk do.
    for (const m of mails) reader.prefetch(m.raw);
    for (const m of mails) {
      const [there, here] = await Promise.all([reader.take(m.raw), readMail(m.raw, own)]);
      expect(there, m.id).toEqual(here);
    }
    // A mail that was not read ahead is read when taken.
    expect(await reader.take(mails[0]!.raw)).toEqual(await readMail(mails[0]!.raw, own));
    expect(failures).toEqual([]);
  });

  it("answers a malformed mail as readMail does on the desk's thread, facts or error", async () => {
    reader = new MailReadWorker(own).start();
    const bad = Buffer.from(
      'From: a@b.vn\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nContent-Type: message/rfc822\r\n\r\n',
    );
    const there = await settled(reader.take(bad));
    const here = await settled(readMail(bad, own));
    expect(there).toEqual(here);
  });

  it("reads on the desk's thread what a dead thread owed, and every mail after it", async () => {
    const failures: string[] = [];
    reader = new MailReadWorker(own, (m) => failures.push(m)).start();
    const worker = (reader as unknown as { worker: { terminate(): Promise<number> } }).worker;
    for (const m of mails.slice(0, 10)) reader.prefetch(m.raw);
    await worker.terminate();
    for (const m of mails.slice(0, 20))
      expect(await reader.take(m.raw), m.id).toEqual(await readMail(m.raw, own));
    expect(failures.length).toBe(1);
  });
});
