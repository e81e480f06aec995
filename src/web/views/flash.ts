import type { Context } from "hono";

/** What a redirect after an action says on the next page: `?tb=KEY&ma=CODE`. Only known keys are shown. */
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

export function flashOf(c: Context): { kind: "ok" | "error"; text: string } | null {
  const key = c.req.query("tb") ?? "";
  // Own keys only: «?tb=constructor» would otherwise find Object's own and fail the page.
  const f = Object.hasOwn(FLASH, key) ? FLASH[key] : undefined;
  if (!f) return null;
  const code = c.req.query("ma") ?? "";
  return { kind: f.kind, text: f.text(CODE.test(code) ? code : "") };
}

/** The address to send the browser to after an action: the page, with the flash key and the code. */
export function withFlash(path: string, key: keyof typeof FLASH | string, code: string): string {
  const sep = path.includes("?") ? "&" : "?";
  return `${path}${sep}tb=${encodeURIComponent(key)}&ma=${encodeURIComponent(code)}`;
}
