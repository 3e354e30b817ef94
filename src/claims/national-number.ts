/*
 * The Belgian national register number (rijksregisternummer / numéro de
 * registre national) is 11 digits, YYMMDDSSSCC:
 * - YYMMDD the birth date, with 00 for an unknown month or day;
 *   BIS numbers (people not in the national register) add 20 or 40 to the month;
 * - SSS a counter of the births that day, 001–997 for men, 002–998 for women;
 * - CC = 97 − (YYMMDDSSS mod 97). The century is not in the number, so for
 *   births from 2000 on the register computes the check over 2YYMMDDSSS
 *   (2 000 000 000 + the nine digits) instead; a number is valid when either
 *   rule gives its check digits.
 * The century stays unknown, so nothing here reads a birth date out of it.
 */

const SEPARATORS = /[\s.-]/g
const ELEVEN_DIGITS = /^\d{11}$/

/**
 * Whether `digits` (exactly 11, no separators) is a well-formed national
 * register or BIS number whose check digits match.
 */
export function isValidNationalNumber (digits: string): boolean {
  if (!ELEVEN_DIGITS.test(digits)) return false
  const month = Number(digits.slice(2, 4))
  const day = Number(digits.slice(4, 6))
  const counter = Number(digits.slice(6, 9))
  if (!isKnownMonth(month) || day > 31 || counter < 1 || counter > 998) return false
  const body = Number(digits.slice(0, 9))
  const check = Number(digits.slice(9))
  return checkDigits(body) === check || checkDigits(2_000_000_000 + body) === check
}

/**
 * The 11 bare digits of a valid national number written with or without the
 * usual separators (`65.07.08-622.67`, `650708 622 67`); `undefined` for
 * anything else, including non-strings.
 */
export function normalizeNationalNumber (raw: unknown): string | undefined {
  // Longer input cannot be a national number; skip the work on it.
  if (typeof raw !== 'string' || raw.length > 32) return undefined
  const digits = raw.replace(SEPARATORS, '')
  return isValidNationalNumber(digits) ? digits : undefined
}

/** 00 (unknown) to 12, shifted by 20 or 40 for BIS numbers. */
function isKnownMonth (month: number): boolean {
  const base = month >= 40 ? month - 40 : month >= 20 ? month - 20 : month
  return base <= 12
}

function checkDigits (body: number): number {
  return 97 - (body % 97)
}
