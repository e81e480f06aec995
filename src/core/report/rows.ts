/** Raw rows a report is computed from: read-only, one query per table, joined in memory by the pure core. */
export interface ReportRows {
  bookings: {
    code: string;
    status: string;
    host: string | null;
    hostEndpoint: string | null;
    startAt: number | null;
    endAt: number | null;
    emergency: boolean;
    secret: boolean;
    recording: boolean;
    priority: number;
    ports: number;
    channel: string;
    receivedAt: number;
  }[];
  bookingEndpoints: { booking: string; endpoint: string; role: string }[];
  bookingEvents: {
    booking: string;
    at: number;
    fromStatus: string | null;
    toStatus: string;
    channel: string;
    reason: string;
  }[];
  /** Outbox rows that matter to the service levels (technical-check notices), with the time they were written. */
  outbox: { booking: string; kind: string; createdAt: number }[];
  incidents: {
    code: string;
    endpoint: string | null;
    booking: string | null;
    category: string;
    route: string;
    reporter: string;
    openedAt: number;
  }[];
  incidentEvents: { incident: string; at: number; actor: string; action: string }[];
  endpoints: { code: string; level: string; agency: string }[];
  agencies: { name: string; kind: string }[];
}
