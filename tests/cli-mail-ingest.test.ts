import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/app/cli/commands.js";
import { loadConfig, ROOT } from "../src/app/config.js";
import { Store } from "../src/store/store.js";
import { at, sampleDirectory, tempDir, testDb } from "./helpers.js";
import { SmtpSink } from "./support/servers.js";
import { mail, TEST_AUTHSERV_ID, template } from "./support/service.js";

const NOW = at("2026-12-07", "08:35");

/** A store holding the sample directory, and a saved .eml of a clerk's booking. */
async function setup(id = "luu-tu-outlook@hanoi.gov.vn") {
  const dir = tempDir();
  // The suite's database: a SQLite file, or the PostgreSQL database standing for it (its URL).
  const db = await testDb(join(dir, "desk.db"));
  const store = await Store.connect(db);
  await store.tx((r) => r.directory.replaceAll(sampleDirectory));
  await store.close();
  const file = join(dir, "dang-ky.eml");
  writeFileSync(file, mail({ id, body: template(7) }));
  return { dir, db, file };
}

async function ingest(env: Record<string, string>, files: string[]) {
  const lines: string[] = [];
  await runCli(
    ["mail", "ingest", ...files],
    loadConfig({ DESK_MAIL_AUTHSERV_ID: TEST_AUTHSERV_ID, ...env }),
    {
      out: (t) => lines.push(t),
      now: () => NOW,
    },
  );
  return lines.join("\n");
}

async function state(db: string) {
  const store = await Store.connect(db);
  try {
    return await store.read(async (r) => ({
      bookings: (await r.bookings.list()).map((b) => [b.code, b.status]),
      inbound: await r.inbound.get("mail", "<luu-tu-outlook@hanoi.gov.vn>"),
      mail: (await r.outbox.list()).filter((m) => m.channel === "mail").map((m) => m.status),
    }));
  } finally {
    await store.close();
  }
}

describe("mail ingest: a saved mail through the same desk as IMAP", () => {
  const sink = new SmtpSink();
  beforeAll(() => sink.start());
  afterAll(() => sink.stop());

  it("without SMTP prints the answer; the same Message-ID twice is processed once", async () => {
    const { db, file } = await setup();
    const first = await ingest({ DESK_DB: db }, [file]);
    expect(first).toContain(`${file}: đăng ký mới HTT-2026-0001: ĐÃ XÁC NHẬN.`);
    expect(first).toContain(
      "Chưa cấu hình SMTP (DESK_SMTP_HOST): đề nghị chuyển thư trả lời dưới đây tới vanthu.sct@hanoi.gov.vn.",
    );
    expect(first).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");
    expect(first).toContain("Thời gian: 09:00–11:00 Thứ Năm, 10/12/2026.");
    const again = await ingest({ DESK_DB: db }, [file, file]);
    const lines = again.split("\n").filter((l) => l.startsWith(file));
    expect(lines.map((l) => l.replace(/ \(mã theo dõi trong nhật ký: m-[0-9a-f]+\)$/, ""))).toEqual([
      `${file}: thư <luu-tu-outlook@hanoi.gov.vn> đã được xử lý trước đó; không làm gì thêm.`,
      `${file}: thư <luu-tu-outlook@hanoi.gov.vn> đã được xử lý trước đó; không làm gì thêm.`,
    ]);
    // Each mail runs under its own correlation id, printed so that one grep of the log finds its lines.
    const ids = lines.map((l) => /\(mã theo dõi trong nhật ký: (m-[0-9a-f]+)\)$/.exec(l)?.[1]);
    expect(ids.every(Boolean)).toBe(true);
    expect(new Set(ids).size).toBe(2);
    expect(again).not.toContain("Lịch họp HTT-2026-0001");
    const s = await state(db);
    expect(s.bookings).toEqual([["HTT-2026-0001", "confirmed"]]);
    expect(s.inbound?.booking).toBe("HTT-2026-0001");
    // The printed answer is not sent a second time by a later start of the service.
    expect(s.mail).toEqual(["sent"]);
  });

  it("with SMTP configured the answer reaches the server, threaded, with its invite", async () => {
    const { db, file } = await setup();
    const env = {
      DESK_DB: db,
      DESK_SMTP_HOST: "127.0.0.1",
      DESK_SMTP_PORT: String(sink.port),
      DESK_SMTP_TLS: "none",
    };
    const before = sink.messages.length;
    const out = await ingest(env, [file]);
    expect(out).toContain("Đã gửi thư trả lời tới vanthu.sct@hanoi.gov.vn qua SMTP.");
    expect(out).not.toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");
    expect(sink.messages.length).toBe(before + 1);
    const reply = sink.messages.at(-1)!.parsed;
    expect(reply.inReplyTo).toBe("<luu-tu-outlook@hanoi.gov.vn>");
    expect(reply.subject).toBe("Re: Đăng ký lịch họp trực tuyến [HTT-2026-0001]");
    expect(reply.text).toContain("Lịch họp HTT-2026-0001: ĐÃ XÁC NHẬN.");
    expect(reply.attachments.some((a) => a.contentType.startsWith("text/calendar"))).toBe(true);
    await ingest(env, [file]);
    expect(sink.messages.length).toBe(before + 1);
    expect((await state(db)).mail).toEqual(["sent"]);
  });

  it("refuses to run on an empty directory, saying what to do", async () => {
    const dir = tempDir();
    const file = join(dir, "a.eml");
    writeFileSync(file, mail({ id: "x@hanoi.gov.vn", body: template(1) }));
    const empty = await testDb(join(dir, "empty.db"));
    await expect(ingest({ DESK_DB: empty }, [file])).rejects.toThrow(
      "Hãy chạy «npm run cli -- directory import DIR» trước.",
    );
    await expect(ingest({ DESK_DB: empty }, [])).rejects.toThrow(
      "Cách dùng: npm run cli -- mail ingest TỆP.eml...",
    );
  });

  it("a saved mail is held to the same authenticity rule as IMAP: no trusted verdict, no booking, no answer", async () => {
    const { dir, db } = await setup();
    const forged = join(dir, "gia-mao.eml");
    // The forger's own header claims a pass, but from an authserv-id the desk does not trust.
    writeFileSync(
      forged,
      mail({
        id: "gia-mao@hanoi.gov.vn",
        body: template(7),
        headers: { "Authentication-Results": "mx.ke-gia-mao.example; dmarc=pass header.from=hanoi.gov.vn" },
      }),
    );
    const out = await ingest({ DESK_DB: db }, [forged]);
    expect(out).toContain(`${forged}: từ chối: thư không được xác thực`);
    expect(out).not.toContain("not-authenticated");
    const store = await Store.connect(db);
    try {
      const { bookings, mails } = await store.read(async (r) => ({
        bookings: await r.bookings.list(),
        mails: (await r.outbox.list()).filter((m) => m.channel === "mail"),
      }));
      expect(bookings).toEqual([]);
      expect(mails).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it("`npm run cli -- mail ingest` runs it from the command line", async () => {
    const { db, file } = await setup();
    const run = () =>
      spawnSync(
        process.execPath,
        ["--import", "tsx", join(ROOT, "src/app/cli/main.ts"), "mail", "ingest", file],
        {
          cwd: ROOT,
          env: { ...process.env, DESK_DB: db, DESK_MAIL_AUTHSERV_ID: TEST_AUTHSERV_ID },
          encoding: "utf8",
        },
      );
    const first = run();
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("đăng ký mới HTT-2026-0001");
    const second = run();
    expect(second.status).toBe(0);
    expect(second.stdout).toContain("đã được xử lý trước đó");
    expect((await state(db)).bookings).toHaveLength(1);
  }, 180_000);
});
