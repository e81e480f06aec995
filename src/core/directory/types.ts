import type { AgencyKind } from "../regulation.js";

export type EndpointLevel = "city" | "district" | "commune";
export const ENDPOINT_LEVELS: readonly EndpointLevel[] = ["city", "district", "commune"];

export type Role = "leader" | "technician" | "mcu-technician" | "wan-duty" | "admin";
export const ROLES: readonly Role[] = ["leader", "technician", "mcu-technician", "wan-duty", "admin"];
/** Roles held at an endpoint (Điều 19.3); the others belong to the desk. */
export const ENDPOINT_ROLES: readonly Role[] = ["leader", "technician"];

export const AGENCY_KINDS: readonly AgencyKind[] = [
  "party",
  "assembly",
  "council",
  "government",
  "front",
  "department",
  "security",
  "military",
  "board",
  "commune",
  "district",
  "other",
];

/** Each kind as the desk's operators read it (the CSV keeps the English code). */
export const AGENCY_KIND_VI: Record<AgencyKind, string> = {
  party: "Thành ủy",
  assembly: "Đoàn ĐBQH thành phố",
  council: "HĐND Thành phố",
  government: "UBND Thành phố",
  front: "Mặt trận Tổ quốc, đoàn thể",
  department: "Sở, ngành",
  security: "Công an",
  military: "Quân sự",
  board: "Ban quản lý",
  commune: "UBND phường, xã",
  district: "Cấp huyện",
  other: "Khác",
};

export interface Agency {
  name: string;
  kind: AgencyKind;
  /** Official mailboxes (Điều 12.2a), lower case. */
  mailboxes: string[];
  aliases: string[];
  /** Điều 7.3: the city's approval for more than one commune endpoint. */
  approvedQuota: number | null;
  approvalRef: string | null;
  /**
   * Điều 11.1: the chair (Thành ủy, HĐND, UBND Thành phố …) whose sessions this office notifies, as Văn phòng UBND
   * Thành phố does for UBND Thành phố. Its notice of a session the chair chairs is the chair's booking.
   */
  notifiesFor?: string | null;
}

export interface Endpoint {
  code: string;
  name: string;
  level: EndpointLevel;
  agency: string;
  aliases: string[];
  /** Điều 10: control rights and the VPN token the operator issued for them. */
  control: boolean;
  vpnToken: string | null;
  /** Address the MCU dials (SIP/H.323), when known. */
  dial: string | null;
}

export interface Person {
  name: string;
  phone: string | null;
  email: string | null;
  endpoint: string | null;
  role: Role;
  telegramId: string | null;
  zaloId: string | null;
}

export interface Directory {
  agencies: Agency[];
  endpoints: Endpoint[];
  people: Person[];
}
