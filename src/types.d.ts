declare module "date-chinese" {
  /** Vietnamese lunar calendar (meridian UTC+7) from commenthol/date-chinese. */
  export class CalendarVietnamese {
    newYear(gregorianYear: number): number;
    fromJDE(jde: number): this;
    fromGregorian(year: number, month: number, day: number): this;
    toGregorian(): { year: number; month: number; day: number };
    get(): [number, number, number, boolean, number];
    set(cycle: number, year: number, month: number, leap: boolean, day: number): this;
  }
}

declare module "proxy-addr" {
  /** express's proxy-addr (jshttp/proxy-addr): the client of a request seen through trusted proxies. */
  interface ProxyRequest {
    socket: { remoteAddress?: string | undefined };
    headers: { "x-forwarded-for"?: string | undefined };
  }
  type Trust = (addr: string, index: number) => boolean;
  function proxyaddr(req: ProxyRequest, trust: Trust | string[] | string): string;
  namespace proxyaddr {
    function compile(val: string[] | string): Trust;
    function all(req: ProxyRequest, trust?: Trust | string[] | string): string[];
  }
  export = proxyaddr;
}
