/*
 * The Danish CPR number (personnummer, CPR-kontoret), as MitID sends it
 * through Criipto Verify: 10 digits DDMMYYSSSS.
 * - DDMMYY the birth date;
 * - SSSS a serial number whose first digit, with YY, gives the century.
 * There is no check digit to verify: the modulus-11 rule was given up in 2007
 * because some birth dates had run out of numbers that satisfy it, so a
 * number that fails it can be perfectly valid.
 */

import { isCalendarDate } from './calendar.js'

// The 10 digits, or the same with the hyphen printed on the health card.
const CPR = /^(\d{2})(\d{2})(\d{2})-?(\d{4})$/

/** The 10 bare digits of a CPR number with a real birth date; `undefined` for anything else, including non-strings. */
export function normalizeCpr (raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 32) return undefined
  const match = CPR.exec(raw.trim())
  if (match === null) return undefined
  const [, day = '', month = '', year = '', serial = ''] = match
  const fullYear = century(Number(serial.charAt(0)), Number(year)) + Number(year)
  return isCalendarDate(fullYear, Number(month), Number(day)) ? `${day}${month}${year}${serial}` : undefined
}

/** CPR-kontoret's table: the first serial digit and the two-digit year give the century. */
function century (firstSerialDigit: number, year: number): number {
  if (firstSerialDigit <= 3) return 1900
  if (firstSerialDigit === 4 || firstSerialDigit === 9) return year <= 36 ? 2000 : 1900
  return year <= 57 ? 2000 : 1800
}
