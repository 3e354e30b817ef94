/**
 * Whether `day`.`month`.`year` (a four-digit year) is a day of the Gregorian
 * calendar: months 1–12, and no 31 April or 29 February outside leap years.
 */
export function isCalendarDate (year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false
  if (month < 1 || month > 12 || day < 1) return false
  // Day 0 of the next month is the last day of this one.
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}
