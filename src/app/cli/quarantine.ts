import { writeFileSync } from "node:fs";
import { formatVi } from "../../core/calendar/zone.js";
import type { Store } from "../../store/store.js";
import { table } from "./table.js";

export const QUARANTINE_USAGE = `  mail quarantine                      thư và tin nhắn đã cách ly hoặc để riêng (không xử lý tự động được)
  mail quarantine export MÃ TỆP        ghi nội dung gốc của một thư (.eml) hoặc tin nhắn (.json) đã cách ly ra TỆP;
                                       MÃ là Message-ID, mã cập nhật hoặc phần đầu «sha256:…» in trong thông báo`;

const CHANNEL_VI: Record<string, string> = { mail: "thư", telegram: "Telegram", zalo: "Zalo" };

/**
 * `mail quarantine [export KEY FILE]`: what the desk set aside (mail it could not read, chat updates it kept failing
 * on) is kept with its raw text; a technician lists it and writes one out, to read it or `mail ingest` it again.
 */
export async function quarantineCommand(
  argv: string[],
  deps: {
    store: Store;
    zone: string;
    out(text: string): void;
    fail(message: string, exitCode?: number): never;
  },
): Promise<void> {
  const { store, zone, out, fail } = deps;
  const list = await store.read((r) => r.inbound.list("quarantined"));
  if (argv.length === 0) {
    if (list.length === 0) return out("Không có thư hay tin nhắn nào bị cách ly.");
    return out(
      table(
        ["Lúc nhận", "Kênh", "Mã", "Lý do"],
        list.map((m) => [
          formatVi(m.receivedAt, zone),
          CHANNEL_VI[m.channel] ?? m.channel,
          m.key,
          m.detail ?? "",
        ]),
      ),
    );
  }
  const [sub, key, file, ...extra] = argv;
  if (sub !== "export" || !key || !file || extra.length) return fail(`Cách dùng:\n${QUARANTINE_USAGE}`, 2);
  // A Message-ID may be given with or without its angle brackets; a hash by the prefix the notice printed.
  const wanted = key.replace(/^<(.*)>$/, "$1").replace(/…$/, "");
  const found = list.filter((m) => m.key === wanted || m.key === `<${wanted}>` || m.key.startsWith(wanted));
  if (found.length === 0) return fail(`Không có thư hay tin nhắn nào bị cách ly với mã «${key}».`);
  if (found.length > 1)
    return fail(
      `Mã «${key}» khớp ${found.length} thư/tin nhắn bị cách ly; hãy ghi mã đầy đủ:\n${found.map((m) => `  ${m.key}`).join("\n")}`,
    );
  const m = found[0]!;
  const row = await store.read((r) => r.inbound.get(m.channel, m.key));
  if (!row?.raw) return fail(`Thư/tin nhắn «${m.key}» được cách ly nhưng không giữ nội dung gốc.`);
  try {
    // Never over an existing file or through a link planted at the path (O_EXCL); readable by the operator only:
    // a set-aside mail may be a secret session's (Điều 5.2).
    writeFileSync(file, row.raw, { flag: "wx", mode: 0o600 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    fail(
      code === "EEXIST"
        ? `Tệp ${file} đã có; hãy chọn tên khác (không ghi đè).`
        : `Không ghi được tệp ${file} (${code ?? (err as Error).message}).`,
    );
  }
  out(
    `Đã ghi ${row.raw.length} byte của ${CHANNEL_VI[m.channel] ?? m.channel} «${m.key}» ra ${file}.` +
      (m.channel === "mail"
        ? ` Khi đã khắc phục, có thể xử lý lại bằng «npm run cli -- mail ingest ${file}».`
        : ""),
  );
}
