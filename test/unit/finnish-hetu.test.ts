import t from 'tap'
import { normalizeHetu } from '../../src/claims/finnish-hetu.js'

// Check characters below were worked out as DDMMYYNNN mod 31 into 0123456789ABCDEFHJKLMNPRSTUVWXY.
const rows: Array<[name: string, input: unknown, expected: string | undefined]> = [
  ['a wrong check character is refused', '070770-905E', undefined],
  ['an unknown century sign is refused', '070770*905D', undefined],
  ['a slash is not a century sign', '070770/905D', undefined],
  ['a missing century sign is refused', '070770905D', undefined],
  ['too short is refused', '070770-905', undefined],
  ['individual number 001 is refused', '070770-0018', undefined],
  ['29 February 1900 is refused (not a leap year)', '290200-002C', undefined],
  ['31 April is refused', '310470-905D', undefined],
  ['a number value is refused', 70770905, undefined],
  ['null is refused', null, undefined],
  ['the example of Criipto\'s Finnish Trust Network page is valid (a temporary 9xx number)', '070770-905D', '070770-905D'],
  ['the example of the Finnish population register is valid', '131052-308T', '131052-308T'],
  ['a lower-case check character is upper-cased', '070770-905d', '070770-905D'],
  ['surrounding blanks are trimmed', ' 070770-905D ', '070770-905D'],
  ['Y is a sign for the 1900s like -', '131052Y308T', '131052Y308T'],
  ['A marks the 2000s', '010101A123N', '010101A123N'],
  ['B marks the 2000s like A', '010101B123N', '010101B123N'],
  ['+ marks the 1800s', '010100+900F', '010100+900F'],
  ['29 February 2000 is valid', '290200A002C', '290200A002C']
]

for (const [name, input, expected] of rows) {
  t.equal(normalizeHetu(input), expected, name)
}
