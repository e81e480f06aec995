import { existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { setAsideChat } from "../src/app/chat/set-aside.js";
import { CliError, runCli } from "../src/app/cli/commands.js";
import { loadConfig } from "../src/app/config.js";
import { makeDesk, tempDir, testDb } from "./helpers.js";
import { mailDeskOf } from "./support/mail-desk.js";

const now = new Date("2026-12-07T02:05:00Z");

/** A desk with a mail set aside (the desk kept failing on it) and a chat update set aside, then closed. */
async function deskWithQuarantine() {
  const path = join(tempDir(), "desk.db");
  const desk = await makeDesk({}, path);
  const mailDesk = mailDeskOf(desk);
  const raw = Buffer.from(
    "From: vanthu.sct@hanoi.gov.vn\r\nMessage-ID: <odd@hanoi.gov.vn>\r\nSubject: x\r\n\r\nĐăng ký họp ngày 10/12\r\n",
  );
  const out = await mailDesk.setAside(raw, now, 3);
  if (out.kind !== "quarantined") throw new Error(`unexpected ${out.kind}`);
  await mailDesk.setAside(Buffer.concat([raw, Buffer.from("Thư thứ hai\r\n")]), now, 3);
  await setAsideChat(
    desk,
    {
      platform: "telegram",
      chatId: "-100777",
      chatType: "group",
      userId: "42",
      userName: "Hà",
      text: "mất tiếng",
      button: null,
      updateId: "9001",
    },
    3,
    now,
  );
  await desk.store.close();
  const config = loadConfig({ DESK_DB: await testDb(path) });
  const lines: string[] = [];
  const cli = async (...argv: string[]) => {
    lines.length = 0;
    await runCli(argv, config, { out: (t) => lines.push(t), now: () => now });
    return lines.join("\n");
  };
  return { raw, key: out.key, cli };
}

describe("mail quarantine: what the desk set aside, listed and written out", () => {
  it("lists mail and chat updates set aside, and writes one's raw text out byte for byte", async () => {
    const { raw, key, cli } = await deskWithQuarantine();
    const list = await cli("mail", "quarantine");
    expect(list).toContain(key);
    expect(list).toContain("hệ thống gặp lỗi 3 lần liên tiếp khi xử lý thư này");
    expect(list).toContain("Telegram");
    expect(list).toContain("9001");

    // By the prefix the notice prints («mã lưu sha256:0123456789abcdef…»).
    const file = join(tempDir(), "thu.eml");
    const said = await cli("mail", "quarantine", "export", `${key.slice(0, 23)}…`, file);
    expect(readFileSync(file)).toEqual(raw);
    expect(said).toContain(`Đã ghi ${raw.length} byte của thư «${key}» ra ${file}.`);
    expect(said).toContain(`npm run cli -- mail ingest ${file}`);

    const json = join(tempDir(), "tin.json");
    await cli("mail", "quarantine", "export", "9001", json);
    expect(JSON.parse(readFileSync(json, "utf8"))).toMatchObject({ platform: "telegram", text: "mất tiếng" });
  });

  it("refuses in Vietnamese: an unknown key, an ambiguous prefix, an existing file, a wrong usage", async () => {
    const { cli } = await deskWithQuarantine();
    const refusal = async (...argv: string[]) => {
      const err = await cli(...argv).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CliError);
      return err as CliError;
    };
    expect((await refusal("mail", "quarantine", "export", "khong-co", "x.eml")).message).toBe(
      "Không có thư hay tin nhắn nào bị cách ly với mã «khong-co».",
    );
    const ambiguous = await refusal("mail", "quarantine", "export", "sha256:", "x.eml");
    expect(ambiguous.message).toMatch(
      /^Mã «sha256:» khớp 2 thư\/tin nhắn bị cách ly; hãy ghi mã đầy đủ:\n {2}sha256:/,
    );
    expect((await refusal("mail", "quarantine", "export", "", "x.eml")).exitCode).toBe(2);
    const taken = join(tempDir(), "co-roi.eml");
    writeFileSync(taken, "giữ nguyên");
    expect((await refusal("mail", "quarantine", "export", "9001", taken)).message).toBe(
      `Tệp ${taken} đã có; hãy chọn tên khác (không ghi đè).`,
    );
    expect(readFileSync(taken, "utf8")).toBe("giữ nguyên");
    const usage = await refusal("mail", "quarantine", "xem");
    expect(usage.exitCode).toBe(2);
    expect(usage.message).toContain("mail quarantine export MÃ TỆP");
  });

  it("writes the raw text for its owner only (it may be a secret session's mail), and never through a symlink", async () => {
    const { key, cli } = await deskWithQuarantine();
    const dir = tempDir();
    const file = join(dir, "thu.eml");
    const old = process.umask(0o022);
    try {
      await cli("mail", "quarantine", "export", key, file);
    } finally {
      process.umask(old);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // A link planted at the target (dangling, or to a file the operator may write) is refused, the target untouched.
    const victim = join(dir, "cau-hinh.env");
    writeFileSync(victim, "giữ nguyên");
    for (const [link, to] of [
      [join(dir, "lien-ket.eml"), victim],
      [join(dir, "treo.eml"), join(dir, "chua-co.eml")],
    ] as const) {
      symlinkSync(to, link);
      const err = await cli("mail", "quarantine", "export", key, link).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(CliError);
    }
    expect(readFileSync(victim, "utf8")).toBe("giữ nguyên");
    expect(existsSync(join(dir, "chua-co.eml"))).toBe(false);
  });
});
