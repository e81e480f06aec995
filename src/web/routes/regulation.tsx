import { Hono } from "hono";
import { AGENCY_KIND_VI } from "../../core/directory/types.js";
import type { Regulation } from "../../core/regulation.js";
import { requireUser, type WebCtx, type WebEnv } from "../context.js";
import { addNav, Layout } from "../views/layout.js";

addNav({ href: "/cau-hinh", label: "Cấu hình", order: 80 });

function duration(minutes: number): string {
  if (minutes % 60 !== 0) return `${minutes} phút`;
  const h = minutes / 60;
  return h % 24 === 0 && h >= 24 ? `${h / 24} ngày (${h} giờ)` : `${h} giờ`;
}

export interface RegulationRow {
  label: string;
  value: string;
  /** The article of Decision 3125/QĐ-UBND the value comes from, or null for the desk's own operating values. */
  article: string | null;
  /** The environment variable that overrides it, when one does. */
  env: string | null;
}

/** The values in force, each with its article and the variable that sets it (src/app/config.ts). */
export function regulationRows(reg: Regulation): RegulationRow[] {
  return [
    {
      label: "Thời hạn đăng ký trước phiên họp thông thường",
      value: duration(reg.leadTimeMinutes.normal),
      article: "Điều 12.2a",
      env: "DESK_LEAD_TIME_HOURS",
    },
    {
      label: "Thời hạn đăng ký trước phiên họp khẩn",
      value: duration(reg.leadTimeMinutes.emergency),
      article: "Điều 12.2a",
      env: "DESK_EMERGENCY_LEAD_TIME_HOURS",
    },
    {
      label: "Thời hạn trả lời đăng ký",
      value: duration(reg.answerWithinMinutes),
      article: "Điều 12.2b",
      env: "DESK_ANSWER_WITHIN_MINUTES",
    },
    {
      label: "Nhắc trả lời sau",
      value: duration(reg.answerReminderMinutes),
      article: "Điều 12.2b",
      env: "DESK_ANSWER_REMINDER_MINUTES",
    },
    {
      label: "Kiểm tra kỹ thuật chậm nhất trước giờ họp",
      value: duration(reg.technicalCheckBeforeMinutes),
      article: "Điều 12.2b",
      env: "DESK_CHECK_BEFORE_MINUTES",
    },
    {
      label: "Bàn giao bản ghi hình trong",
      value: `${reg.recordingHandoverWorkingDays} ngày làm việc`,
      article: "Điều 14.2",
      env: "DESK_HANDOVER_WORKING_DAYS",
    },
    {
      label: "Số điểm cầu tối đa cấp Thành phố mỗi cơ quan",
      value: String(reg.quotas.city),
      article: "Điều 7.1",
      env: null,
    },
    {
      label: "Cơ quan không giới hạn điểm cầu cấp Thành phố",
      value: reg.unlimitedQuotaKinds.map((k) => AGENCY_KIND_VI[k]).join(", "),
      article: "Điều 7.1",
      env: null,
    },
    {
      label: "Số điểm cầu tối đa cấp huyện mỗi cơ quan",
      value: String(reg.quotas.district),
      article: "Điều 7.2",
      env: null,
    },
    {
      label: "Số điểm cầu tối đa cấp xã (trừ khi được chấp thuận)",
      value: String(reg.quotas.commune),
      article: "Điều 7.3",
      env: null,
    },
    {
      label: "Cơ quan chủ trì được ưu tiên (thông báo thay vì đăng ký)",
      value: reg.chairKinds.map((k) => AGENCY_KIND_VI[k]).join(", "),
      article: "Điều 11.1",
      env: null,
    },
    {
      label: "Năng lực MCU: số cổng (kết nối điểm cầu)",
      value: String(reg.mcu.ports),
      article: null,
      env: "DESK_MCU_PORTS",
    },
    {
      label: "Năng lực MCU: số phòng họp đồng thời",
      value: String(reg.mcu.conferences),
      article: null,
      env: "DESK_MCU_CONFERENCES",
    },
    {
      label: "Khoảng nghỉ giữa hai phiên trên một điểm cầu",
      value: duration(reg.setupGapMinutes),
      article: null,
      env: "DESK_SETUP_GAP_MINUTES",
    },
    {
      label: "Giờ làm việc",
      value: `${reg.workday.start}–${reg.workday.end}`,
      article: null,
      env: "DESK_WORKDAY_START, DESK_WORKDAY_END",
    },
    {
      label: "Thời lượng mặc định khi đăng ký không ghi giờ kết thúc",
      value: duration(reg.defaultDurationMinutes),
      article: null,
      env: "DESK_DEFAULT_DURATION_MINUTES",
    },
    {
      label: "Số khung giờ thay thế đề xuất khi từ chối",
      value: String(reg.alternatives),
      article: null,
      env: null,
    },
    {
      label: "Đăng ký xa hơn mức này chuyển cán bộ kỹ thuật xem xét",
      value: `${reg.horizonMonths} tháng`,
      article: null,
      env: "DESK_BOOKING_HORIZON_MONTHS",
    },
    { label: "Múi giờ", value: reg.zone, article: null, env: "DESK_TZ" },
  ];
}

/** Cấu hình: the regulation's values in force, read-only. */
export function regulationRoutes(ctx: WebCtx): Hono<WebEnv> {
  const app = new Hono<WebEnv>();
  app.get("/cau-hinh", requireUser, (c) => {
    const rows = regulationRows(ctx.desk.reg);
    return c.html(
      <Layout title="Cấu hình" user={c.get("user")!} current="/cau-hinh">
        <p>
          Các giá trị của Quy chế (Quyết định 3125/QĐ-UBND) đang áp dụng, chỉ để xem. Muốn đổi, quản trị viên
          sửa biến môi trường tương ứng rồi khởi động lại dịch vụ.
        </p>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Quy định</th>
                <th scope="col">Giá trị</th>
                <th scope="col">Căn cứ</th>
                <th scope="col">Biến cấu hình</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr>
                  <td>{r.label}</td>
                  <td>
                    <strong>{r.value}</strong>
                  </td>
                  <td>{r.article ?? "Quy trình vận hành của bàn kỹ thuật"}</td>
                  <td>{r.env ? <code>{r.env}</code> : "không (theo Quy chế)"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Layout>,
    );
  });
  return app;
}
