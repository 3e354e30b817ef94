/*
 * The Swedish personal identity number (personnummer, Skatteverket), as
 * Swedish BankID sends it through Criipto Verify: 12 digits YYYYMMDDNNNC.
 * - YYYYMMDD the birth date (when a day runs out of numbers a neighbouring
 *   day of the same month is used, so it is always a real date);
 * - NNN a serial number, C a Luhn check digit over the last 10 digits
 *   (YYMMDDNNN), the century not included.
 * Co-ordination numbers (samordningsnummer, day + 60) are a different
 * identifier and are not accepted as a personnummer.
 */

import { isCalendarDate } from './calendar.js'

// The 12 digits, or the same with the usual hyphen before the last four.
const PERSONNUMMER = /^(\d{4})(\d{2})(\d{2})-?(\d{4})$/

/** The 12 bare digits of a valid personnummer; `undefined` for anything else, including non-strings. */
export function normalizePersonnummer (raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 32) return undefined
  const match = PERSONNUMMER.exec(raw.trim())
  if (match === null) return undefined
  const [, year = '', month = '', day = '', rest = ''] = match
  if (!isCalendarDate(Number(year), Number(month), Number(day))) return undefined
  const digits = `${year}${month}${day}${rest}`
  return hasLuhnCheck(digits.slice(2)) ? digits : undefined
}

/** Luhn: from the right, every second digit doubled (minus 9 above 9); the sum ends in 0. */
function hasLuhnCheck (digits: string): boolean {
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i])
    if (i % 2 === 1) {
      digit *= 2
      if (digit > 9) digit -= 9
    }
    sum += digit
  }
  return sum % 10 === 0
}
