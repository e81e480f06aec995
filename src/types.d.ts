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
