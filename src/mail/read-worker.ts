/**
 * The mail reader's thread (see read-pool.ts): `readMail` for each raw mail it is sent and, once it was given a
 * directory, `understand` for a mail from an agency's mailbox that the desk will not find forged; the answers are sent back under the request's id.
 * It holds nothing between mails but the directory, and touches no store.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Directory } from "../core/directory/types.js";
import { snapshotOf } from "../store/directory-repo.js";
import { type ReaderTrust, understoodAhead } from "./authenticity.js";
import { type OwnIdentity, readMail } from "./extract.js";
import { type Understanding, understandNewBooking } from "./understand.js";

const { own, understanding, trust } = workerData as {
  own: OwnIdentity;
  understanding: Understanding;
  trust: ReaderTrust;
};
const port = parentPort!;
let directory: { tag: number; snapshot: ReturnType<typeof snapshotOf> } | null = null;

async function read(raw: Buffer) {
  const facts = await readMail(raw, own);
  const dir = directory;
  const agency =
    dir && facts.from && !facts.autoReason ? dir.snapshot.agencyByMailbox(facts.from) : undefined;
  // A mail the desk may find forged is understood there, after its verdict, or never (src/mail/authenticity.ts).
  if (!dir || !agency || !understoodAhead(facts, raw, trust)) return { facts, understood: null };
  // The very call MailDesk.route makes for a new booking.
  const parsed = understandNewBooking(facts, dir.snapshot.matcher(), understanding, agency.name);
  return { facts, understood: { tag: dir.tag, agency: agency.name, parsed } };
}

// Loaded and compiled before the first mail arrives: mailparser and its parts are imported on the first read.
// One mail at a time, in the order they came: the desk waits for the first mail of a batch, not for the batch.
let queue: Promise<unknown> = readMail(Buffer.from("Subject: warm-up\r\n\r\nwarm-up\r\n"), own).catch(
  () => undefined,
);
port.on("message", (m: { id: number; raw: Uint8Array } | { tag: number; directory: Directory }) => {
  if ("directory" in m) {
    directory = { tag: m.tag, snapshot: snapshotOf(m.directory) };
    return;
  }
  queue = queue.then(() =>
    read(Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength)).then(
      (ahead) => port.postMessage({ id: m.id, ahead }),
      (err: unknown) => port.postMessage({ id: m.id, error: String((err as Error)?.message ?? err) }),
    ),
  );
});
