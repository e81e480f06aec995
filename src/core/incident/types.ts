import type { FaultCategory, Route } from "./classify.js";

export type IncidentStatus = "open" | "acknowledged" | "dispatched" | "resolved";

export const INCIDENT_STATUS_VI: Record<IncidentStatus, string> = {
  open: "mới tiếp nhận",
  acknowledged: "đã có người nhận xử lý",
  dispatched: "đã chuyển xử lý",
  resolved: "đã khắc phục",
};

export interface Incident {
  code: string;
  endpoint: string | null;
  /** The session live at the endpoint when it was reported. */
  booking: string | null;
  category: FaultCategory;
  route: Route;
  status: IncidentStatus;
  /** `telegram:123` / `zalo:abc` / `system` */
  reporter: string;
  text: string;
  assignee: string | null;
  /** Reported by a chat account not linked to the directory ("chưa xác minh"); absent means verified. */
  unverified?: boolean;
  /** The major incident (storm) this report joined; absent or null otherwise. */
  major?: string | null;
  openedAt: Date;
  updatedAt: Date;
}

export function incidentCode(year: number, seq: number): string {
  return `SC-${year}-${String(seq).padStart(4, "0")}`;
}

export const INCIDENT_CODE_RE = /\bSC-(\d{4})-(\d+)\b/i;

/**
 * The incident code a technician typed, as the desk writes it: «sc-2026-1» and «SC-2026-0001» are the same
 * incident (it was «Không tìm thấy sự cố «sc-2026-1»»). Null when the text holds none.
 */
export function incidentCodeIn(text: string): string | null {
  const m = INCIDENT_CODE_RE.exec(text);
  return m ? `SC-${m[1]}-${m[2]!.padStart(4, "0")}` : null;
}
