/**
 * The mail reader's thread (see read-pool.ts): `readMail` for each raw mail it is sent, its facts or its error's
 * message sent back under the request's id. It holds nothing between mails and touches no store.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type OwnIdentity, readMail } from "./extract.js";

const own = (workerData as { own: OwnIdentity }).own;
const port = parentPort!;
// Loaded and compiled before the first mail arrives: mailparser and its parts are imported on the first read.
readMail(Buffer.from("Subject: warm-up\r\n\r\nwarm-up\r\n"), own).catch(() => undefined);
port.on("message", (m: { id: number; raw: Uint8Array }) => {
  readMail(Buffer.from(m.raw.buffer, m.raw.byteOffset, m.raw.byteLength), own).then(
    (facts) => port.postMessage({ id: m.id, facts }),
    (err: unknown) => port.postMessage({ id: m.id, error: String((err as Error)?.message ?? err) }),
  );
});
