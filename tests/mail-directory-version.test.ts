/**
 * The mail desk keeps its name matcher between mails and reads the directory's version once a mail (issue 12). Two
 * desks on one database (two stores on one PostgreSQL in the `pg` project, two connections to one SQLite file
 * here): when the other desk imports a new directory, the next mail this desk reads must already be read with it.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MailDesk } from "../src/app/mail-desk.js";
import type { Directory } from "../src/core/directory/types.js";
import { makeDesk, openTestStore, sampleDirectory, tempDir } from "./helpers.js";
import { mail, offlineDns, TEST_AUTHSERV_ID, template } from "./support/service.js";

const ALIAS = "Nhà văn hóa khu dân cư Liễu Giai";
const now = new Date("2026-12-07T02:00:00Z");

function withAlias(dir: Directory, code: string, alias: string): Directory {
  return {
    ...dir,
    endpoints: dir.endpoints.map((e) => (e.code === code ? { ...e, aliases: [...e.aliases, alias] } : e)),
  };
}

describe("the mail desk's directory across two desks on one database", () => {
  it("reads the next mail with the directory another desk just imported, never with its kept matcher", async () => {
    const path = join(tempDir(), "two-desks.db");
    const a = await makeDesk({}, path);
    await a.store.tx((r) => r.directory.replaceAll(sampleDirectory));
    const bStore = await openTestStore(path);
    const opts = {
      own: { addresses: ["kythuat@hanoi.gov.vn"], messageIdDomain: "desk.hanoi.gov.vn" },
      officialDomains: ["hanoi.gov.vn"],
      requireAuth: true,
      authservId: TEST_AUTHSERV_ID,
      resolver: offlineDns,
      maxBytes: 10 * 1024 * 1024,
      replyCapPerSender: 1000,
      replyCapPerBooking: 1000,
    };
    const deskA = new MailDesk(a, opts);
    const target = sampleDirectory.endpoints.find((e) => e.level === "commune")!;
    const ask = async (n: number) => {
      const res = await deskA.handle(
        mail({
          id: `version-${n}@hanoi.gov.vn`,
          from: "vanthu.sct@hanoi.gov.vn",
          body: template(n, `UBND phường Ngọc Hà, ${ALIAS}`, `từ 09h00 đến 11h00 ngày ${10 + n}/12/2026`),
        }),
        now,
      );
      expect(res.kind).toBe("registered");
      const booking = await a.store.read((r) => r.bookings.get((res as { code: string }).code));
      return booking!.request;
    };

    // Desk A reads a mail with the sample directory, which does not know the alias, and keeps its matcher.
    const before = await ask(1);
    expect(before.unresolved).toContain(ALIAS);
    expect(before.participants).not.toContain(target.code);
    // Read again with nothing changed: the same answer.
    expect((await ask(2)).unresolved).toContain(ALIAS);

    // The mail's key is recorded: asked again, it is a duplicate, looked up without its stored source.
    const raw1 = mail({
      id: "version-1@hanoi.gov.vn",
      from: "vanthu.sct@hanoi.gov.vn",
      body: template(1, `UBND phường Ngọc Hà, ${ALIAS}`, "từ 09h00 đến 11h00 ngày 11/12/2026"),
    });
    expect(await deskA.handle(raw1, now)).toEqual({ kind: "duplicate", key: "<version-1@hanoi.gov.vn>" });
    expect(await bStore.read((r) => r.inbound.has("mail", "<version-1@hanoi.gov.vn>"))).toBe(true);
    expect(await bStore.read((r) => r.inbound.has("mail", "<version-9@hanoi.gov.vn>"))).toBe(false);

    // Desk B, on its own connection, imports a directory in which the alias names the commune.
    await bStore.tx((r) => r.directory.replaceAll(withAlias(sampleDirectory, target.code, ALIAS)));

    // Desk A's next mail is read with B's directory.
    const after = await ask(3);
    expect(after.unresolved).not.toContain(ALIAS);
    expect(after.participants).toContain(target.code);

    // And back: B imports the sample directory again, A no longer knows the alias.
    await bStore.tx((r) => r.directory.replaceAll(sampleDirectory));
    const again = await ask(4);
    expect(again.unresolved).toContain(ALIAS);
    expect(again.participants).not.toContain(target.code);
  });
});
