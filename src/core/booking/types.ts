export type Channel = "mail" | "telegram" | "zalo" | "cli" | "web" | "system";

/** The Điều 12.2a fields a registration must carry. */
export type RequiredField = "host" | "participants" | "start" | "title" | "contact";
export const REQUIRED_FIELDS: readonly RequiredField[] = [
  "host",
  "participants",
  "start",
  "title",
  "contact",
];

export interface Contact {
  name: string;
  phone: string;
}

/** A registration as a channel understood it, before any rule looked at it. */
export interface BookingRequest {
  /** Host agency name, as in the directory, or null when the request does not say. */
  host: string | null;
  /**
   * The endpoint the session is hosted at when a mail named one other than the host agency's own («Điểm cầu chủ
   * trì: Hội trường UBND phường Ngọc Hà», «đổi điểm cầu chủ trì sang …»). Absent: the host agency's own
   * (`hostEndpointOf`).
   */
  hostEndpoint?: string | null;
  /** Participant endpoint codes (known or not: the rules check them). */
  participants: string[];
  /** Participant phrases that matched no endpoint, kept for the answer. */
  unresolved: string[];
  start: Date | null;
  end: Date | null;
  /**
   * The local day («YYYY-MM-DD») a mail gave without an hour («buổi sáng ngày 24/12»), kept while `start` is null
   * so that a reply giving the hour alone («8h30») books it. Null once the session has a start.
   */
  day?: string | null;
  title: string | null;
  contact: Contact | null;
  emergency: boolean;
  /** Điều 5.2, 11.5: state-secret content; no channel may carry it. */
  secret: boolean;
  /**
   * The secrecy mark was ambiguous (src/core/booking/secret.ts): `secret` is true and stays so until a technician
   * confirms the booking (it stays secret) or declassifies it. Stored as the `secret-unsure` reason.
   */
  secretUnsure?: boolean;
  recording: boolean;
  /** Use of the online meeting room at UBND TP headquarters. */
  cityHallRoom: boolean;
  otherSupport: string | null;
  receivedAt: Date;
  channel: Channel;
  /** Mailbox or chat identity that sent it. */
  sender: string;
}

export type BookingStatus =
  | "received"
  | "needs-info"
  | "needs-review"
  | "confirmed"
  | "rejected"
  | "cancelled"
  | "checked"
  | "live"
  | "ended"
  | "handed-over";

/** Statuses in which a booking holds its endpoints, the room and MCU capacity. */
export const HOLDING_STATUSES: readonly BookingStatus[] = ["needs-review", "confirmed", "checked", "live"];

/** Điều 11: chairs notify, emergencies come next, everyone else registers. Higher wins. */
export type Priority = 1 | 2 | 3;
export const PRIORITY = { normal: 1, emergency: 2, chair: 3 } as const;

export interface Booking {
  code: string;
  status: BookingStatus;
  request: BookingRequest;
  /** The host agency's endpoint that hosts the session, when the host has one. */
  hostEndpoint: string | null;
  priority: Priority;
  reasons: ReasonCode[];
  missing: RequiredField[];
  /** Bumped on every change the invitee must see (iCalendar SEQUENCE). */
  sequence: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A booking as the conflict rules see it. */
export interface SlotHolder {
  code: string;
  priority: Priority;
  /**
   * The booking's endpoints among those the caller asked about (a store may leave out the others: the rules only
   * ask whether endpoints are shared).
   */
  endpoints: string[];
  /** MCU ports the session takes: one per endpoint it connects. */
  ports: number;
  start: Date;
  end: Date;
  cityHallRoom: boolean;
  createdAt: Date;
}

export type ReasonCode =
  | "missing-fields"
  | "unknown-endpoint"
  | "unknown-host"
  | "invalid-time"
  | "too-far-ahead"
  | "late"
  | "in-the-past"
  | "endpoint-busy"
  | "mcu-capacity"
  | "room-busy"
  | "not-official-sender"
  | "host-not-sender"
  | "secret-unsure"
  /** A technician refused a booking in review, with a reason of their own words. */
  | "desk-refused";

/** Each reason code as a person reads it (audit trail, CLI, reports). */
export const REASON_VI: Record<ReasonCode, string> = {
  "missing-fields": "Thiếu thông tin theo Điều 12.2a",
  "unknown-endpoint": "Điểm cầu không có trong danh bạ",
  "unknown-host": "Cơ quan chủ trì không có trong danh bạ",
  "invalid-time": "Thời gian không hợp lệ",
  "too-far-ahead": "Thời gian quá xa so với hiện tại",
  late: "Đăng ký muộn so với thời hạn",
  "in-the-past": "Thời gian đã qua",
  "endpoint-busy": "Trùng điểm cầu",
  "mcu-capacity": "Vượt năng lực MCU",
  "room-busy": "Trùng phòng họp trực tuyến UBND TP",
  "not-official-sender": "Không gửi từ hộp thư công vụ",
  "host-not-sender": "Cơ quan chủ trì khác cơ quan gửi thư đăng ký",
  "secret-unsure": "Có dấu hiệu mật chưa rõ, chờ cán bộ kỹ thuật xác định",
  "desk-refused": "Cán bộ kỹ thuật từ chối",
};

export type Outcome = "confirmed" | "needs-info" | "needs-review" | "rejected";

export interface Reason {
  code: ReasonCode;
  /** One Vietnamese sentence a clerk can act on. */
  message: string;
  endpoints?: string[];
  bookings?: string[];
}

export interface Slot {
  start: Date;
  end: Date;
}

export interface Decision {
  outcome: Outcome;
  reasons: Reason[];
  missing: RequiredField[];
  /** Codes of lower-priority bookings this one pushes to needs-review. */
  displaced: string[];
  priority: Priority;
  /** Free slots near the requested one; filled on rejection. */
  alternatives: Slot[];
}
