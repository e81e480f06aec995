import { generateKeyPairSync } from "node:crypto";
import { dkimSign } from "mailauth";
import type { Desk } from "../../src/app/desk.js";
import { MailDesk } from "../../src/app/mail-desk.js";
import type { DnsResolver } from "../../src/mail/authenticity.js";

/** The boundary MX of the tests' network. */
export const AUTHSERV = "mx.hanoi.gov.vn";
/** Monday 08:35 in Hanoi: the template's meeting on Thursday 10/12 is well within the lead time. */
export const NOW = new Date("2026-12-07T01:35:00Z");

/** A raw mail with the given headers on top, in this order (Authentication-Results included). */
export function rawMail(opts: {
  id: string;
  from: string;
  body: string;
  subject?: string;
  /** The To line's address (the desk's mailbox unless given), and a Cc line when given. */
  to?: string;
  cc?: string;
  /** Header lines above From, topmost first: e.g. `Authentication-Results: …`. */
  top?: string[];
  extra?: string[];
}): Buffer {
  const subject = Buffer.from(opts.subject ?? "Đăng ký lịch họp trực tuyến").toString("base64");
  const lines = [
    ...(opts.top ?? []),
    `From: =?utf-8?b?${Buffer.from("Văn thư").toString("base64")}?= <${opts.from}>`,
    `To: ${opts.to ?? "kythuat@hanoi.gov.vn"}`,
    ...(opts.cc ? [`Cc: ${opts.cc}`] : []),
    `Subject: =?utf-8?b?${subject}?=`,
    "Date: Mon, 07 Dec 2026 08:30:00 +0700",
    `Message-ID: <${opts.id}>`,
    "MIME-Version: 1.0",
    'Content-Type: text/plain; charset="utf-8"',
    "Content-Transfer-Encoding: base64",
    ...(opts.extra ?? []),
  ];
  const body = Buffer.from(opts.body).toString("base64").replace(/.{76}/g, "$&\r\n");
  return Buffer.from(`${lines.join("\r\n")}\r\n\r\n${body}\r\n`);
}

/** A stub DNS: TXT records by name; everything else does not exist. Counts the lookups it answers. */
export class StubDns {
  readonly txt = new Map<string, string>();
  lookups = 0;
  readonly resolve: DnsResolver = async (name, rrtype) => {
    this.lookups++;
    const rec = rrtype === "TXT" ? this.txt.get(name.toLowerCase()) : undefined;
    if (rec === undefined) {
      throw Object.assign(new Error(`query${rrtype} ENOTFOUND ${name}`), { code: "ENOTFOUND" });
    }
    // TXT answers are chunks of at most 255 characters.
    return [rec.match(/.{1,255}/g) ?? [""]];
  };

  dmarc(domain: string, record: string): void {
    this.txt.set(`_dmarc.${domain}`, record);
  }
}

/** A DKIM key of the test's own, its public half published in the stub DNS under `selector._domainkey.domain`. */
export class DkimKey {
  private readonly privateKey: string;

  constructor(
    dns: StubDns,
    readonly domain: string,
    readonly selector = "desk2026",
  ) {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    this.privateKey = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    const pub = pair.publicKey.export({ type: "spki", format: "der" }).toString("base64");
    dns.txt.set(`${selector}._domainkey.${domain}`, `v=DKIM1; k=rsa; p=${pub}`);
  }

  /**
   * `headerList`: the fields to sign (`From:Subject:…`); mailauth's default list (Date, Message-ID…) without it.
   * `bodyLength`: an `l=` tag, the signature covering only that many bytes of the (canonical) body.
   */
  async sign(raw: Buffer, headerList?: string, bodyLength?: number): Promise<Buffer> {
    const signed = await dkimSign(raw, {
      ...(headerList ? { headerList } : {}),
      // A fixed t=: without it mailauth 4.13 reads the clock twice while signing (hash, then header), and a
      // signature made across a half-second boundary does not verify (about 1 in 100).
      signTime: new Date(),
      signatureData: [
        {
          signingDomain: this.domain,
          selector: this.selector,
          privateKey: this.privateKey,
          ...(bodyLength === undefined ? {} : { maxBodyLength: bodyLength }),
        },
      ],
    } as unknown as Parameters<typeof dkimSign>[1]);
    if (!signed.signatures) throw new Error("mailauth produced no signature");
    return Buffer.concat([Buffer.from(signed.signatures), raw]);
  }
}

/** The mail desk as the service builds it, with authenticity on. */
export function authDesk(
  desk: Desk,
  resolver: DnsResolver,
  authservId: string | null = AUTHSERV,
  aliases: string[] = [],
): MailDesk {
  return new MailDesk(desk, {
    own: { addresses: ["kythuat@hanoi.gov.vn", ...aliases], messageIdDomain: "kythuat.hanoi.gov.vn" },
    officialDomains: ["hanoi.gov.vn"],
    requireAuth: true,
    authservId,
    resolver,
    maxBytes: 15 * 1024 * 1024,
    replyCapPerSender: 50,
    replyCapPerBooking: 20,
  });
}
