import { createHmac, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import type { WebEnv } from "../context.js";

/**
 * What a redirect after an action says on the next page: `?tb=KEY&ma=CODE&kt=SEAL`. Only known keys are shown, and
 * only with the seal of the session that acted: «/hom-nay?tb=da-huy&ma=HTT-2026-0005» sent to a technician showed
 * «Đã hủy lịch họp HTT-2026-0005…» in the desk's green although nothing had happened.
 */
const FLASH: Record<string, { kind: "ok" | "error"; text: (code: string) => string }> = {
  "da-dang-xuat": { kind: "ok", text: () => "Đã đăng xuất." },
  "da-duyet": {
    kind: "ok",
    text: (c) => `Đã xác nhận lịch họp ${c}; thư trả lời và tin nhóm đang được gửi.`,
  },
  "da-tu-choi": {
    kind: "ok",
    text: (c) => `Đã từ chối lịch họp ${c}; thư trả lời và tin nhóm đang được gửi.`,
  },
  "da-huy": {
    kind: "ok",
    text: (c) => `Đã hủy lịch họp ${c}; thư báo hủy (kèm thu hồi thư mời) và tin nhóm đang được gửi.`,
  },
  "da-doi-gio": {
    kind: "ok",
    text: (c) =>
      `Đã đổi thời gian lịch họp ${c} theo Quy chế; thư trả lời (kèm thư mời đã sửa) và tin nhóm đang được gửi.`,
  },
  "da-nhan": { kind: "ok", text: (c) => `Đã nhận xử lý sự cố ${c}.` },
  "da-chuyen": { kind: "ok", text: (c) => `Đã chuyển sự cố ${c}.` },
  "da-xong": { kind: "ok", text: (c) => `Đã ghi nhận sự cố ${c} được khắc phục.` },
  "da-mo": { kind: "ok", text: (c) => `Đã mở lại sự cố ${c}.` },
  "da-ghichu": { kind: "ok", text: (c) => `Đã thêm ghi chú cho sự cố ${c}.` },
  "da-mo-khoa": { kind: "ok", text: (c) => `Đã mở khóa tài khoản ${c}.` },
  "da-nhap-danh-ba": {
    kind: "ok",
    text: (c) => {
      const [a, e, p] = c.split("-");
      return `Đã nhập danh bạ: ${a ?? "?"} cơ quan, ${e ?? "?"} điểm cầu, ${p ?? "?"} người.`;
    },
  },
};

const CODE = /^[A-Za-z0-9@._-]{1,120}$/;

/** Said after signing out, when there is no session left to seal it with; it claims nothing done to anyone. */
const UNSEALED = new Set(["da-dang-xuat"]);

/** The seal of a notice for one session: keyed by the session's own secret (its CSRF secret), never sent alone. */
function seal(secret: string, key: string, code: string): string {
  return createHmac("sha256", secret).update(`flash\0${key}\0${code}`).digest("base64url").slice(0, 22);
}

export function flashOf(c: Context<WebEnv>): { kind: "ok" | "error"; text: string } | null {
  const key = c.req.query("tb") ?? "";
  // Own keys only: «?tb=constructor» would otherwise find Object's own and fail the page.
  const f = Object.hasOwn(FLASH, key) ? FLASH[key] : undefined;
  if (!f) return null;
  const code = c.req.query("ma") ?? "";
  if (!UNSEALED.has(key)) {
    const secret = c.get("user")?.csrf;
    const given = Buffer.from(c.req.query("kt") ?? "");
    const want = secret ? Buffer.from(seal(secret, key, code)) : null;
    if (!want || given.length !== want.length || !timingSafeEqual(given, want)) return null;
  }
  return { kind: f.kind, text: f.text(CODE.test(code) ? code : "") };
}

/** The address to send the browser to after an action: the page, with the flash key, the code and their seal. */
export function withFlash(
  c: Context<WebEnv>,
  path: string,
  key: keyof typeof FLASH | string,
  code: string,
): string {
  const sep = path.includes("?") ? "&" : "?";
  const secret = c.get("user")?.csrf;
  const sealed = secret ? `&kt=${seal(secret, key, code)}` : "";
  return `${path}${sep}tb=${encodeURIComponent(key)}&ma=${encodeURIComponent(code)}${sealed}`;
}
