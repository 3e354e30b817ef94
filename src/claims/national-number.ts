/**
 * The Belgian national register number (rijksregisternummer / numéro de
 * registre national): 11 digits, YYMMDDSSSCC. CC = 97 − (YYMMDDSSS mod 97);
 * for births from 2000 on, the check is computed over 2 followed by the nine
 * digits. BIS numbers (month + 20 or + 40) follow the same rule.
 */
export function isValidNationalNumber (digits: string): boolean {
  if (!/^\d{11}$/.test(digits)) return false
  const body = Number(digits.slice(0, 9))
  const check = Number(digits.slice(9))
  return checkDigits(body) === check || checkDigits(2_000_000_000 + body) === check
}

/** The 11 bare digits of a valid number (separators such as `65.07.08-622.67` allowed), else undefined. */
export function normalizeNationalNumber (raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 32) return undefined
  const digits = raw.replace(/[\s.\-/]/g, '')
  return isValidNationalNumber(digits) ? digits : undefined
}

function checkDigits (value: number): number {
  return 97 - (value % 97)
}
