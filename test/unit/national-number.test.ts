import t from 'tap'
import { isValidNationalNumber, normalizeNationalNumber } from '../../src/claims/national-number.js'

const cases: Array<[string, unknown, string | undefined]> = [
  ['the contract example is valid', '65070862267', '65070862267'],
  ['births from 2000 use the 2 prefix', '12031523406', '12031523406'],
  ['dots, dashes and spaces are separators', '65.07.08-622.67', '65070862267'],
  ['surrounding spaces are fine', ' 650708 622 67 ', '65070862267'],
  ['a wrong check number is refused', '65070862268', undefined],
  ['a 2000+ number one off its check is refused', '12031523407', undefined],
  ['too short is refused', '6507086226', undefined],
  ['too long is refused', '650708622670', undefined],
  ['letters are refused', '6507086226A', undefined],
  ['an empty string is refused', '', undefined],
  ['a number type is refused', 65070862267, undefined],
  ['null is refused', null, undefined],
  ['an object is refused', { value: '65070862267' }, undefined],
  ['an unknown birth date (00) is legal', '40000095579', '40000095579'],
  ['a BIS number (month + 40) follows the same rule', '65470862256', '65470862256']
]

for (const [name, input, expected] of cases) {
  t.equal(normalizeNationalNumber(input), expected, name)
}

t.test('the prefix rule is what makes the 2000+ number valid', async (t) => {
  const body = 120315234
  t.equal(97 - (body % 97), 74, 'the pre-2000 check would be 74')
  t.equal(isValidNationalNumber('12031523406'), true)
  t.equal(isValidNationalNumber('12031523474'), true, 'the same digits with the pre-2000 check are valid too: the century is not in the number')
})
