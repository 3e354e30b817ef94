import t from 'tap'
import { normalizeFodselsnummer } from '../../src/claims/norwegian-fodselsnummer.js'

// Check digits below were worked out with the two modulus-11 weight sets.
const rows: Array<[name: string, input: unknown, expected: string | undefined]> = [
  ['a wrong second check digit is refused', '27034698437', undefined],
  ['a wrong first check digit is refused', '27034698446', undefined],
  ['a body whose first check digit would be 10 is never valid', '27034610900', undefined],
  ['10 digits are refused', '2703469843', undefined],
  ['12 digits are refused', '270346984360', undefined],
  ['a letter among the digits is refused', '2703469843A', undefined],
  ['a hyphen is refused', '270346-98436', undefined],
  ['day 32 is refused even with matching check digits', '32014610072', undefined],
  ['month 13 is refused even with matching check digits', '27134610005', undefined],
  ['an H-number (month + 40) is refused', '27434610120', undefined],
  ['29 February of a year not divisible by 4 is refused', '29020110048', undefined],
  ['a number value is refused', 27034698436, undefined],
  ['null is refused', null, undefined],
  ['an array is refused', ['27034698436'], undefined],
  ['the example of Criipto\'s Norwegian BankID page is valid', '27034698436', '27034698436'],
  ['a space between birth date and personal number is dropped', '270346 98436', '27034698436'],
  ['surrounding blanks are trimmed', ' 27034698436 ', '27034698436'],
  ['a D-number (day + 40) is valid', '67034610050', '67034610050'],
  ['a synthetic test number (month + 80) is valid', '27834610022', '27834610022'],
  ['29 February of a year divisible by 4 is valid', '29020410181', '29020410181'],
  ['29 February with year 00 is valid (2000 was a leap year)', '29020012380', '29020012380']
]

for (const [name, input, expected] of rows) {
  t.equal(normalizeFodselsnummer(input), expected, name)
}
