import t from 'tap'
import { isValidNationalNumber, normalizeNationalNumber } from '../../src/claims/national-number.js'

// Check digits below were worked out by hand: CC = 97 − (nine digits mod 97),
// over 2 followed by the nine digits for births from 2000 on.
const rows: Array<[name: string, input: unknown, expected: string | undefined]> = [
  ['a wrong check number is refused', '65070862268', undefined],
  ['too short is refused', '6507086226', undefined],
  ['too long is refused', '650708622670', undefined],
  ['a letter among the digits is refused', '6507086226A', undefined],
  ['full-width digits are refused', '６５０７０８６２２６７', undefined],
  ['a plus sign is refused', '+65070862267', undefined],
  ['an empty string is refused', '', undefined],
  ['separators alone are refused', ' .-. ', undefined],
  ['a number value is refused', 65070862267, undefined],
  ['a bigint is refused', 65070862267n, undefined],
  ['null is refused', null, undefined],
  ['undefined is refused', undefined, undefined],
  ['an array is refused', ['65070862267'], undefined],
  ['an object is refused', { value: '65070862267' }, undefined],
  ['month 13 is refused even with a matching check', '65130862212', undefined],
  ['day 32 is refused even with a matching check', '65073262226', undefined],
  ['counter 000 is refused even with a matching check', '65070800010', undefined],
  ['counter 999 is refused even with a matching check', '65070899978', undefined],
  ['the contract example is valid', '65070862267', '65070862267'],
  ['births from 2000 use the 2 prefix', '05031512367', '05031512367'],
  ['the same nine digits with the pre-2000 check are valid too (a 1905 birth)', '05031512338', '05031512338'],
  ['a remainder of 0 gives check digits 97', '65070801097', '65070801097'],
  ['dots and a dash, as printed on the eID card', '65.07.08-622.67', '65070862267'],
  ['spaces between groups and around', ' 650708 622 67 ', '65070862267'],
  ['dashes only', '650708-622-67', '65070862267'],
  ['an unknown birth month and day (00) is legal', '75000012394', '75000012394'],
  ['a BIS number with month + 20 follows the same rule', '65270862213', '65270862213'],
  ['a BIS number with month + 40 follows the same rule', '65470862256', '65470862256'],
  ['a BIS number from 2000 on uses the 2 prefix too', '03411204571', '03411204571']
]

for (const [name, input, expected] of rows) {
  t.equal(normalizeNationalNumber(input), expected, name)
}

t.test('isValidNationalNumber takes bare digits only', async (t) => {
  const cases: Array<[name: string, input: string, expected: boolean]> = [
    ['bare digits of a valid number', '65070862267', true],
    ['the same number with separators', '65.07.08-622.67', false],
    ['a 2000+ number', '05031512367', true]
  ]
  for (const [name, input, expected] of cases) t.equal(isValidNationalNumber(input), expected, name)
})

t.test('without the 2 prefix rule the 2000+ number would fail', async (t) => {
  const nine = 50315123
  const withoutPrefix = 97 - (nine % 97)
  const withPrefix = 97 - ((2_000_000_000 + nine) % 97)
  t.equal(withoutPrefix, 38, 'a validator that ignores the century expects 38')
  t.equal(withPrefix, 67, 'the register assigned 67')
  t.not(withoutPrefix, withPrefix)
  t.equal(isValidNationalNumber('05031512367'), true, 'so 05031512367 needs the prefix rule to pass')
})
