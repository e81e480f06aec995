import type { AgencyKind, Regulation } from "../regulation.js";
import { chairKindOf } from "./kind.js";
import type { Directory, Endpoint, EndpointLevel, Role } from "./types.js";

/** One breach of the Quy chế found in a directory. */
export interface Violation {
  /** The article and clause, e.g. `"7.1"`. */
  article: string;
  agency: string;
  endpoints: string[];
  message: string;
}

const LEVEL_VI: Record<EndpointLevel, string> = {
  city: "cấp Thành phố",
  district: "cấp huyện",
  commune: "cấp xã",
};
const ROLE_VI: Partial<Record<Role, string>> = {
  leader: "lãnh đạo phụ trách",
  technician: "cán bộ kỹ thuật",
};
const ARTICLE_BY_LEVEL: Record<EndpointLevel, string> = { city: "7.1", district: "7.2", commune: "7.3" };

function quotaViolations(dir: Directory, reg: Regulation): Violation[] {
  const out: Violation[] = [];
  for (const agency of dir.agencies) {
    const own = dir.endpoints.filter((e) => e.agency === agency.name);
    for (const level of ["city", "district", "commune"] as const) {
      const atLevel = own.filter((e) => e.level === level);
      if (atLevel.length === 0) continue;
      if (level === "city" && reg.unlimitedQuotaKinds.includes(agency.kind)) continue;
      const limit = level === "commune" && agency.approvedQuota ? agency.approvedQuota : reg.quotas[level];
      if (atLevel.length <= limit) continue;
      const approval =
        level === "commune"
          ? " Muốn tăng số điểm cầu cấp xã cần ghi nhận văn bản chấp thuận của UBND Thành phố."
          : "";
      out.push({
        article: ARTICLE_BY_LEVEL[level],
        agency: agency.name,
        endpoints: atLevel.map((e) => e.code),
        message: `${agency.name} có ${atLevel.length} điểm cầu ${LEVEL_VI[level]}, vượt mức tối đa ${limit}.${approval}`,
      });
    }
  }
  return out;
}

function controlViolations(dir: Directory): Violation[] {
  const out: Violation[] = [];
  for (const e of dir.endpoints.filter((x) => x.control)) {
    if (e.level === "commune") {
      out.push({
        article: "10.1",
        agency: e.agency,
        endpoints: [e.code],
        message: `Điểm cầu ${e.code} (${e.name}) là cấp xã nên không được cấp quyền điều khiển Hệ thống.`,
      });
    }
    if (!e.vpnToken) {
      out.push({
        article: "10.2",
        agency: e.agency,
        endpoints: [e.code],
        message: `Điểm cầu ${e.code} (${e.name}) có quyền điều khiển nhưng chưa ghi nhận token VPN do cơ quan vận hành cấp.`,
      });
    }
  }
  return out;
}

function staffViolations(dir: Directory): Violation[] {
  const out: Violation[] = [];
  const byEndpoint = new Map<string, Role[]>();
  for (const p of dir.people) {
    if (!p.endpoint) continue;
    const roles = byEndpoint.get(p.endpoint) ?? [];
    roles.push(p.role);
    byEndpoint.set(p.endpoint, roles);
  }
  for (const e of dir.endpoints) {
    const roles = byEndpoint.get(e.code) ?? [];
    for (const role of ["leader", "technician"] as const) {
      const n = roles.filter((r) => r === role).length;
      if (n === 1) continue;
      out.push({
        article: "19.3",
        agency: e.agency,
        endpoints: [e.code],
        message: `Điểm cầu ${e.code} (${e.name}) có ${n} ${ROLE_VI[role]}; Quy chế yêu cầu đúng 01 người.`,
      });
    }
  }
  return out;
}

/** Every breach of Điều 7, 10 and 19.3 in a directory, sorted by article then agency. */
export function checkDirectory(dir: Directory, reg: Regulation): Violation[] {
  return [...quotaViolations(dir, reg), ...controlViolations(dir), ...staffViolations(dir)].sort(
    (a, b) =>
      a.article.localeCompare(b.article, "en", { numeric: true }) ||
      a.agency.localeCompare(b.agency, "vi") ||
      a.endpoints.join().localeCompare(b.endpoints.join()),
  );
}

export function endpointsOf(dir: Directory, agency: string): Endpoint[] {
  return dir.endpoints.filter((e) => e.agency === agency);
}

const CHAIR_VI: Partial<Record<AgencyKind, string>> = {
  party: "Thành ủy",
  assembly: "Đoàn ĐBQH thành phố",
  council: "HĐND Thành phố",
  government: "UBND Thành phố",
};

/**
 * Warnings, not breaches: an agency whose name or alias is one of the city's chairs (Điều 11.1) but whose
 * `kind` says otherwise. Its sessions would lose their priority and, for headquarters, be held to a quota.
 */
export function chairWarnings(dir: Directory): Violation[] {
  const out: Violation[] = [];
  for (const a of dir.agencies) {
    const chair = [a.name, ...a.aliases].map(chairKindOf).find(Boolean) ?? null;
    if (!chair || chair === a.kind) continue;
    out.push({
      article: "11.1",
      agency: a.name,
      endpoints: endpointsOf(dir, a.name).map((e) => e.code),
      message: `Tên «${a.name}» giống cơ quan chủ trì ${CHAIR_VI[chair]} (kind ${chair}) nhưng cột kind ghi «${a.kind}»: phiên họp của cơ quan này sẽ không được ưu tiên. Hãy sửa kind thành ${chair}, hoặc để trống để hệ thống tự nhận.`,
    });
  }
  return out;
}
