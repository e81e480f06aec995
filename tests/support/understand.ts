/** The understanding suites' shared reader: the sample directory and the desk's own identity. */
import { DEFAULT_REGULATION } from "../../src/core/regulation.js";
import { MailReader } from "../../src/mail/parse-file.js";
import { sampleDirectory } from "../helpers.js";

export const reader = new MailReader(sampleDirectory, DEFAULT_REGULATION, {
  addresses: ["kythuat@hanoi.gov.vn"],
  messageIdDomain: "desk.hanoi.gov.vn",
});

/** The endpoint code of a name the sample directory spells exactly (endpoint name, alias or agency). */
export function codeOf(name: string): string {
  const key = name.toLowerCase();
  const e = sampleDirectory.endpoints.find(
    (x) =>
      x.name.toLowerCase() === key ||
      x.aliases.some((a) => a.toLowerCase() === key) ||
      x.agency.toLowerCase() === key,
  );
  if (!e) throw new Error(`no endpoint for ${name}`);
  return e.code;
}
