/*
 * The Norwegian national identity number (fødselsnummer, Skatteetaten), as
 * Norwegian BankID sends it through Criipto Verify: 11 digits DDMMYYIIIKK.
 * - DDMMYY the birth date; a D-number (for people not resident in Norway,
 *   who can hold a BankID) adds 4 to the first digit, and the synthetic test
 *   identities of Skatteetaten's test register (Tenor) add 80 to the month;
 * - III the individual number, which also encodes the century;
 * - KK two modulus-11 check digits: K1 over the first nine digits with the
 *   weights 3 7 6 1 8 9 4 5 2, K2 over the first ten with 5 4 3 2 7 6 5 4 3 2;
 *   a remainder of 0 gives 0, one that would give 10 means no valid number.
 * H-numbers (month + 40) are health-service help numbers, not an identity an
 * eID asserts, and are refused.
 */

import { isCalendarDate } from './calendar.js'

// The 11 digits, or the same with a space between birth date and personal number.
const FODSELSNUMMER = /^(\d{6}) ?(\d{5})$/
const K1_WEIGHTS = [3, 7, 6, 1, 8, 9, 4, 5, 2] as const
const K2_WEIGHTS = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2] as const

/** The 11 bare digits of a valid fødselsnummer or D-number; `undefined` for anything else, including non-strings. */
export function normalizeFodselsnummer (raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 32) return undefined
  const match = FODSELSNUMMER.exec(raw.trim())
  if (match === null) return undefined
  const [, birth = '', personal = ''] = match
  const digits = `${birth}${personal}`
  if (!hasBirthDate(digits)) return undefined
  const values = [...digits].map(Number)
  const k1 = checkDigit(values, K1_WEIGHTS)
  const k2 = checkDigit(values, K2_WEIGHTS)
  return k1 === values[9] && k2 === values[10] ? digits : undefined
}

function hasBirthDate (digits: string): boolean {
  let day = Number(digits.slice(0, 2))
  let month = Number(digits.slice(2, 4))
  const year = Number(digits.slice(4, 6))
  if (day > 40) day -= 40
  if (month > 80) month -= 80
  // The century needs the individual number; 2000 + YY is a leap year exactly
  // when YY is a multiple of 4, which never refuses a real 29 February.
  return isCalendarDate(2000 + year, month, day)
}

function checkDigit (digits: readonly number[], weights: readonly number[]): number | undefined {
  const sum = weights.reduce((total, weight, i) => total + weight * (digits[i] ?? 0), 0)
  const check = (11 - (sum % 11)) % 11
  return check === 10 ? undefined : check
}
