/*
 * The Finnish personal identity code (henkilötunnus, HETU, Digital and
 * Population Data Services Agency), as the Finnish Trust Network sends it
 * through Criipto Verify: 11 characters DDMMYYCNNNT.
 * - DDMMYY the birth date;
 * - C the century sign: + for the 1800s; - or Y X W V U for the 1900s;
 *   A B C D E F for the 2000s (the letters were added in 2023);
 * - NNN the individual number, 002–899, or 900–999 for temporary codes
 *   (the test users of the Finnish banks have these);
 * - T the check character: the nine digits DDMMYYNNN as one number, mod 31,
 *   indexed into 0123456789ABCDEFHJKLMNPRSTUVWXY.
 */

import { isCalendarDate } from './calendar.js'

const HETU = /^(\d{2})(\d{2})(\d{2})([-+YXWVUABCDEF])(\d{3})([0-9A-Y])$/
const CHECK_CHARACTERS = '0123456789ABCDEFHJKLMNPRSTUVWXY'
const CENTURIES: Readonly<Record<string, number>> = {
  '+': 1800,
  '-': 1900, Y: 1900, X: 1900, W: 1900, V: 1900, U: 1900,
  A: 2000, B: 2000, C: 2000, D: 2000, E: 2000, F: 2000
}

/** A valid HETU in its standard upper-case form; `undefined` for anything else, including non-strings. */
export function normalizeHetu (raw: unknown): string | undefined {
  if (typeof raw !== 'string' || raw.length > 32) return undefined
  const hetu = raw.trim().toUpperCase()
  const match = HETU.exec(hetu)
  if (match === null) return undefined
  const [, day = '', month = '', year = '', sign = '', individual = '', check = ''] = match
  const century = CENTURIES[sign] ?? 0
  if (!isCalendarDate(century + Number(year), Number(month), Number(day))) return undefined
  if (Number(individual) < 2) return undefined
  const expected = CHECK_CHARACTERS[Number(`${day}${month}${year}${individual}`) % 31]
  return check === expected ? hetu : undefined
}
